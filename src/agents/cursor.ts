import { everyString, stringAt } from '../sources/agent-event.js';
import { promptBlocked, toolDenied } from './messages.js';
import { json, type AgentProtocol, type HookAnswer, type HookEvent, type Leak } from './protocol.js';

// Cursor hooks (https://cursor.com/docs/agent/hooks): .cursor/hooks.json {version: 1, hooks: {<event>: [{command}]}};
// input on stdin with hook_event_name, conversation_id, workspace_roots, plus
//   beforeSubmitPrompt: prompt -> {continue: false, user_message} blocks the prompt;
//   beforeShellExecution: command, cwd; beforeMCPExecution: tool_name, tool_input
//     -> {permission: "deny", user_message, agent_message} stops the call;
//   beforeReadFile: file_path, content -> {permission: "deny"} keeps the file from the agent.
// The after* events only observe, so keyscan does not hook them. A clean event gets no decision
// ({} or continue: true), so Cursor's own approval of commands stays as the user set it.

function read(event: Readonly<Record<string, unknown>>): HookEvent | undefined {
  const name = event['hook_event_name'];
  const cwd = stringAt(event, 'cwd') ?? (Array.isArray(event['workspace_roots']) && typeof event['workspace_roots'][0] === 'string' ? event['workspace_roots'][0] : undefined);
  switch (name) {
    case 'beforeSubmitPrompt': {
      const prompt = event['prompt'];
      if (typeof prompt !== 'string') return undefined;
      return { name, moment: 'prompt', toolName: undefined, filePath: undefined, cwd, fields: [{ path: 'prompt', text: prompt }] };
    }
    case 'beforeShellExecution': {
      const command = event['command'];
      if (typeof command !== 'string') return undefined;
      return { name, moment: 'tool-input', toolName: 'shell', filePath: undefined, cwd, fields: [{ path: 'command', text: command }] };
    }
    case 'beforeMCPExecution': {
      // tool_input is an object, or its JSON as a string: every string of either is scanned
      const toolName = stringAt(event, 'tool_name');
      return { name, moment: 'tool-input', toolName: toolName ?? 'MCP tool', filePath: undefined, cwd, fields: everyString(event['tool_input'], 'tool_input') };
    }
    case 'beforeReadFile': {
      const content = event['content'];
      if (typeof content !== 'string') return undefined;
      return { name, moment: 'tool-output', toolName: 'file read', filePath: stringAt(event, 'file_path'), cwd, fields: [{ path: 'content', text: content }] };
    }
    default:
      return undefined;
  }
}

function answer(event: HookEvent, leaks: readonly Leak[]): HookAnswer {
  if (event.moment === 'prompt') return json(leaks.length === 0 ? { continue: true } : { continue: false, user_message: promptBlocked(leaks) });
  if (leaks.length === 0) return json({});
  if (event.moment === 'tool-output') return json({ permission: 'deny' });
  const reason = toolDenied(event, leaks);
  return json({ permission: 'deny', user_message: reason, agent_message: reason });
}

export const cursor: AgentProtocol = { id: 'cursor', events: ['beforeSubmitPrompt', 'beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile'], read, answer };
