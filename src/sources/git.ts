import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { KeyscanError } from '../errors.js';
import type { CommitInfo, Fragment } from '../types.js';
import { COMMIT_MARK, LOG_FORMAT, patchFragments } from './git-patch.js';

// Every git call pins the settings that change diff output: a user's config must not change what we parse.
const PINNED = ['-c', 'core.quotepath=off', '-c', 'color.ui=never', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'diff.relative=false'];
const DIFF_ARGS = ['--no-color', '--no-ext-diff', '--no-textconv', '-U0', '--full-index', '-M', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all'];

export interface GitRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs git to completion; for short answers (rev-parse, config), never for patches. */
export function git(args: readonly string[], cwd: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...PINNED, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new KeyscanError('GIT', `cannot run git: ${err.message} (is git installed?)`, { cause: err })));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

/** The top of the work tree holding `cwd`; a clear error outside a repository. */
export async function repoRoot(cwd: string): Promise<string> {
  const run = await git(['rev-parse', '--show-toplevel'], cwd);
  if (run.code !== 0) {
    if (/not a git repository/i.test(run.stderr)) throw new KeyscanError('GIT', `not a git repository: ${cwd} (run keyscan in a repository, or scan files with keyscan <path>)`);
    throw new KeyscanError('GIT', `git rev-parse failed: ${firstLine(run.stderr)}`);
  }
  return run.stdout.trim();
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/**
 * Streams a git command's stdout as lines; when the stream ends, a failed git is an error and not
 * an empty result.
 */
async function* streamLines(args: readonly string[], cwd: string, what: string): AsyncGenerator<string> {
  const child = spawn('git', [...PINNED, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(new KeyscanError('GIT', `cannot run git: ${err.message} (is git installed?)`, { cause: err })));
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => undefined); // awaited below; until then not unhandled
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) throw new KeyscanError('GIT', `${what} failed: ${firstLine(stderr) || `git exited ${code}`}`);
}

/**
 * What the next commit adds: the added lines of the staged diff, read from the index (so a key
 * staged and then removed from the work tree is still caught). GIT_INDEX_FILE is inherited, so
 * `git commit -a` and partial commits see the index git is about to commit.
 */
export function stagedFragments(root: string): AsyncGenerator<Fragment> {
  return patchFragments(streamLines(['diff', '--cached', ...DIFF_ARGS, '-C'], root, 'git diff --cached'), { kind: 'staged' });
}

export interface HistoryOptions {
  /** Revisions and ranges as git log takes them; empty means every ref (--all). */
  readonly revisions: readonly string[];
  readonly since?: string | undefined;
  readonly maxCommits?: number | undefined;
  /**
   * Leaves out commits reachable from every remote-tracking ref (`--not --remotes`, a push's new
   * branch) or from every ref (`--not --all`, a push the server receives): only what a push adds.
   */
  readonly exclude?: 'remotes' | 'all' | undefined;
  readonly onCommit?: (commit: CommitInfo) => void;
}

function excludeArgs(options: HistoryOptions): string[] {
  if (options.exclude === undefined) return [];
  return ['--not', options.exclude === 'all' ? '--all' : '--remotes'];
}

/** How many commits a history scan will read (for a progress line), or undefined if git cannot say. */
export async function countCommits(root: string, options: HistoryOptions): Promise<number | undefined> {
  const args = ['rev-list', '--count'];
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.maxCommits !== undefined) args.push(`--max-count=${options.maxCommits}`);
  args.push(...(options.revisions.length === 0 ? ['--all'] : options.revisions), ...excludeArgs(options), '--');
  const run = await git(args, root);
  const n = Number(run.stdout.trim());
  return run.code === 0 && Number.isInteger(n) ? n : undefined;
}

export function logArgs(options: HistoryOptions): string[] {
  // --diff-merges=first-parent: lines added while resolving a merge are lines the merge adds;
  // what the merged branch brought was scanned at its own commits, and blob dedupe skips most of it.
  const args = ['log', '-p', '--diff-merges=first-parent', ...DIFF_ARGS, `--format=${LOG_FORMAT}`];
  if (options.since !== undefined) args.push(`--since=${options.since}`);
  if (options.maxCommits !== undefined) args.push(`--max-count=${options.maxCommits}`);
  // --reverse: oldest first, so a key is met first at the commit that introduced it.
  args.push('--reverse');
  if (options.revisions.length === 0) args.push('--all');
  else args.push(...options.revisions);
  args.push(...excludeArgs(options), '--');
  return args;
}

/**
 * Every line each commit adds, as one streaming `git log -p`: one process for the whole history,
 * parsed as it arrives. A diff whose pre/post blobs were already scanned (a cherry-pick, the same
 * change on two branches) is not scanned again.
 */
export function historyFragments(root: string, options: HistoryOptions): AsyncGenerator<Fragment> {
  const seen = new Set<string>();
  return patchFragments(streamLines(logArgs(options), root, 'git log'), {
    kind: 'commit',
    onCommit: options.onCommit,
    isNewDiff: (blobs) => {
      if (seen.has(blobs)) return false;
      seen.add(blobs);
      return true;
    },
  });
}

export { COMMIT_MARK };

/** Paths git tracks below `dir` (relative to it, `/`-separated); undefined when `dir` is not in a repository. */
export async function trackedPaths(dir: string, patterns: readonly string[]): Promise<string[] | undefined> {
  const run = await git(['ls-files', '-z', '--full-name', '--', ...patterns], dir);
  if (run.code !== 0) return undefined;
  const prefix = (await git(['rev-parse', '--show-prefix'], dir)).stdout.trim();
  return run.stdout
    .split('\u0000')
    .filter((p) => p !== '' && p.startsWith(prefix))
    .map((p) => p.slice(prefix.length));
}

/**
 * The content of files at HEAD, read through one `git cat-file --batch` process; undefined for a
 * path HEAD does not have. For the history practices (is a key still in the tree?).
 */
export function readAtHead(root: string, paths: readonly string[]): Promise<Map<string, string | undefined>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...PINNED, 'cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (err) => reject(new KeyscanError('GIT', `cannot run git: ${err.message}`, { cause: err })));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const result = new Map<string, string | undefined>();
      let at = 0;
      for (const path of paths) {
        const eol = out.indexOf(10, at);
        if (eol === -1) break;
        const header = out.subarray(at, eol).toString('utf8');
        at = eol + 1;
        const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
        if (!m) {
          result.set(path, undefined); // "<object> missing"
          continue;
        }
        const size = Number(m[1]);
        result.set(path, out.subarray(at, at + size).toString('utf8'));
        at += size + 1;
      }
      resolve(result);
    });
    // paths are written as HEAD:<path>; a newline in a path cannot be asked this way
    child.stdin.end(paths.map((p) => `HEAD:${p.includes('\n') ? '' : p}\n`).join(''));
  });
}

/**
 * Which of these secrets the tree at HEAD still holds, in any file (a renamed file included).
 * The secrets go to `git grep` on its standard input, never on its command line, where other
 * users of the machine could read them.
 */
export function secretsAtHead(root: string, secrets: readonly string[]): Promise<Set<string> | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...PINNED, 'grep', '--no-color', '-F', '-o', '-h', '-I', '-f', '-', 'HEAD', '--'], { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stdin.on('error', () => undefined); // git may stop reading early; its exit code tells
    child.on('error', (err) => reject(new KeyscanError('GIT', `cannot run git: ${err.message}`, { cause: err })));
    // -f -: patterns on stdin (not /dev/stdin: node gives children sockets, which cannot be opened by path)
    // 0: matches, 1: none; anything else (no HEAD, say): undefined, and the caller asks file by file
    child.on('close', (code) => resolve(code === 0 || code === 1 ? new Set(out.split('\n').filter((line) => line !== '')) : undefined));
    child.stdin.end(`${secrets.filter((s) => !s.includes('\n')).join('\n')}\n`);
  });
}

/** How git sees one file: tracked, ignored, untracked; undefined outside a repository. */
export async function gitFileStatus(abs: string): Promise<'tracked' | 'ignored' | 'untracked' | undefined> {
  const dir = dirname(abs);
  const name = basename(abs);
  const listed = await git(['ls-files', '--error-unmatch', '--', name], dir);
  if (listed.code === 0) return 'tracked';
  if (/not a git repository/i.test(listed.stderr)) return undefined;
  return (await git(['check-ignore', '-q', '--', name], dir)).code === 0 ? 'ignored' : 'untracked';
}
