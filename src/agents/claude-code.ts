import { everyString, PREVIOUS_TEXT_KEYS, REPLACED_TEXT_KEYS, stringAt } from '../sources/agent-event.js';
import { outputLeaked, outputLeakedNotice, promptBlocked, toolDenied } from './messages.js';
import { json, NO_OUTPUT, type AgentId, type AgentProtocol, type HookAnswer, type HookEvent, type Leak } from './protocol.js';

// Claude Code hooks, as documented at https://code.claude.com/docs/en/hooks (hooks reference):
// input on stdin: session_id, transcript_path, cwd, hook_event_name, plus
//   UserPromptSubmit: prompt; PreToolUse: tool_name, tool_input; PostToolUse: tool_name, tool_input, tool_response.
// output on stdout with exit 0 (JSON is read only on exit 0; exit 2 would drop it):
//   PreToolUse: {hookSpecificOutput: {hookEventName, permissionDecision: "deny", permissionDecisionReason}}, the reason goes to Claude;
//   UserPromptSubmit: {decision: "block", reason}: the prompt is erased and the reason shown to the user;
//   PostToolUse: {decision: "block", reason}: the reason goes to Claude; systemMessage is shown to the user.
// No output and exit 0 leaves the normal permission flow alone ("allow" would skip the user's own prompts).
//
// Codex CLI speaks the same protocol (https://developers.openai.com/codex/hooks, and the JSON schemas in
// openai/codex codex-rs/hooks/schema/generated/*.command.{input,output}.schema.json): the same event
// names and fields, hooks.json in .codex/ or ~/.codex/. Its output schemas reject unknown fields, so
// every answer here carries only fields both document.

export function filePathOf(toolInput: unknown): string | undefined {
  return stringAt(toolInput, 'file_path') ?? stringAt(toolInput, 'notebook_path');
}

function readClaudeStyle(event: Readonly<Record<string, unknown>>): HookEvent | undefined {
  const name = event['hook_event_name'];
  const cwd = typeof event['cwd'] === 'string' ? event['cwd'] : undefined;
  const toolName = typeof event['tool_name'] === 'string' ? event['tool_name'] : undefined;
  const toolInput = event['tool_input'];
  switch (name) {
    case 'UserPromptSubmit': {
      const prompt = event['prompt'];
      if (typeof prompt !== 'string') return undefined;
      return { name, moment: 'prompt', toolName: undefined, filePath: undefined, cwd, fields: [{ path: 'prompt', text: prompt }] };
    }
    case 'PreToolUse':
      // every string the tool gets (Bash command, Write content, Edit new_string, MultiEdit edits,
      // NotebookEdit new_source, any MCP tool's arguments), except the text an edit replaces
      return { name, moment: 'tool-input', toolName, filePath: filePathOf(toolInput), cwd, fields: everyString(toolInput, 'tool_input', REPLACED_TEXT_KEYS) };
    case 'PostToolUse':
      return { name, moment: 'tool-output', toolName, filePath: filePathOf(toolInput), cwd, fields: everyString(event['tool_response'], 'tool_response', PREVIOUS_TEXT_KEYS) };
    default:
      return undefined;
  }
}

function answerClaudeStyle(event: HookEvent, leaks: readonly Leak[]): HookAnswer {
  if (leaks.length === 0) return NO_OUTPUT;
  switch (event.moment) {
    case 'prompt':
      return json({ decision: 'block', reason: promptBlocked(leaks) });
    case 'tool-input':
      return json({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: toolDenied(event, leaks) } });
    case 'tool-output':
      return json({ decision: 'block', reason: outputLeaked(event, leaks), systemMessage: outputLeakedNotice(event, leaks) });
  }
}

function claudeStyle(id: AgentId): AgentProtocol {
  return { id, events: ['UserPromptSubmit', 'PreToolUse', 'PostToolUse'], read: readClaudeStyle, answer: answerClaudeStyle };
}

export const claudeCode: AgentProtocol = claudeStyle('claude-code');
export const codex: AgentProtocol = claudeStyle('codex');
