import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { KeyscanError } from '../errors.js';
import type { CommitInfo, Fragment, Skipped } from '../types.js';
import { boundedLines, type LinePiece } from './bounded-lines.js';
import { COMMIT_MARK, LOG_FORMAT, patchFragments } from './git-patch.js';
import { canOverlap } from './key-overlap.js';
import { literalSearch, type LiteralSearch } from './literal-search.js';
import { seenDiffs } from './seen-diffs.js';

/*
 * Every git process keyscan starts is spawned by spawnGit below, with a configuration the scanned
 * repository cannot change: its .git/config, the files that config includes (include.path,
 * includeIf) and .git/config.worktree are untrusted, and command-line settings (`-c`, scope
 * "command") win over all of them. Pinned, and why:
 * - core.fsmonitor=false: git runs it as a command on every index read (ls-files, diff --cached,
 *   check-ignore).
 * - core.hooksPath=/dev/null: no hook can be found (no command we run fires one; belt and braces).
 * - --no-pager (and core.pager): pager.<cmd> and core.pager name programs.
 * - core.editor, sequence.editor: programs; nothing we run edits, pinned to the no-op `:`.
 * - core.sshCommand, core.gitProxy, core.askPass, credential.helper (empty resets the list),
 *   core.alternateRefsCommand: programs git runs only to reach a remote; also unreachable, see
 *   protocol below.
 * - protocol.allow=never and GIT_ALLOW_PROTOCOL='' (the environment beats every protocol.<name>.allow
 *   a repository may set): keyscan never fetches; a partial clone's lazy fetch of a missing blob
 *   (which may run remote.<name>.uploadpack, an ext:: URL, a credential helper) fails instead.
 *   GIT_NO_LAZY_FETCH=1 says the same to git 2.44 and later.
 * - diff.external= with --no-ext-diff, diff.<driver>.textconv/command with --no-textconv: programs
 *   run per file diff.
 * - gpg.program, gpg.ssh.defaultKeyCommand, log.showSignature=false, merge.verifySignatures=false:
 *   `git log` runs gpg (or the program set) to verify signatures when log.showSignature is on.
 * - gc.auto=0, maintenance.auto=false: no background maintenance (gc runs the pre-auto-gc hook).
 * - submodule.recurse=false, diff.submodule=short: no git run inside a submodule, whose config we
 *   have not read (diff arguments also ignore submodules).
 * - core.attributesFile=/dev/null: attributes only change what a diff shows (which --text and
 *   --no-textconv undo), and a path there could be a FIFO that hangs git.
 * - core.useReplaceRefs=false, GIT_NO_REPLACE_OBJECTS=1, GIT_GRAFT_FILE (a path that cannot exist): refs/replace and
 *   grafts would let a repository show us other objects or other parents than those committed; we
 *   scan what was really committed.
 * - log.showRoot=true: false would hide the whole first commit's patch from `git log -p`.
 * - core.bigFileThreshold=512m (git's default): above it git calls a file binary in a diff.
 * - core.deltaBaseCacheLimit=64m, core.packedGitWindowSize=1m, core.packedGitLimit=16m: `git log -p`
 *   keeps up to 96 MB of delta bases by default and maps whole packs, so its peak RSS grew with the
 *   history (143 MB at 30,000 commits, 169 MB on a 63 MB pack); pinned, it stays near 90 MB at the
 *   same speed (at 16m-32m a history of large, often-edited files reads 1.6-3x slower), and a
 *   repository cannot raise it.
 * - filter.<driver>.{clean,smudge,process} (empty; required=false), diff.<driver>.{textconv,command},
 *   merge.<driver>.driver, {diff,merge,gui}tool.<name>.cmd, credential.<url>.helper,
 *   gpg.<format>.program, pager.<cmd>, protocol.<name>.allow: names chosen by the repository, so
 *   they are read from its config first (`git config --list --includes`, which itself runs
 *   nothing) and each one found is pinned (dynamicPins). `git diff --cached` and `git log -p` may
 *   read a clean worktree file instead of its blob and run its clean filter on it: seen with git 2.39.
 * - GIT_TERMINAL_PROMPT=0: never wait on a terminal prompt; GIT_OPTIONAL_LOCKS=0: never write the
 *   index of the scanned repository.
 * Left as the repository says (they run nothing here): alias.* (an alias never shadows a built-in,
 * and we only run built-ins), core.excludesFile (the user's global one must count for `check-ignore`),
 * difftool/mergetool/browser/man/imap/sendemail/submodule.<name>.update (their commands are never run).
 */
const STATIC_PINS: readonly (readonly [string, string])[] = [
  // output keyscan parses
  ['core.quotepath', 'off'],
  ['color.ui', 'never'],
  ['diff.noprefix', 'false'],
  ['diff.mnemonicPrefix', 'false'],
  ['diff.relative', 'false'],
  ['i18n.logOutputEncoding', 'UTF-8'],
  ['grep.lineNumber', 'false'],
  ['grep.column', 'false'],
  ['grep.fullName', 'false'],
  // what is scanned
  ['log.showRoot', 'true'],
  ['core.bigFileThreshold', '512m'],
  ['core.useReplaceRefs', 'false'],
  ['submodule.recurse', 'false'],
  ['diff.submodule', 'short'],
  ['core.attributesFile', '/dev/null'],
  // memory: git's own peak stays flat however long the history or large the pack
  ['core.deltaBaseCacheLimit', '64m'],
  ['core.packedGitWindowSize', '1m'],
  ['core.packedGitLimit', '16m'],
  // programs
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.editor', ':'],
  ['sequence.editor', ':'],
  ['core.sshCommand', ''],
  ['core.gitProxy', ''],
  ['core.askPass', ''],
  ['core.alternateRefsCommand', ''],
  ['credential.helper', ''],
  ['diff.external', ''],
  ['gpg.program', ''],
  ['gpg.ssh.defaultKeyCommand', ''],
  ['log.showSignature', 'false'],
  ['merge.verifySignatures', 'false'],
  ['protocol.allow', 'never'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
];

const STATIC_ARGS: readonly string[] = ['--no-pager', ...STATIC_PINS.flatMap(([key, value]) => ['-c', `${key}=${value}`])];

/** Values for --config-env=<key>=<variable>: a key named by a repository may hold any character but a newline, `=` included. */
const PIN_VALUES = { KEYSCAN_GIT_PIN_EMPTY: '', KEYSCAN_GIT_PIN_NEVER: 'never', KEYSCAN_GIT_PIN_FALSE: 'false' } as const;

const PINNED_ENV: Readonly<Record<string, string>> = {
  ...PIN_VALUES,
  GIT_ALLOW_PROTOCOL: '',
  GIT_PROTOCOL_FROM_USER: '0',
  GIT_NO_LAZY_FETCH: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_NO_REPLACE_OBJECTS: '1',
  GIT_GRAFT_FILE: '/dev/null/no-grafts', // a path that cannot exist: /dev/null itself draws a deprecation hint
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
};

/** Keys whose middle part the repository names, each with the pin it gets. */
const NAMED_KEYS: readonly (readonly [RegExp, keyof typeof PIN_VALUES])[] = [
  [/^filter\..+\.(?:clean|smudge|process)$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^filter\..+\.required$/, 'KEYSCAN_GIT_PIN_FALSE'],
  [/^diff\..+\.(?:textconv|command)$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^merge\..+\.driver$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^(?:difftool|mergetool|guitool)\..+\.cmd$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^credential\..+\.helper$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^gpg\..+\.program$/, 'KEYSCAN_GIT_PIN_EMPTY'],
  [/^pager\..+$/, 'KEYSCAN_GIT_PIN_FALSE'],
  [/^protocol\..+\.allow$/, 'KEYSCAN_GIT_PIN_NEVER'],
];

export interface ConfigEntry {
  /** system, global, local, worktree or command; an included file has its includer's scope. */
  readonly scope: string;
  /** As git prints it: section and name lower-case, a subsection as written. */
  readonly key: string;
  readonly value: string;
}

type Stdio = 'ignore' | 'pipe';

/** The one place a git process starts: the pinned settings, then the pins for names this repository chose, then `args`. */
function spawnGit(args: readonly string[], cwd: string, dynamicArgs: readonly string[], stdin: Stdio = 'ignore', extraEnv: Readonly<Record<string, string>> = {}): ChildProcess {
  return spawn('git', [...STATIC_ARGS, ...dynamicArgs, ...args], { cwd, stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, ...PINNED_ENV, ...extraEnv } });
}

function cannotRun(err: Error): KeyscanError {
  return new KeyscanError('GIT', `cannot run git: ${err.message} (is git installed?)`, { cause: err });
}

export interface GitRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

function collect(child: ChildProcess): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 65536) stderr += d;
    });
    child.on('error', (err) => reject(cannotRun(err)));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
  });
}

/**
 * Every setting in effect in `cwd` (system, global, the repository's and what it includes), as
 * `git config --list` reads it: reading config runs nothing, so the static pins suffice here.
 */
export async function configEntries(cwd: string): Promise<ConfigEntry[]> {
  const run = await collect(spawnGit(['config', '--list', '--includes', '--show-scope', '-z'], cwd, []));
  if (run.code !== 0) throw new KeyscanError('GIT', `cannot read the git config in ${cwd}: ${firstLine(run.stderr) || `git exited ${run.code}`}`);
  const fields = run.stdout.split('\u0000');
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const item = fields[i + 1]!;
    const eol = item.indexOf('\n');
    // `[section] name` with no `=` is listed without a newline: a boolean true
    entries.push(eol === -1 ? { scope: fields[i]!, key: item, value: 'true' } : { scope: fields[i]!, key: item.slice(0, eol), value: item.slice(eol + 1) });
  }
  return entries;
}

/** The --config-env pins for the driver, tool, helper and protocol names this configuration defines. */
export function dynamicPins(entries: readonly ConfigEntry[]): string[] {
  const pins = new Set<string>();
  for (const { key } of entries)
    for (const [pattern, variable] of NAMED_KEYS) if (pattern.test(key)) pins.add(`--config-env=${key}=${variable}`);
  return [...pins];
}

// One config read per directory git runs in: the hook path costs one extra, short git process.
const pinsByCwd = new Map<string, Promise<string[]>>();

/**
 * The pins for `cwd`, read once. A failure to read the config is an error, not a git run without
 * them: we cannot know which drivers the repository defines.
 */
function pinsFor(cwd: string): Promise<string[]> {
  let pins = pinsByCwd.get(cwd);
  if (pins === undefined) {
    pins = configEntries(cwd).then(dynamicPins);
    pinsByCwd.set(cwd, pins);
  }
  return pins;
}

/**
 * A clone for keyscan org scan, the one git run that reaches the network: the transports a plan's
 * clone URLs use are allowed (the environment's list beats the pinned protocol.allow=never), and
 * `env` carries the caller's settings (credentials as GIT_CONFIG_* entries), never the command line.
 */
export async function gitClone(args: readonly string[], cwd: string, env: Readonly<Record<string, string>>): Promise<GitRun> {
  return collect(spawnGit(args, cwd, await pinsFor(cwd), 'ignore', { ...env, GIT_ALLOW_PROTOCOL: 'https:http:ssh:file' }));
}

/** Runs git to completion; for short answers (rev-parse, config), never for patches. */
export async function git(args: readonly string[], cwd: string): Promise<GitRun> {
  return collect(spawnGit(args, cwd, await pinsFor(cwd)));
}

// --text: a `.gitattributes` saying `-diff` or `diff=<driver>` (or binary=true) must not turn a
// file's lines into "Binary files differ"; keyscan applies its own binary test to the added text.
const DIFF_ARGS = ['--no-color', '--no-ext-diff', '--no-textconv', '--text', '-U0', '--full-index', '-M', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all'];

/** The top of the work tree holding `cwd`; a clear error outside a repository. */
export async function repoRoot(cwd: string): Promise<string> {
  // Like the config read, rev-parse --show-toplevel runs nothing (no index, attribute, filter or
  // remote), so the static pins suffice: it starts beside the read of this directory's pins, not
  // after it, and the hook waits for one git process less. The pins are still read, and a failure
  // to read them is still an error.
  const pins = pinsFor(cwd);
  pins.catch(() => undefined); // awaited below, unless rev-parse fails first
  const run = await collect(spawnGit(['rev-parse', '--show-toplevel'], cwd, []));
  if (run.code !== 0) {
    if (/not a git repository/i.test(run.stderr)) throw new KeyscanError('GIT', `not a git repository: ${cwd} (run keyscan in a repository, or scan files with keyscan <path>)`);
    throw new KeyscanError('GIT', `git rev-parse failed: ${firstLine(run.stderr)}`);
  }
  await pins;
  return run.stdout.trim();
}

/** What went wrong, from git's stderr: its fatal or error line before any hint. */
export function firstLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines.find((line) => /^(?:fatal|error):/.test(line)) ?? lines[0] ?? '';
}

/**
 * Streams a git command's stdout as batches of lines of at most `maxLineBytes` (a longer one comes cut);
 * when the stream ends, a failed git is an error and not an empty result.
 */
async function* streamLines(args: readonly string[], cwd: string, what: string, maxLineBytes: number): AsyncGenerator<LinePiece[]> {
  const child = spawnGit(args, cwd, await pinsFor(cwd));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 4096) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(cannotRun(err)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  exited.catch(() => undefined); // awaited below; until then not unhandled
  try {
    yield* boundedLines(child.stdout!, maxLineBytes);
  } finally {
    if (child.exitCode === null) child.kill();
  }
  const code = await exited;
  if (code !== 0) throw new KeyscanError('GIT', `${what} failed: ${firstLine(stderr) || `git exited ${code}`}`);
}

/** An added line holds a sign and up to maxFileSize bytes: a longer one makes its file diff too large. */
function lineLimit(maxFileSize: number): number {
  return Number.isFinite(maxFileSize) ? maxFileSize + 1 : Number.MAX_SAFE_INTEGER;
}

export interface StagedOptions {
  /** A file diff adding more than this many bytes is skipped, not scanned. */
  readonly maxFileSize: number;
  readonly onSkipped?: (skipped: Skipped) => void;
}

/**
 * What the next commit adds: the added lines of the staged diff, read from the index (so a key
 * staged and then removed from the work tree is still caught). GIT_INDEX_FILE is inherited, so
 * `git commit -a` and partial commits see the index git is about to commit.
 */
export function stagedFragments(root: string, options: StagedOptions): AsyncGenerator<Fragment> {
  const lines = streamLines(['diff', '--cached', ...DIFF_ARGS, '-C'], root, 'git diff --cached', lineLimit(options.maxFileSize));
  return patchFragments(lines, { kind: 'staged', maxFileSize: options.maxFileSize, onSkipped: options.onSkipped });
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
  /** A file diff adding more than this many bytes is skipped, not scanned; unlimited when unset. */
  readonly maxFileSize?: number;
  readonly onSkipped?: (skipped: Skipped) => void;
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
 * change on two branches) is not scanned again (within the bounds of seenDiffs).
 */
export function historyFragments(root: string, options: HistoryOptions): AsyncGenerator<Fragment> {
  const maxFileSize = options.maxFileSize ?? Infinity;
  return patchFragments(streamLines(logArgs(options), root, 'git log', lineLimit(maxFileSize)), {
    kind: 'commit',
    maxFileSize,
    onCommit: options.onCommit,
    onSkipped: options.onSkipped,
    isNewDiff: seenDiffs(),
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
 * path HEAD does not have, or whose blob is larger than `maxBytes` (never held). For the history
 * practices (is a key still in the tree?).
 */
async function catFileBatch(root: string, specs: readonly string[], maxBytes: number): Promise<Map<string, Buffer | undefined>> {
  const child = spawnGit(['cat-file', '--batch'], root, await pinsFor(root), 'pipe');
  return new Promise((resolve, reject) => {
    const result = new Map<string, Buffer | undefined>();
    let pending: Buffer = Buffer.alloc(0);
    let next = 0; // index in paths of the object being read
    let body: { size: number; parts: Buffer[] | undefined; got: number } | undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (body === undefined) {
          const eol = pending.indexOf(10);
          if (eol === -1 || next >= specs.length) return;
          const m = /^[0-9a-f]+ blob (\d+)$/.exec(pending.subarray(0, eol).toString('utf8'));
          pending = pending.subarray(eol + 1);
          if (!m) {
            result.set(specs[next++]!, undefined); // "<object> missing", or not a blob
            continue;
          }
          const size = Number(m[1]);
          body = { size, parts: size <= maxBytes ? [] : undefined, got: 0 };
        }
        // the body and its trailing newline, held only when small enough
        const want = body.size + 1 - body.got;
        const take = pending.subarray(0, want);
        body.parts?.push(take);
        body.got += take.length;
        pending = pending.subarray(take.length);
        if (body.got < body.size + 1) return;
        result.set(specs[next++]!, body.parts === undefined ? undefined : Buffer.concat(body.parts).subarray(0, body.size));
        body = undefined;
      }
    });
    child.stderr!.resume();
    child.stdin!.on('error', () => undefined);
    child.on('error', (err) => reject(cannotRun(err)));
    child.on('close', () => resolve(result));
    // a newline in a spec cannot be asked this way: such a path reads as missing
    child.stdin!.end(specs.map((spec) => `${spec.includes('\n') ? '' : spec}\n`).join(''));
  });
}

export async function readAtHead(root: string, paths: readonly string[], maxBytes = Infinity): Promise<Map<string, string | undefined>> {
  const blobs = await catFileBatch(root, paths.map((p) => `HEAD:${p}`), maxBytes);
  return new Map(paths.map((p) => [p, blobs.get(`HEAD:${p}`)?.toString('utf8')]));
}

/** Staged files' content as bytes (from the index, `:<path>`), undefined when absent or over maxBytes: for staged archives. */
export async function readStaged(root: string, paths: readonly string[], maxBytes: number): Promise<Map<string, Buffer | undefined>> {
  const blobs = await catFileBatch(root, paths.map((p) => `:${p}`), maxBytes);
  return new Map(paths.map((p) => [p, blobs.get(`:${p}`)]));
}

/** git's own test for a binary file (`git grep -I`): a NUL among its first 8,000 bytes. */
const BINARY_PROBE_BYTES = 8000;

/**
 * Feeds each blob's bytes to `search` as they arrive from one `git cat-file --batch`, a file at a
 * time (never a whole blob held); a blob whose first 8,000 bytes hold a NUL is binary and skipped,
 * as `git grep -I` does.
 */
async function searchBlobs(root: string, ids: readonly string[], search: LiteralSearch): Promise<boolean> {
  const child = spawnGit(['cat-file', '--batch'], root, await pinsFor(root), 'pipe');
  return new Promise((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let left = -1; // bytes of the current blob still to come, its newline included; -1 between blobs
    let probe: Buffer[] | undefined; // the blob's first bytes, until BINARY_PROBE_BYTES or its end
    let probed = 0;
    let binary = false;
    const take = (piece: Buffer, last: boolean): void => {
      if (binary) return;
      if (probe !== undefined) {
        probe.push(piece);
        probed += piece.length;
        if (probed < BINARY_PROBE_BYTES && !last) return;
        const head = Buffer.concat(probe);
        probe = undefined;
        if (head.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
          binary = true;
          return;
        }
        search.feed(head);
        return;
      }
      search.feed(piece);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length > 0) {
        if (left < 0) {
          const eol = pending.indexOf(10);
          if (eol === -1) return;
          const m = /^[0-9a-f]+ blob (\d+)$/.exec(pending.subarray(0, eol).toString('utf8'));
          pending = pending.subarray(eol + 1);
          if (!m) continue; // "<id> missing": nothing follows
          left = Number(m[1]) + 1;
          probe = [];
          probed = 0;
          binary = false;
        }
        const piece = pending.subarray(0, Math.min(left, pending.length));
        pending = pending.subarray(piece.length);
        left -= piece.length;
        // the record's trailing newline is not the blob's
        take(left === 0 ? piece.subarray(0, piece.length - 1) : piece, left === 0);
        if (left === 0) {
          search.endFile();
          left = -1;
        }
      }
    });
    child.stderr!.resume();
    child.stdin!.on('error', () => undefined);
    child.on('error', (err) => reject(cannotRun(err)));
    child.on('close', (code) => resolve(code === 0));
    child.stdin!.end(ids.map((id) => `${id}\n`).join(''));
  });
}

/**
 * Up to this many keys, `git grep -F` looks for them at HEAD (nothing passes through node); past it,
 * git tries them one by one (2,000 keys: 37 s over 12 MB; 35,000: not done after 15 minutes), so
 * keyscan reads HEAD's blobs and looks for all at once (0.3 s for 35,000).
 */
export const GREP_MAX_SECRETS = 100;

/**
 * Which of these secrets the tree at HEAD still holds, in any file (a renamed file included), or
 * undefined when HEAD cannot be read (the caller then asks file by file). The secrets never go on a
 * command line, where other users of the machine could read them.
 */
export async function secretsAtHead(root: string, secrets: readonly string[], grepMaxSecrets = GREP_MAX_SECRETS): Promise<Set<string> | undefined> {
  if (secrets.length > grepMaxSecrets) return blobSearchAtHead(root, secrets);
  const lines = secrets.filter((s) => !s.includes('\n'));
  if (lines.length === 0) return new Set(); // multi-line keys are looked for in their own files
  const matched = await grepAtHead(root, lines);
  if (matched === undefined) return undefined;
  const found = new Set(lines.filter((s) => matched.has(s)));
  // a key grep did not report may sit inside or against one it did (src/sources/key-overlap.ts): those
  // few are looked for key by key in HEAD's blobs
  const hidden = lines.filter((s) => !found.has(s) && [...found].some((other) => canOverlap(other, s)));
  if (hidden.length === 0) return found;
  const more = await blobSearchAtHead(root, hidden);
  if (more === undefined) return undefined;
  for (const s of more) found.add(s);
  return found;
}

/** secretsAtHead for any number of keys: HEAD's blobs read once, every key looked for at every place. */
async function blobSearchAtHead(root: string, secrets: readonly string[]): Promise<Set<string> | undefined> {
  const tree = await git(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], root);
  if (tree.code !== 0) return undefined;
  const ids = new Set<string>();
  for (const entry of tree.stdout.split('\u0000')) {
    const m = /^\d+ blob ([0-9a-f]+)\t/.exec(entry); // "<mode> blob <id>\t<path>"; a submodule is a commit
    if (m) ids.add(m[1]!);
  }
  const search = literalSearch(secrets);
  return (await searchBlobs(root, [...ids], search)) ? new Set(search.found) : undefined;
}

/** Past this many paths changed since HEAD, they are not named to git one by one: HEAD's tree is searched whole. */
const MAX_CHANGED_PATHS = 200;

/** A path or a key longer than this in git's output: something is off, and the search gives up (the caller asks file by file). */
const MAX_FIELD_CHARS = 1 << 20;

/**
 * secretsAtHead for a few keys: they go to `git grep` on its standard input; multi-line ones cannot
 * be grepped line-wise. A checkout holds HEAD's files already inflated: grepping it took 0.03-0.05 s
 * where HEAD's tree took 0.11-0.12 s (10,000 commits, 7,400 files). So the work tree is searched, and
 * the paths where it or the index differ from HEAD are searched in HEAD's tree instead. Those paths
 * come from the index, beside the search: diff-index --cached (staged: added, changed, deleted) and
 * diff-files (changed or deleted on disk, or only touched: a changed stat counts as changed). A file
 * the index marks skip-worktree or assume-unchanged is grepped from its index blob by git itself.
 * Without a work tree (a bare repository), or with many paths changed, HEAD's tree is searched whole.
 * A file whose checkout went through a smudge filter (Git LFS) is searched as checked out.
 */
async function grepAtHead(root: string, secrets: readonly string[]): Promise<Set<string> | undefined> {
  const patterns = `${secrets.join('\n')}\n`;
  // per key, the paths it was found in, up to one more than could have changed: past that, one of
  // them is unchanged. A file at HEAD may repeat a key a million times; this stays small
  const pathsOf = new Map<string, Set<string>>();
  let path = '';
  // the index is read without refreshing it (GIT_OPTIONAL_LOCKS=0): never written, and stale
  // entries only add paths to search in HEAD's tree. Two threads for the work tree: one reads files
  // while the other searches (0.03 s against 0.04-0.05 s with one), and a number given here is not
  // the repository's grep.threads
  const [inWorkTree, staged, unstaged] = await Promise.all([
    grepRun(root, ['--threads=2', '-z'], patterns, [], ['\u0000', '\n'], (field, i) => {
      if (i % 2 === 0) path = field;
      else if (field !== '') {
        let paths = pathsOf.get(field);
        if (paths === undefined) pathsOf.set(field, (paths = new Set()));
        if (paths.size <= MAX_CHANGED_PATHS) paths.add(path);
      }
    }),
    changedPaths(root, ['diff-index', '--cached', '--name-only', '-z', '--no-renames', 'HEAD', '--']),
    changedPaths(root, ['diff-files', '--name-only', '-z', '--no-renames']),
  ]);
  if (inWorkTree === undefined || staged === undefined || unstaged === undefined) return grepTreeAtHead(root, patterns, []);
  const changed = new Set([...staged, ...unstaged]);
  if (changed.size > MAX_CHANGED_PATHS) return grepTreeAtHead(root, patterns, []);
  const found = new Set<string>();
  for (const [match, paths] of pathsOf) if ([...paths].some((p) => !changed.has(p))) found.add(match);
  if (changed.size === 0) return found;
  const inTree = await grepTreeAtHead(root, patterns, [...changed]);
  if (inTree === undefined) return undefined;
  for (const match of inTree) found.add(match);
  return found;
}

/** The paths a `git diff-index`/`diff-files --name-only -z` lists, up to one more than MAX_CHANGED_PATHS; undefined when it failed. */
async function changedPaths(root: string, args: readonly string[]): Promise<string[] | undefined> {
  const paths: string[] = [];
  const child = spawnGit(args, root, await pinsFor(root));
  const code = await eachField(child, ['\u0000'], (field) => {
    if (field !== '') paths.push(field);
    return paths.length <= MAX_CHANGED_PATHS;
  });
  // stopped early: enough paths to search HEAD's tree whole
  return code === 0 || code === STOPPED ? paths : undefined;
}

/** HEAD's tree grepped, whole or only at `paths` (taken literally); undefined when it cannot be (no HEAD, say). */
async function grepTreeAtHead(root: string, patterns: string, paths: readonly string[]): Promise<Set<string> | undefined> {
  const found = new Set<string>();
  // --threads=1: a grep of a tree reads its blobs under one lock, and a few fixed strings cost little
  // to match, so more threads only add hand-offs: one thread is 30-40 % faster (10,000 commits:
  // 0.13 s against 0.17 s with git's default of one per core; 30,000: 0.13 against 0.19)
  const ok = await grepRun(root, ['--threads=1', '-h', 'HEAD'], patterns, paths, ['\n'], (match) => {
    if (match !== '') found.add(match);
  });
  return ok === undefined ? undefined : found;
}

/**
 * `git grep -F -o` for the patterns (given on stdin, never on a command line, where other users of
 * the machine could read them), its output handed over field by field as it comes; undefined when
 * git could not search.
 */
async function grepRun(
  root: string,
  args: readonly string[],
  patterns: string,
  paths: readonly string[],
  separators: readonly string[],
  take: (field: string, index: number) => void,
): Promise<true | undefined> {
  // -f -: patterns on stdin (not /dev/stdin: node gives children sockets, which cannot be opened by path).
  // --literal-pathspecs: a path from the index is a name, not a pattern
  const child = spawnGit(['--literal-pathspecs', 'grep', '--no-color', '--no-textconv', '-F', '-o', '-I', '-f', '-', ...args, '--', ...paths], root, await pinsFor(root), 'pipe');
  child.stdin!.on('error', () => undefined); // git may stop reading early; its exit code tells
  child.stdin!.end(patterns);
  const code = await eachField(child, separators, (field, i) => {
    take(field, i);
    return true;
  });
  // 0: matches, 1: none; anything else (no HEAD, no work tree, a field too long): undefined
  return code === 0 || code === 1 ? true : undefined;
}

/** eachField's code when `take` stopped the process. */
const STOPPED = -2;

/**
 * A process's output as fields, ended by the separators in turn (`["\0", "\n"]`: a path, then a
 * match), each handed to `take` as it comes and none held longer: the output is never kept whole.
 * `take` returning false stops the process (code STOPPED); a field over MAX_FIELD_CHARS stops it too
 * (code -1). Otherwise git's exit code.
 */
function eachField(child: ChildProcess, separators: readonly string[], take: (field: string, index: number) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let index = 0;
    let stopped: number | undefined;
    const stop = (code: number): void => {
      stopped = code;
      child.stdout!.destroy();
      child.kill();
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stopped !== undefined) return;
      const text = pending + chunk;
      let from = 0;
      for (let at = text.indexOf(separators[index % separators.length]!); at !== -1; at = text.indexOf(separators[index % separators.length]!, from)) {
        if (!take(text.slice(from, at), index++)) return stop(STOPPED);
        from = at + 1;
      }
      if (text.length - from > MAX_FIELD_CHARS) return stop(-1);
      pending = text.slice(from);
    });
    child.stderr!.resume();
    child.on('error', (err) => reject(cannotRun(err)));
    child.on('close', (code) => resolve(stopped ?? code ?? 1));
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

/** Whether this is a shallow clone. */
export async function isShallowRepository(root: string): Promise<boolean> {
  return (await git(['rev-parse', '--is-shallow-repository'], root)).stdout.trim() === 'true';
}
