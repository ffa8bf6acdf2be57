import { readFileSync, statSync } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Fragment, Skipped } from '../types.js';
import { git } from './git.js';
import { ALWAYS_SKIPPED_DIRS, gitIgnoreChain, isIgnored, readNamedLayer, type IgnoreLayer } from './ignore-rules.js';

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
  yield* walkInto(root, '', layers, tracked);
}

const NONE_TRACKED: Tracked = { files: new Set(), dirs: new Set() };
const noneTracked = (): Promise<Tracked> => Promise.resolve(NONE_TRACKED);

async function isSkipped(layers: Layers, rel: string, isDir: boolean, tracked: () => Promise<Tracked>): Promise<boolean> {
  const path = isDir ? `${rel}/` : rel;
  if (isIgnored(layers.keyscan, path)) return true;
  if (!layers.inIgnoredDir && !isIgnored(layers.git, path)) return false;
  const t = await tracked();
  return isDir ? !t.dirs.has(rel) : !t.files.has(rel);
}

async function* walkInto(absDir: string, relDir: string, layers: Layers, tracked: () => Promise<Tracked>): AsyncGenerator<WalkEvent> {
  let dir;
  try {
    dir = await opendir(absDir);
  } catch (err) {
    yield { kind: 'skipped', skipped: { path: relDir || '.', reason: 'unreadable', detail: `cannot read directory: ${errorText(err)}` } };
    return;
  }
  const subdirs: string[] = [];
  for await (const entry of dir) {
    const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
    // .git is a file in worktrees and submodules: skipped whatever its type
    if (ALWAYS_SKIPPED_DIRS.has(entry.name)) {
      // installed dependencies are counted, once per directory (walking them would cost what skipping saves)
      if (entry.name === 'node_modules' && entry.isDirectory())
        yield { kind: 'skipped', skipped: { path: rel, reason: 'dependencies', detail: 'installed dependencies, not walked' } };
      continue;
    }
    const abs = join(absDir, entry.name);
    if (entry.isDirectory()) {
      if (!(await isSkipped(layers, rel, true, tracked))) subdirs.push(entry.name);
    } else if (entry.isFile()) {
      if (!(await isSkipped(layers, rel, false, tracked))) yield { kind: 'file', file: { abs, rel } };
    } else if (entry.isSymbolicLink()) {
      if (await isSkipped(layers, rel, false, tracked)) continue;
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
    const gitLayer = layers.nestedGitignores ? await readNamedLayer(abs, rel, ['.gitignore']) : undefined;
    const keyscanLayer = await readNamedLayer(abs, rel, ['.keyscanignore']);
    const inIgnoredDir = layers.inIgnoredDir || isIgnored(layers.git, `${rel}/`);
    yield* walkInto(abs, rel, { ...layers, inIgnoredDir, git: gitLayer ? [...layers.git, gitLayer] : layers.git, keyscan: keyscanLayer ? [...layers.keyscan, keyscanLayer] : layers.keyscan }, tracked);
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
