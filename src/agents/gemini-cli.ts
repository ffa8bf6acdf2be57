import { everyString, REPLACED_TEXT_KEYS } from '../sources/agent-event.js';
import { filePathOf } from './claude-code.js';
import { outputWithheld, outputWithheldNotice, promptBlocked, toolDenied } from './messages.js';
import { json, type AgentProtocol, type HookAnswer, type HookEvent, type Leak } from './protocol.js';

// Gemini CLI hooks, as documented in google-gemini/gemini-cli docs/hooks/reference.md
// (https://geminicli.com/docs/hooks/reference): settings.json `hooks`, input on stdin with
// session_id, cwd, hook_event_name, plus
//   BeforeAgent: prompt; BeforeTool: tool_name, tool_input; AfterTool: tool_name, tool_input, tool_response.
// output: only JSON on stdout, exit 0; {decision: "deny", reason}:
//   BeforeAgent: the turn is blocked and the prompt discarded;
//   BeforeTool: the tool does not run, the reason goes to the agent;
//   AfterTool: the real output is hidden from the agent and the reason replaces it.
// systemMessage is shown to the user.

function read(event: Readonly<Record<string, unknown>>): HookEvent | undefined {
  const name = event['hook_event_name'];
  const cwd = typeof event['cwd'] === 'string' ? event['cwd'] : undefined;
  const toolName = typeof event['tool_name'] === 'string' ? event['tool_name'] : undefined;
  const toolInput = event['tool_input'];
  switch (name) {
    case 'BeforeAgent': {
      const prompt = event['prompt'];
      if (typeof prompt !== 'string') return undefined;
      return { name, moment: 'prompt', toolName: undefined, filePath: undefined, cwd, fields: [{ path: 'prompt', text: prompt }] };
    }
    case 'BeforeTool':
      return { name, moment: 'tool-input', toolName, filePath: filePathOf(toolInput), cwd, fields: everyString(toolInput, 'tool_input', REPLACED_TEXT_KEYS) };
    case 'AfterTool':
      return { name, moment: 'tool-output', toolName, filePath: filePathOf(toolInput), cwd, fields: everyString(event['tool_response'], 'tool_response') };
    default:
      return undefined;
  }
}

function answer(event: HookEvent, leaks: readonly Leak[]): HookAnswer {
  // the docs ask for JSON and nothing else on stdout: {} when there is nothing to say
  if (leaks.length === 0) return json({});
  switch (event.moment) {
    case 'prompt':
      return json({ decision: 'deny', reason: promptBlocked(leaks), systemMessage: promptBlocked(leaks) });
    case 'tool-input':
      return json({ decision: 'deny', reason: toolDenied(event, leaks) });
    case 'tool-output':
      return json({ decision: 'deny', reason: outputWithheld(event, leaks), systemMessage: outputWithheldNotice(event, leaks) });
  }
}

export const geminiCli: AgentProtocol = { id: 'gemini-cli', events: ['BeforeAgent', 'BeforeTool', 'AfterTool'], read, answer };
