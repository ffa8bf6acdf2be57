import { displayPath } from '../sources/agent-event.js';
import type { HookEvent, Leak } from './protocol.js';

// The words every agent's answer uses: what was found (redacted), where, and what to do instead.
// A key is only ever shown as Leak.redacted.

function keys(leaks: readonly Leak[]): string {
  const named = leaks.slice(0, 3).map((l) => `${article(l.title)} ${l.title} (${l.redacted}, in ${l.field})`);
  const more = leaks.length > 3 ? ` and ${leaks.length - 3} more` : '';
  return `${named.join(', ')}${more}`;
}

function article(title: string): string {
  return /^[aeiou]/i.test(title) ? 'an' : 'a';
}

function variables(leaks: readonly Leak[]): string {
  const names = [...new Set(leaks.map((l) => l.envVar))];
  return names.length === 1 ? `the environment variable ${names[0]}` : `the environment variables ${names.join(', ')}`;
}

function names(leaks: readonly Leak[]): string {
  return [...new Set(leaks.map((l) => l.envVar))].join(', ');
}

/** The file a tool reads or writes, relative to the agent's directory when below it. */
function fileOf(event: HookEvent): string | undefined {
  return event.filePath === undefined ? undefined : displayPath(event.filePath, event.cwd);
}

function rotatePages(leaks: readonly Leak[]): string {
  const pages = [...new Set(leaks.flatMap((l) => (l.rotateAt === undefined ? [] : [l.rotateAt])))];
  return pages.length === 0 ? "in the provider's console" : `at ${pages.join(' and ')}`;
}

/** What the tool would do with the text, in the agent's terms. */
function action(event: HookEvent): string {
  const tool = event.toolName ?? 'tool';
  if (event.filePath !== undefined) return `this ${tool} of ${fileOf(event)}`;
  return /bash|shell|command/i.test(tool) || event.name === 'beforeShellExecution' ? 'this shell command' : `this ${tool} call`;
}

/** For the user whose prompt is blocked: the reason shown in place of the prompt. */
export function promptBlocked(leaks: readonly Leak[]): string {
  return (
    `keyscan blocked this prompt: it holds ${keys(leaks)}. A prompt is sent to the model's provider, so a key in it leaves your machine. ` +
    `Remove the key and send the prompt again. To let the agent use the key, put it in ${variables(leaks)} ` +
    `(or a git-ignored .env file) and ask the agent to read it from there. ` +
    `If you already sent this key to an agent or anywhere else, rotate it ${rotatePages(leaks)}.`
  );
}

/** For the agent whose tool call is denied: why, and how to do it without the key. */
export function toolDenied(event: HookEvent, leaks: readonly Leak[]): string {
  const hints = [...new Set(leaks.flatMap((l) => (l.envHint === undefined ? [] : [l.envHint])))];
  const inFile = event.filePath !== undefined && hints.length > 0 ? ` (in ${fileOf(event)}: ${hints.join('; ')})` : '';
  const shell = event.filePath === undefined ? ` (in a shell command: "$${leaks[0]!.envVar}")` : '';
  return (
    `keyscan denied ${action(event)}: it holds ${keys(leaks)}. Never put API keys in code, files or commands: ` +
    `read the key from ${variables(leaks)} instead${inFile}${shell}. ` +
    `If the key is not set, ask the user to set ${names(leaks)} in their environment or a git-ignored .env file; ` +
    `do not ask them to paste the key into the conversation. Do not retry with the key split, encoded or obfuscated.`
  );
}

/** Where the key that came back from a tool lives, for the user who must rotate it. */
function origin(event: HookEvent): string {
  const tool = event.toolName ?? 'a tool';
  return event.filePath !== undefined ? `${fileOf(event)} (read by ${tool})` : `the output of ${tool}`;
}

/** For the agent that just received a key in a tool's output. */
export function outputLeaked(event: HookEvent, leaks: readonly Leak[]): string {
  return (
    `keyscan: the output of ${event.toolName ?? 'this tool'} holds ${keys(leaks)}. Do not repeat, quote or print this key, ` +
    `do not write it into any file, command or message, and do not send it anywhere; refer to it only as ${variables(leaks)}. ` +
    `Tell the user that a key is in ${origin(event)}, that it has been sent to the model's provider, ` +
    `and that they must rotate it ${rotatePages(leaks)} and keep it out of files the agent reads.`
  );
}

/** For the user, when a key reached the model through a tool's output. */
export function outputLeakedNotice(event: HookEvent, leaks: readonly Leak[]): string {
  return `keyscan: ${keys(leaks)} from ${origin(event)} reached the AI model; rotate the key ${rotatePages(leaks)}.`;
}

/** For an agent that can hide a tool's output (Gemini CLI): the text the model gets instead. */
export function outputWithheld(event: HookEvent, leaks: readonly Leak[]): string {
  return (
    `keyscan withheld the output of ${event.toolName ?? 'this tool'}: it holds ${keys(leaks)}, and keys must not reach the model. ` +
    `Do not try to read this key another way; refer to it only as ${variables(leaks)}. ` +
    `Tell the user that a key is in ${origin(event)} and that code should read it from ${variables(leaks)}.`
  );
}

/** For the user, when a tool's output was withheld from the model. */
export function outputWithheldNotice(event: HookEvent, leaks: readonly Leak[]): string {
  return `keyscan: withheld ${keys(leaks)} in ${origin(event)} from the AI model; move the key to ${variables(leaks)}.`;
}
