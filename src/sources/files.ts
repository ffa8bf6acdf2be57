import { readFileSync, statSync } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Fragment, Skipped } from '../types.js';
import { ALWAYS_SKIPPED_DIRS, isIgnored, readIgnoreLayer, type IgnoreLayer } from './ignore-rules.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Git's own test for binary content: a NUL byte among the first 8 KiB. */
const BINARY_PROBE_BYTES = 8192;

export interface FileEntry {
  /** Absolute path, for reading. */
  readonly abs: string;
  /** Relative to the scan root, `/`-separated: what reports show. */
  readonly rel: string;
}

export type WalkEvent = { readonly kind: 'file'; readonly file: FileEntry } | { readonly kind: 'skipped'; readonly skipped: Skipped };

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOENT':
      return 'no such file (a dangling link, or deleted during the scan)';
    default:
      return code ?? (err as Error).message;
  }
}

/**
 * Walks a directory depth-first, honouring nested .gitignore and .keyscanignore files as it
 * descends, so an ignored directory is never read. Dot-files are walked: that is where keys hide.
 * Symbolic links to files are followed; links to directories are not, which also rules out loops.
 */
export async function* walkDirectory(root: string): AsyncGenerator<WalkEvent> {
  const rootLayer = await readIgnoreLayer(root, '', [join(root, '.git', 'info', 'exclude')]);
  yield* walkInto(root, '', rootLayer ? [rootLayer] : []);
}

async function* walkInto(absDir: string, relDir: string, layers: readonly IgnoreLayer[]): AsyncGenerator<WalkEvent> {
  let dir;
  try {
    dir = await opendir(absDir);
  } catch (err) {
    yield { kind: 'skipped', skipped: { path: relDir || '.', reason: 'unreadable', detail: `cannot read directory: ${errorText(err)}` } };
    return;
  }
  const subdirs: string[] = [];
  for await (const entry of dir) {
    // .git is a file in worktrees and submodules: skipped whatever its type
    if (ALWAYS_SKIPPED_DIRS.has(entry.name)) continue;
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    const abs = join(absDir, entry.name);
    if (entry.isDirectory()) {
      if (!isIgnored(layers, `${rel}/`)) subdirs.push(entry.name);
    } else if (entry.isFile()) {
      if (!isIgnored(layers, rel)) yield { kind: 'file', file: { abs, rel } };
    } else if (entry.isSymbolicLink()) {
      if (isIgnored(layers, rel)) continue;
      try {
        const target = await stat(abs);
        if (target.isFile()) yield { kind: 'file', file: { abs, rel } };
        else if (target.isDirectory())
          yield { kind: 'skipped', skipped: { path: rel, reason: 'symlink-dir', detail: 'link to a directory, not followed' } };
      } catch (err) {
        const loop = (err as NodeJS.ErrnoException).code === 'ELOOP';
        yield { kind: 'skipped', skipped: { path: rel, reason: loop ? 'symlink-loop' : 'unreadable', detail: errorText(err) } };
      }
    }
    // sockets, FIFOs and devices hold no committed text; reading a FIFO would block
  }
  subdirs.sort();
  for (const name of subdirs) {
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    const abs = join(absDir, name);
    const layer = await readIgnoreLayer(abs, rel);
    yield* walkInto(abs, rel, layer ? [...layers, layer] : layers);
  }
}

/** The file entry for a path given on the command line: relative to the current directory. */
export function entryForFile(abs: string, cwd: string): FileEntry {
  const rel = toPosix(relative(cwd, abs));
  return { abs, rel: rel === '' || rel.startsWith('..') ? toPosix(basename(abs)) : rel };
}

export function decodeText(buffer: Buffer): string {
  // UTF-16 with a byte-order mark holds NULs but is text (Windows tools write it).
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD one for one, so keys in the valid parts are still found.
  return buffer.toString('utf8');
}

export function isBinary(buffer: Buffer): boolean {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return false;
  return buffer.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

export type ReadOutcome =
  | { readonly kind: 'fragment'; readonly fragment: Fragment; readonly bytes: number }
  | { readonly kind: 'skipped'; readonly skipped: Skipped; readonly bytes: number };

/**
 * Reads one file whole. Synchronous on purpose: it runs in worker threads that have nothing else to
 * do, where a blocking read of a cached file beats four event-loop round trips (open, stat, read,
 * close). The path is stat-ed before it is opened, since opening a FIFO would block.
 */
export function readFileFragment(file: FileEntry, maxFileSize: number): ReadOutcome {
  try {
    const info = statSync(file.abs);
    if (!info.isFile()) return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'special', detail: 'not a regular file' } };
    if (info.size > maxFileSize)
      return {
        kind: 'skipped',
        bytes: 0,
        skipped: { path: file.rel, reason: 'too-large', detail: `${info.size} bytes, over --max-file-size ${maxFileSize}` },
      };
    const buffer = readFileSync(file.abs);
    if (isBinary(buffer)) return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'binary', detail: 'binary file' } };
    return { kind: 'fragment', bytes: buffer.length, fragment: { text: decodeText(buffer), origin: { kind: 'file', path: file.rel }, lineOffset: 0 } };
  } catch (err) {
    return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'unreadable', detail: errorText(err) } };
  }
}
