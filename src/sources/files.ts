import { closeSync, openSync, promises as fsp } from 'node:fs';
import { OPEN_FLAGS, readRegularFile } from './bounded-read.js';
import { basename, join, relative, sep } from 'node:path';
import type { Fragment, Skipped } from '../types.js';
import { git } from './git.js';
import { ALWAYS_SKIPPED_DIRS, gitIgnoreChain, isIgnored, readNamedLayer, type IgnoreLayer } from './ignore-rules.js';

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Git's own test for binary content: a NUL byte among the first 8 KiB. */
const BINARY_PROBE_BYTES = 8192;

export interface FileEntry {
  /**
   * Absolute path, for reading: a link's resolved target. Bytes when the name is not valid UTF-8,
   * so the file is opened by its real name (a worker receives them as a Uint8Array).
   */
  readonly abs: string | Uint8Array;
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

/** What git tracks below a walk's root, loaded on the first path a .gitignore ignores. */
interface Tracked {
  readonly files: ReadonlySet<string>;
  readonly dirs: ReadonlySet<string>;
}

function trackedBelow(root: string): () => Promise<Tracked> {
  let loaded: Promise<Tracked> | undefined;
  return () =>
    (loaded ??= git(['ls-files', '-z'], root).then((run) => {
      const files = new Set(run.code === 0 ? run.stdout.split('\u0000').filter((p) => p !== '') : []);
      const dirs = new Set<string>();
      for (const f of files) for (let i = f.indexOf('/'); i !== -1; i = f.indexOf('/', i + 1)) dirs.add(f.slice(0, i));
      return { files, dirs };
    }));
}

interface Layers {
  /** .gitignore and .git/info/exclude: git's view, which a tracked file overrides. */
  readonly git: readonly IgnoreLayer[];
  /** .keyscanignore: always honoured. */
  readonly keyscan: readonly IgnoreLayer[];
  /** Whether .gitignore files below the root count (in a work tree, or with --respect-gitignore). */
  readonly nestedGitignores: boolean;
  /**
   * Below a directory git ignores but walked for the files it tracks: as in git, no pattern can
   * re-include an untracked file there.
   */
  readonly inIgnoredDir: boolean;
}

export interface WalkOptions {
  /** Outside a git work tree, honour .gitignore files too (inside one, git's rules always apply). */
  readonly respectGitignore?: boolean;
}

/**
 * Walks a directory depth-first, honouring git's ignore rules (every .gitignore from the top of
 * the work tree down, .git/info/exclude, the user's excludes file) and .keyscanignore files as it
 * descends, so an ignored directory is never read; a file git tracks is scanned even where a
 * .gitignore added later ignores it. The root itself is walked even if git ignores it: the user
 * named it. Dot-files are walked: that is where keys hide. Symbolic links to files are followed;
 * links to directories are not, which also rules out loops.
 */
export async function* walkDirectory(root: string, options: WalkOptions = {}): AsyncGenerator<WalkEvent> {
  const chain = await gitIgnoreChain(root, options.respectGitignore ?? false);
  const keyscanLayer = await readNamedLayer(root, '', ['.keyscanignore']);
  const tracked = chain.inWorkTree ? trackedBelow(root) : noneTracked;
  const layers = { git: chain.layers, keyscan: keyscanLayer ? [keyscanLayer] : [], nestedGitignores: chain.inWorkTree || (options.respectGitignore ?? false), inIgnoredDir: false };
  const realRoot = await fsp.realpath(root, { encoding: 'buffer' });
  yield* walkInto(root, '', layers, tracked, realRoot);
}

const NONE_TRACKED: Tracked = { files: new Set(), dirs: new Set() };
const noneTracked = (): Promise<Tracked> => Promise.resolve(NONE_TRACKED);

/** A name read as bytes: its text when it is valid UTF-8, else the bytes (to open it) and an escaped text (to show it). */
function nameOf(bytes: Buffer): { text: string; path: string | Buffer } {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) return { text, path: text };
  let shown = '';
  for (const b of bytes) shown += b >= 0x80 ? `\\x${b.toString(16).padStart(2, '0')}` : b === 0x5c ? '\\\\' : String.fromCharCode(b);
  return { text: shown, path: bytes };
}

function joinPath(dir: string | Buffer, name: string | Buffer): string | Buffer {
  if (typeof dir === 'string' && typeof name === 'string') return join(dir, name);
  return Buffer.concat([Buffer.from(dir), Buffer.from('/'), Buffer.from(name)]);
}

/** The path as a string when its bytes are valid UTF-8. */
function asPath(bytes: Buffer): string | Buffer {
  return nameOf(bytes).path;
}

/** Whether `target` (resolved) is `root` or below it. */
function isInside(target: Buffer, root: Buffer): boolean {
  return target.equals(root) || (target.length > root.length && target[root.length] === 0x2f && target.subarray(0, root.length).equals(root));
}

async function isSkipped(layers: Layers, rel: string, isDir: boolean, tracked: () => Promise<Tracked>): Promise<boolean> {
  const path = isDir ? `${rel}/` : rel;
  if (isIgnored(layers.keyscan, path)) return true;
  if (!layers.inIgnoredDir && !isIgnored(layers.git, path)) return false;
  const t = await tracked();
  return isDir ? !t.dirs.has(rel) : !t.files.has(rel);
}

async function* walkInto(absDir: string | Buffer, relDir: string, layers: Layers, tracked: () => Promise<Tracked>, realRoot: Buffer): AsyncGenerator<WalkEvent> {
  let dir;
  try {
    // names as bytes: a name that is not valid UTF-8 would not survive a round trip through a string
    dir = await fsp.opendir(absDir as string, { encoding: 'buffer' as BufferEncoding });
  } catch (err) {
    yield { kind: 'skipped', skipped: { path: relDir || '.', reason: 'unreadable', detail: `cannot read directory: ${errorText(err)}` } };
    return;
  }
  const subdirs: { text: string; path: string | Buffer }[] = [];
  for await (const entry of dir) {
    const name = nameOf(entry.name as unknown as Buffer);
    const rel = relDir === '' ? name.text : `${relDir}/${name.text}`;
    // .git is a file in worktrees and submodules: skipped whatever its type
    if (ALWAYS_SKIPPED_DIRS.has(name.text)) {
      // installed dependencies are counted, once per directory (walking them would cost what skipping saves)
      if (name.text === 'node_modules' && entry.isDirectory())
        yield { kind: 'skipped', skipped: { path: rel, reason: 'dependencies', detail: 'installed dependencies, not walked' } };
      continue;
    }
    const abs = joinPath(absDir, name.path);
    if (entry.isDirectory()) {
      if (!(await isSkipped(layers, rel, true, tracked))) subdirs.push(name);
    } else if (entry.isFile()) {
      if (!(await isSkipped(layers, rel, false, tracked))) yield { kind: 'file', file: { abs, rel } };
    } else if (entry.isSymbolicLink()) {
      if (await isSkipped(layers, rel, false, tracked)) continue;
      yield await followLink(abs, rel, realRoot);
    }
    // sockets, FIFOs and devices hold no committed text; reading a FIFO would block
  }
  subdirs.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  for (const name of subdirs) {
    const rel = relDir === '' ? name.text : `${relDir}/${name.text}`;
    const abs = joinPath(absDir, name.path);
    // ignore files below a directory whose name is not UTF-8 are not read (readNamedLayer takes a string)
    const gitLayer = typeof abs === 'string' && layers.nestedGitignores ? await readNamedLayer(abs, rel, ['.gitignore']) : undefined;
    const keyscanLayer = typeof abs === 'string' ? await readNamedLayer(abs, rel, ['.keyscanignore']) : undefined;
    const inIgnoredDir = layers.inIgnoredDir || isIgnored(layers.git, `${rel}/`);
    yield* walkInto(abs, rel, { ...layers, inIgnoredDir, git: gitLayer ? [...layers.git, gitLayer] : layers.git, keyscan: keyscanLayer ? [...layers.keyscan, keyscanLayer] : layers.keyscan }, tracked, realRoot);
  }
}

/**
 * A symbolic link met in a walk: followed only to a file inside the scanned tree (so a link to
 * /proc/self/pagemap, /dev/zero or ~/.ssh is never read), and then read by its resolved path.
 */
async function followLink(abs: string | Buffer, rel: string, realRoot: Buffer): Promise<WalkEvent> {
  try {
    const target = (await fsp.realpath(abs as string, { encoding: 'buffer' as BufferEncoding })) as unknown as Buffer;
    if (!isInside(target, realRoot)) return { kind: 'skipped', skipped: { path: rel, reason: 'symlink-outside', detail: 'link outside the scanned tree' } };
    const info = await fsp.stat(target);
    if (info.isFile()) return { kind: 'file', file: { abs: asPath(target), rel } };
    if (info.isDirectory()) return { kind: 'skipped', skipped: { path: rel, reason: 'symlink-dir', detail: 'link to a directory, not followed' } };
    return { kind: 'skipped', skipped: { path: rel, reason: 'special', detail: 'link to a FIFO, socket or device' } };
  } catch (err) {
    const loop = (err as NodeJS.ErrnoException).code === 'ELOOP';
    return { kind: 'skipped', skipped: { path: rel, reason: loop ? 'symlink-loop' : 'unreadable', detail: errorText(err) } };
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
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) return Buffer.from(buffer.subarray(2, buffer.length - (buffer.length % 2))).swap16().toString('utf16le');
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD one for one, so keys in the valid parts are still found.
  return buffer.toString('utf8');
}

export function isBinary(buffer: Buffer): boolean {
  if (buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))) return false;
  return buffer.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

export type ReadOutcome =
  | { readonly kind: 'fragment'; readonly fragment: Fragment; readonly bytes: number }
  | { readonly kind: 'skipped'; readonly skipped: Skipped; readonly bytes: number };

function tooLarge(path: string, maxFileSize: number, size?: number): ReadOutcome {
  const what = size === undefined ? 'more than' : `${size} bytes,`;
  return { kind: 'skipped', bytes: 0, skipped: { path, reason: 'too-large', detail: `${what} over --max-file-size ${maxFileSize}` } };
}

/**
 * Reads one file whole, never more than maxFileSize + 1 bytes of it, and only a regular file (see
 * readRegularFile). Synchronous on purpose: it runs in worker threads that have nothing else to
 * do, where a blocking read of a cached file beats event-loop round trips.
 */
export function readFileFragment(file: FileEntry, maxFileSize: number): ReadOutcome {
  try {
    const read = readRegularFile(file.abs, maxFileSize);
    if (read.kind === 'special') return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'special', detail: 'not a regular file' } };
    if (read.kind === 'too-large') return tooLarge(file.rel, maxFileSize, read.size);
    if (isBinary(read.buffer)) return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'binary', detail: 'binary file' } };
    return { kind: 'fragment', bytes: read.buffer.length, fragment: { text: decodeText(read.buffer), origin: { kind: 'file', path: file.rel }, lineOffset: 0 } };
  } catch (err) {
    return { kind: 'skipped', bytes: 0, skipped: { path: file.rel, reason: 'unreadable', detail: errorText(err) } };
  }
}

/**
 * Checks that a path named on the command line can be read: a file opened (without blocking, a
 * FIFO included), a directory listed. An unreadable target is the user's error, not a skip.
 */
export async function unreadableReason(abs: string): Promise<string | undefined> {
  try {
    if ((await fsp.stat(abs)).isDirectory()) {
      const dir = await fsp.opendir(abs);
      await dir.close();
    } else closeSync(openSync(abs, OPEN_FLAGS));
    return undefined;
  } catch (err) {
    return errorText(err);
  }
}
