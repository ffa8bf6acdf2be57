import type { EventField } from '../sources/agent-event.js';

export const AGENTS = ['claude-code', 'codex', 'gemini-cli', 'cursor'] as const;
export type AgentId = (typeof AGENTS)[number];

/**
 * What an event is about, as keyscan judges it: text the user sends (a prompt), text the agent is
 * about to put somewhere (a command, a file), or text a tool gave back (already on its way to the model).
 */
export type Moment = 'prompt' | 'tool-input' | 'tool-output';

export interface HookEvent {
  /** The event's own name (`PreToolUse`, `BeforeTool`, `beforeShellExecution`…). */
  readonly name: string;
  readonly moment: Moment;
  readonly toolName: string | undefined;
  /** The file the tool reads or writes, when the event names one. */
  readonly filePath: string | undefined;
  readonly cwd: string | undefined;
  readonly fields: readonly EventField[];
}

/** A key found in an event, as the answer may show it: redacted, with what to do instead. */
export interface Leak {
  readonly title: string;
  readonly provider: string;
  /** First 4 and last 2 characters, never more. */
  readonly redacted: string;
  /** The event field that holds it (`tool_input.command`). */
  readonly field: string;
  readonly envVar: string;
  /** How the file being written reads the variable (`read it with process.env.OPENAI_API_KEY`), if known. */
  readonly envHint: string | undefined;
  /** The provider's page to revoke or rotate the key. */
  readonly rotateAt: string | undefined;
}

/** What the hook prints and its exit code, in the agent's own protocol. */
export interface HookAnswer {
  readonly stdout: string;
  readonly exitCode: 0 | 2;
}

export interface AgentProtocol {
  readonly id: AgentId;
  /** The event names this protocol knows, to tell agents apart when --agent is not given. */
  readonly events: readonly string[];
  /** undefined: an event keyscan does not judge (it is let through). */
  read(event: Readonly<Record<string, unknown>>): HookEvent | undefined;
  /** `leaks` is empty for a clean event. */
  answer(event: HookEvent, leaks: readonly Leak[]): HookAnswer;
}

export const NO_OUTPUT: HookAnswer = { stdout: '', exitCode: 0 };

export function json(value: unknown): HookAnswer {
  return { stdout: `${JSON.stringify(value)}\n`, exitCode: 0 };
}
