import { isAbsolute, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { Fragment } from '../types.js';

/** One string of a hook event that keyscan scans: where it sits (`tool_input.command`) and its text. */
export interface EventField {
  readonly path: string;
  readonly text: string;
}

/** The most an event may hold; past it the event is let through with a warning (a hook must not hang its agent). */
export const MAX_EVENT_BYTES = 32 * 1024 * 1024;
// An event is JSON a program wrote, but a tool's output nests whatever the tool returned: bound the walk.
const MAX_DEPTH = 64;
const MAX_FIELDS = 20_000;

export type EventRead =
  | { readonly kind: 'event'; readonly event: Record<string, unknown> }
  | { readonly kind: 'malformed'; readonly why: string };

/** Reads one hook event from standard input; never throws on bad input, since the agent must go on. */
export async function readHookEvent(input: Readable): Promise<EventRead> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > MAX_EVENT_BYTES) {
      input.destroy();
      return { kind: 'malformed', why: `the event is over ${MAX_EVENT_BYTES / 1048576} MB` };
    }
    chunks.push(buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    return { kind: 'malformed', why: `the event is not JSON (${(err as Error).message.split('\n')[0]})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'malformed', why: 'the event is not a JSON object' };
  return { kind: 'event', event: parsed as Record<string, unknown> };
}

/** A string field of the event, or undefined. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Every string inside `value`, with its path (`tool_input.edits[0].new_string`). Keys named in
 * `skipKeys` are left out: an edit's `old_string` is text already in the file, not text the agent adds.
 */
export function everyString(value: unknown, path: string, skipKeys: ReadonlySet<string> = NO_KEYS): EventField[] {
  const out: EventField[] = [];
  const walk = (v: unknown, at: string, depth: number): void => {
    if (out.length >= MAX_FIELDS || depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      if (v !== '') out.push({ path: at, text: v });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, `${at}[${i}]`, depth + 1));
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        if (skipKeys.has(key)) continue;
        // a name that is not a plain identifier is scanned as text too, and never shown in a path
        const plain = PLAIN_NAME.test(key);
        const name = plain ? key : '<name>';
        if (!plain && out.length < MAX_FIELDS) out.push({ path: at === '' ? name : `${at}.${name}`, text: key });
        walk(item, at === '' ? name : `${at}.${name}`, depth + 1);
      }
    }
  };
  walk(value, path, 0);
  return out;
}

const NO_KEYS: ReadonlySet<string> = new Set();
const PLAIN_NAME = /^[A-Za-z_$][\w$-]{0,39}$/;

/** Edit tools' text being replaced: already in the file, so not what the agent writes. */
export const REPLACED_TEXT_KEYS: ReadonlySet<string> = new Set(['old_string', 'old_str', 'old_source']);

/**
 * Parts of an edit tool's result that repeat the file as it was (Claude Code's Edit and Write
 * return `originalFile` and `oldString`): the hook sees them, the model gets a short summary, so a
 * key already in the file is not one that just reached the model.
 */
export const PREVIOUS_TEXT_KEYS: ReadonlySet<string> = new Set([...REPLACED_TEXT_KEYS, 'originalFile', 'oldString']);

/**
 * The fields as fragments. `filePath` (the file a tool writes) becomes the fragment's path, so
 * path-scoped rules and the language of the fix ("read it with process.env.X") follow that file.
 */
export function eventFragments(fields: readonly EventField[], filePath: string | undefined, cwd: string | undefined): Fragment[] {
  const shownFile = filePath === undefined ? undefined : displayPath(filePath, cwd);
  return fields.map((f) => ({ text: f.text, origin: { kind: 'agent', path: shownFile ?? f.path }, lineOffset: 0 }));
}

/** A path relative to the agent's working directory when it lies below it, with `/` separators. */
export function displayPath(path: string, cwd: string | undefined): string {
  let shown = path;
  if (cwd !== undefined && isAbsolute(path)) {
    const rel = relative(cwd, path);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) shown = rel;
  }
  return sep === '/' ? shown : shown.split(sep).join('/');
}
