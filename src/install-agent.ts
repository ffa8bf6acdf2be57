import { promises as fsp } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { AgentId } from './agents/protocol.js';
import { KeyscanError } from './errors.js';
import { git } from './sources/git.js';

// keyscan install --agent: adds `keyscan agent-hook` to a coding agent's hook settings, merged
// with the hooks already there; --uninstall removes exactly the handlers it added. The settings
// formats are the agents' own (see src/agents/ for the documentation each follows).

/** Where an agent keeps hooks, how its file nests them, and which events keyscan answers. */
interface AgentSettings {
  readonly file: string;
  /** nested: {hooks: {Event: [{matcher?, hooks: [handler]}]}} (Claude Code, Codex, Gemini CLI); flat: {version: 1, hooks: {event: [handler]}} (Cursor). */
  readonly shape: 'nested' | 'flat';
  /** Event names, each with its matcher (undefined: every tool, or an event without tools). */
  readonly events: ReadonlyArray<readonly [string, string | undefined]>;
  /** The variable the agent sets to the project's directory, where node_modules/.bin/keyscan is. */
  readonly projectDirVar: string | undefined;
}

const SETTINGS: Readonly<Record<AgentId, AgentSettings>> = {
  'claude-code': {
    file: '.claude/settings.json',
    shape: 'nested',
    events: [
      ['UserPromptSubmit', undefined],
      ['PreToolUse', 'Bash|Write|Edit|MultiEdit|NotebookEdit|mcp__.*'],
      ['PostToolUse', undefined],
    ],
    projectDirVar: 'CLAUDE_PROJECT_DIR',
  },
  codex: {
    file: '.codex/hooks.json',
    shape: 'nested',
    events: [
      ['UserPromptSubmit', undefined],
      ['PreToolUse', undefined],
      ['PostToolUse', undefined],
    ],
    projectDirVar: undefined,
  },
  'gemini-cli': {
    file: '.gemini/settings.json',
    shape: 'nested',
    events: [
      ['BeforeAgent', undefined],
      ['BeforeTool', undefined],
      ['AfterTool', undefined],
    ],
    projectDirVar: 'GEMINI_PROJECT_DIR',
  },
  cursor: {
    file: '.cursor/hooks.json',
    shape: 'flat',
    events: [
      ['beforeSubmitPrompt', undefined],
      ['beforeShellExecution', undefined],
      ['beforeMCPExecution', undefined],
      ['beforeReadFile', undefined],
    ],
    projectDirVar: undefined,
  },
};

/**
 * The hook command: the project's own keyscan, else one on PATH. No path of the installing machine
 * is written, so the project file can be committed and shared.
 */
export function hookCommand(agent: AgentId): string {
  const dir = SETTINGS[agent].projectDirVar;
  const bin = `${dir === undefined ? '.' : `\${${dir}:-.}`}/node_modules/.bin/keyscan`;
  return `k="${bin}"; [ -x "$k" ] || k=keyscan; "$k" agent-hook --agent ${agent}`;
}

/** A handler keyscan wrote, by any version: it runs `keyscan … agent-hook --agent`. */
function isOurs(handler: unknown): boolean {
  const command = typeof handler === 'object' && handler !== null ? (handler as Record<string, unknown>)['command'] : undefined;
  return typeof command === 'string' && command.includes('keyscan') && command.includes(' agent-hook --agent ');
}

export interface AgentInstallWhere {
  readonly cwd: string;
  readonly home: string | undefined;
  /** The user-level file (~/.claude/settings.json) instead of the project's. */
  readonly user: boolean;
}

export type AgentInstallAction =
  | { kind: 'installed'; agent: AgentId; path: string; events: readonly string[] }
  | { kind: 'already'; agent: AgentId; path: string }
  | { kind: 'removed'; agent: AgentId; path: string; events: readonly string[]; deletedFile: boolean }
  | { kind: 'absent'; agent: AgentId; path: string };

async function settingsPath(agent: AgentId, where: AgentInstallWhere): Promise<string> {
  if (where.user) {
    if (where.home === undefined || where.home === '') throw new KeyscanError('USAGE', 'HOME is not set: cannot find the user-level settings for --user');
    return join(where.home, SETTINGS[agent].file);
  }
  // the project: the top of the git work tree around cwd, else cwd itself
  const top = await git(['rev-parse', '--show-toplevel'], where.cwd).catch(() => undefined);
  return join(top !== undefined && top.code === 0 ? top.stdout.trim() : where.cwd, SETTINGS[agent].file);
}

type Json = Record<string, unknown>;

async function readSettings(path: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyscanError('IO', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    // never rewrite a file we cannot read back: its other settings would be lost
    throw new KeyscanError('CONFIG', `${path} is not valid JSON (${(err as Error).message.split('\n')[0]}); fix it, then run keyscan install again`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new KeyscanError('CONFIG', `${path} does not hold a JSON object; fix it, then run keyscan install again`);
  return parsed as Json;
}

/**
 * Written to a temporary file and renamed: an agent reading the file never sees half of it. A
 * settings file that is a link (dotfiles kept in a repository) stays a link: its target is written.
 */
async function writeSettings(path: string, settings: Json): Promise<void> {
  await fsp.mkdir(dirname(path), { recursive: true });
  const target = await fsp.realpath(path).catch(() => path);
  const temp = `${target}.keyscan-${process.pid}.tmp`;
  await fsp.writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`);
  await fsp.rename(temp, target);
}

function hooksTable(settings: Json, path: string): Json {
  const hooks = settings['hooks'];
  if (hooks === undefined) return {};
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) throw new KeyscanError('CONFIG', `${path}: "hooks" is not an object; fix it, then run keyscan install again`);
  return hooks as Json;
}

function eventList(hooks: Json, event: string, path: string): unknown[] {
  const list = hooks[event];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new KeyscanError('CONFIG', `${path}: hooks.${event} is not an array; fix it, then run keyscan install again`);
  return list;
}

/** The handlers of one event's list, whichever way the file nests them. */
function handlersOf(list: readonly unknown[], shape: AgentSettings['shape']): unknown[] {
  if (shape === 'flat') return [...list];
  return list.flatMap((group) => {
    const inner = typeof group === 'object' && group !== null ? (group as Json)['hooks'] : undefined;
    return Array.isArray(inner) ? inner : [];
  });
}

export async function installAgentHooks(agent: AgentId, where: AgentInstallWhere): Promise<AgentInstallAction> {
  const spec = SETTINGS[agent];
  const path = await settingsPath(agent, where);
  const settings = (await readSettings(path)) ?? (spec.shape === 'flat' ? { version: 1 } : {});
  const hooks = hooksTable(settings, path);
  const command = hookCommand(agent);
  const added: string[] = [];
  for (const [event, matcher] of spec.events) {
    const list = eventList(hooks, event, path);
    if (handlersOf(list, spec.shape).some(isOurs)) continue;
    const handler = spec.shape === 'flat' ? { command } : { type: 'command', command };
    // appended: hooks already there keep their place and run as before
    hooks[event] = [...list, spec.shape === 'flat' ? handler : { ...(matcher === undefined ? {} : { matcher }), hooks: [handler] }];
    added.push(event);
  }
  if (added.length === 0) return { kind: 'already', agent, path };
  await writeSettings(path, { ...settings, hooks });
  return { kind: 'installed', agent, path, events: added };
}

export async function uninstallAgentHooks(agent: AgentId, where: AgentInstallWhere): Promise<AgentInstallAction> {
  const spec = SETTINGS[agent];
  const path = await settingsPath(agent, where);
  const settings = await readSettings(path);
  if (settings === undefined) return { kind: 'absent', agent, path };
  const hooks = hooksTable(settings, path);
  const removed: string[] = [];
  for (const event of Object.keys(hooks)) {
    const list = hooks[event];
    if (!Array.isArray(list) || !handlersOf(list, spec.shape).some(isOurs)) continue;
    const kept =
      spec.shape === 'flat'
        ? list.filter((h) => !isOurs(h))
        : list.flatMap((group) => {
            const inner = typeof group === 'object' && group !== null ? (group as Json)['hooks'] : undefined;
            if (!Array.isArray(inner) || !inner.some(isOurs)) return [group];
            const rest = inner.filter((h) => !isOurs(h));
            // a group that held only keyscan's handler was keyscan's: it goes with it
            return rest.length === 0 ? [] : [{ ...(group as Json), hooks: rest }];
          });
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
    removed.push(event);
  }
  if (removed.length === 0) return { kind: 'absent', agent, path };
  const rest: Json = { ...settings, hooks };
  if (Object.keys(hooks).length === 0) delete rest['hooks'];
  // a file left with nothing but what install created ({} or Cursor's version) is removed
  const leftovers = Object.keys(rest).filter((k) => !(spec.shape === 'flat' && k === 'version'));
  const isLink = (await fsp.lstat(path)).isSymbolicLink();
  if (leftovers.length === 0 && !isLink) {
    await fsp.unlink(path);
    return { kind: 'removed', agent, path, events: removed, deletedFile: true };
  }
  await writeSettings(path, rest);
  return { kind: 'removed', agent, path, events: removed, deletedFile: false };
}

export function describeAgentAction(action: AgentInstallAction, cwd: string): string {
  const shown = relative(cwd, action.path).startsWith('..') ? action.path : relative(cwd, action.path) || action.path;
  switch (action.kind) {
    case 'installed':
      return `keyscan: added keyscan's ${action.agent} hooks (${action.events.join(', ')}) to ${shown}; hooks already there are kept. Remove with: keyscan install --agent ${action.agent} --uninstall\n`;
    case 'already':
      return `keyscan: ${shown} already runs keyscan for ${action.agent}\n`;
    case 'removed':
      return `keyscan: removed keyscan's hooks (${action.events.join(', ')}) from ${shown}${action.deletedFile ? ', which held nothing else and was deleted' : ''}\n`;
    case 'absent':
      return `keyscan: ${shown} does not run keyscan; nothing to remove\n`;
  }
}
