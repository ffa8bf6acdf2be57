import { claudeCode, codex } from './claude-code.js';
import { cursor } from './cursor.js';
import { geminiCli } from './gemini-cli.js';
import type { AgentId, AgentProtocol } from './protocol.js';

export const PROTOCOLS: Readonly<Record<AgentId, AgentProtocol>> = { 'claude-code': claudeCode, codex, 'gemini-cli': geminiCli, cursor };

/** The protocol whose events include this one, when --agent is not given (Claude Code and Codex answer alike). */
export function protocolForEvent(name: unknown): AgentProtocol | undefined {
  if (typeof name !== 'string') return undefined;
  return [claudeCode, geminiCli, cursor].find((p) => p.events.includes(name));
}
