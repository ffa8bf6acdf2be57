import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { buildRuleSet } from './detect/detect.js';
import { KeyscanError } from './errors.js';
import type { Pool } from './pool.js';
import { compileRule } from './rules/compile.js';
import type { RuleDefinition } from './rules/definition.js';
import { findingsIn, readBatch, scanSetup, type BatchOutcome, type ScanSetup } from './scan-batch.js';
import type { PracticeContext } from './practices/apply.js';
import { ABOVE, frontendFacts } from './practices/client-side.js';
import { manifestsAbove, manifestsAboveDir, packageManifests } from './sources/manifests.js';
import { entryForFile, walkDirectory, type FileEntry } from './sources/files.js';
import { countCommits, gitFileStatus, historyFragments, readAtHead, repoRoot, secretsAtHead, stagedFragments, trackedPaths, type HistoryOptions } from './sources/git.js';
import { applyHistoryPractices } from './practices/history.js';
import { practicesChecked, summarizePractices } from './practices/summary.js';
import { createPathFilter } from './sources/ignore-rules.js';
import { readStdinFragment } from './sources/stdin.js';
import type { Finding, Fragment, PracticeId, ScanResult } from './types.js';

export interface ScanRequest {
  /** Absolute paths of files and directories, or '-' for standard input. */
  readonly targets: readonly string[];
  readonly cwd: string;
  readonly stdin: () => Readable;
  readonly rules: readonly RuleDefinition[];
  readonly maxFileSize: number;
  /** Worker threads for file scans; 0 scans in this thread, 'auto' one per core on large trees. */
  readonly threads: number | 'auto';
  readonly disabledPractices?: readonly PracticeId[];
  /** Path regexes that count as client-side code (config practices.clientSidePaths). */
  readonly clientSidePaths?: readonly string[];
  /** --respect-gitignore: honour .gitignore files outside a git work tree as well. */
  readonly respectGitignore?: boolean;
}

export const DEFAULT_MAX_KEY_AGE_DAYS = 90;

const DOTENV_PATTERNS = ['*.env', '.env*', '**/.env*', '**/*.env'];

/** Front-end packages and tracked .env files of each scanned directory, as the practice checks need them. */
async function practiceContextForFiles(targets: readonly string[], cwd: string, disabled: readonly PracticeId[], clientSidePaths: readonly string[]): Promise<PracticeContext> {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const t of targets) if (t !== '-') ((await stat(t)).isDirectory() ? dirs : files).push(t);
  const browserPackages: string[] = [];
  const serverFirstPackages: string[] = [];
  const trackedList: string[] = [];
  let inGit = false;
  for (const dir of dirs) {
    const prefix = dirs.length === 1 ? '' : `${toPosix(relative(cwd, dir)) || '.'}/`;
    // packages above the scanned directory cover all of it: their dir is the scan's root
    const above = (await manifestsAboveDir(dir)).map((text) => ({ dir: ABOVE, text }));
    const facts = frontendFacts([...above, ...(await packageManifests(dir))]);
    for (const p of facts.browserPackages) browserPackages.push(p === ABOVE ? p : prefix + p);
    for (const p of facts.serverFirstPackages) serverFirstPackages.push(p === ABOVE ? p : prefix + p);
    const tracked = await trackedPaths(dir, DOTENV_PATTERNS);
    if (tracked === undefined) continue;
    inGit = true;
    for (const p of tracked) trackedList.push(prefix + p);
  }
  const ignoredList: string[] = [];
  for (const file of files) {
    // a file named on the command line: tracked, ignored, or neither, as git sees it
    const status = await gitFileStatus(file);
    if (status === undefined) continue;
    inGit = true;
    const rel = entryForFile(file, cwd).rel;
    if (status === 'tracked') trackedList.push(rel);
    else if (status === 'ignored') ignoredList.push(rel);
  }
  return {
    frontend: {
      browserPackages: browserPackages.map((p) => p.replace(/\/$/, '')),
      serverFirstPackages: serverFirstPackages.map((p) => p.replace(/\/$/, '')),
      clientSidePaths,
    },
    tracked: inGit ? { kind: 'listed', paths: trackedList, ignored: ignoredList } : { kind: 'no-git' },
    disabled,
  };
}

/** Below this much text a scan stays in one thread: starting workers would cost more than it saves. */
const POOL_START_BYTES = 16 * 1024 * 1024;
const BATCH_FILES = 16;

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export function compareFindings(a: Finding, b: Finding): number {
  const pa = a.origin.path;
  const pb = b.origin.path;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.at.line - b.at.line || a.at.column - b.at.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

async function* targetFiles(targets: readonly string[], cwd: string, outcome: BatchOutcome, respectGitignore: boolean): AsyncGenerator<FileEntry> {
  const dirs = targets.filter((t) => t !== '-');
  for (const target of dirs) {
    const info = await stat(target);
    if (!info.isDirectory()) {
      yield entryForFile(target, cwd);
      continue;
    }
    // One directory: paths relative to it. Several: relative to the working directory, to tell them apart.
    const prefix = dirs.length === 1 ? '' : `${toPosix(relative(cwd, target)) || '.'}/`;
    for await (const event of walkDirectory(target, { respectGitignore })) {
      if (event.kind === 'skipped') outcome.skipped.push({ ...event.skipped, path: prefix + event.skipped.path });
      else yield prefix === '' ? event.file : { abs: event.file.abs, rel: prefix + event.file.rel };
    }
  }
}

async function checkTargets(targets: readonly string[], cwd: string): Promise<void> {
  for (const target of targets) {
    if (target === '-') continue;
    try {
      await stat(target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const shown = toPosix(relative(cwd, target)) || '.';
      throw new KeyscanError('USAGE', code === 'ENOENT' ? `no such file or directory: ${shown}` : `cannot scan ${shown}: ${code ?? String(err)}`, { cause: err });
    }
  }
}

function useThreads(request: ScanRequest): number {
  if (request.threads === 'auto') {
    // Workers run the compiled dist/; under a TypeScript test runner there is none.
    if (import.meta.url.endsWith('.ts')) return 0;
    // one worker per core but this one, which walks and scans as well
    return Math.max(1, Math.min(availableParallelism() - 1, 8));
  }
  return request.threads;
}

export async function scan(request: ScanRequest): Promise<ScanResult> {
  const started = performance.now();
  await checkTargets(request.targets, request.cwd);
  const practices = await practiceContextForFiles(request.targets, request.cwd, request.disabledPractices ?? [], request.clientSidePaths ?? []);
  const setup = scanSetup(buildRuleSet(request.rules.map(compileRule)), request.maxFileSize, practices);
  const outcome: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0 };

  if (request.targets.includes('-')) {
    const { fragment, bytes } = await readStdinFragment(request.stdin());
    outcome.files++;
    outcome.bytes += bytes;
    outcome.findings.push(...findingsIn(fragment, setup));
  }

  const threads = useThreads(request);
  // With --threads auto, workers start only once this thread has scanned POOL_START_BYTES and files
  // remain: a hook or a small tree never pays for their start-up (module loading, and regex
  // compilation in each). An explicit --threads N starts them at once.
  const startAfterBytes = request.threads === 'auto' ? POOL_START_BYTES : 0;
  let pool: Pool | undefined;
  const dispatch = async (batch: FileEntry[]): Promise<void> => {
    if (pool === undefined && threads > 0 && outcome.bytes >= startAfterBytes)
      // loaded here: small scans (and the hook) never load worker_threads
      pool = (await import('./pool.js')).createPool(threads, { definitions: request.rules, maxFileSize: request.maxFileSize, practices });
    if (pool?.hasRoom()) await pool.submit(batch);
    else mergeInto(outcome, readBatch(batch, setup));
    // let worker replies in, so a worker that finished is seen to have room
    if (pool) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  try {
    let batch: FileEntry[] = [];
    for await (const file of targetFiles(request.targets, request.cwd, outcome, request.respectGitignore ?? false)) {
      batch.push(file);
      if (batch.length >= BATCH_FILES) {
        await dispatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await dispatch(batch);
  } finally {
    if (pool) mergeInto(outcome, await pool.drain());
  }

  outcome.findings.sort(compareFindings);
  outcome.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    mode: 'files',
    findings: outcome.findings,
    skipped: outcome.skipped,
    warnings: [],
    practices: summarizePractices(outcome.findings, practicesChecked('files', request.disabledPractices ?? [])),
    stats: {
      files: outcome.files,
      bytes: outcome.bytes,
      skipped: outcome.skipped.length,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

function mergeInto(into: BatchOutcome, from: BatchOutcome): void {
  for (const f of from.findings) into.findings.push(f);
  for (const s of from.skipped) into.skipped.push(s);
  into.files += from.files;
  into.bytes += from.bytes;
}

export interface GitScanRequest {
  readonly mode: 'staged' | 'history';
  readonly cwd: string;
  readonly rules: readonly RuleDefinition[];
  readonly history?: Omit<HistoryOptions, 'onCommit'>;
  readonly disabledPractices?: readonly PracticeId[];
  readonly clientSidePaths?: readonly string[];
  /** The top of the work tree, when the caller has it. */
  readonly root?: string;
  /** Days after which a key still in the tree counts as not rotated (practice/stale-key). */
  readonly maxKeyAgeDays?: number;
  /** Called after each commit in history mode; cheap enough to call per commit. */
  readonly onProgress?: (progress: { commits: number; total: number | undefined; bytes: number }) => void;
}

/**
 * Scans what the next commit adds, or the lines commits added. A key kept in a file over many
 * commits is reported once, at the commit that introduced it (history is read oldest first).
 */
export async function scanGit(request: GitScanRequest): Promise<ScanResult & { root: string }> {
  const started = performance.now();
  // the caller usually knows the root already (it looked for a config there): one git call less
  const root = request.root ?? (await repoRoot(request.cwd));
  const isIgnored = createPathFilter(root, ['.keyscanignore']);
  const disabled = request.disabledPractices ?? [];
  // simple-git loads only for history: the hook's start-up stays lean
  const warnings =
    request.mode === 'history' ? await (await import('./sources/git-ranges.js')).checkRevisions(root, request.history?.revisions ?? []) : [];
  let commits = 0;
  let bytes = 0;
  // the total only for a progress line: one extra git call, and only when someone watches
  const total = request.mode === 'history' && request.onProgress ? await countCommits(root, request.history ?? { revisions: [] }) : undefined;
  const fragments =
    request.mode === 'staged'
      ? stagedFragments(root)
      : historyFragments(root, {
          ...(request.history ?? { revisions: [] }),
          onCommit: () => {
            commits++;
            request.onProgress?.({ commits, total, bytes });
          },
        });
  const findings: Finding[] = [];
  const reported = new Set<string>();
  let lastPath: string | undefined;
  let diffs = 0;
  // The front-end facts for staged files come from the package.json files above them; reading
  // them needs the paths, so fragments are collected first (a commit's additions are small).
  let setup: ScanSetup | undefined;
  const pending: Fragment[] = [];
  const setupFor = async (paths: readonly string[]): Promise<ScanSetup> => {
    const manifests = request.mode === 'staged' ? await manifestsAbove(root, paths) : await packageManifests(root);
    return scanSetup(buildRuleSet(request.rules.map(compileRule)), Infinity, {
      frontend: { ...frontendFacts(manifests), clientSidePaths: request.clientSidePaths ?? [] },
      tracked: { kind: 'all' },
      disabled,
    });
  };
  const scanned = async function* (): AsyncGenerator<Fragment> {
    if (request.mode === 'staged') {
      for await (const fragment of fragments) pending.push(fragment);
      setup = await setupFor([...new Set(pending.map((f) => f.origin.path))]);
      yield* pending.splice(0);
    } else {
      setup = await setupFor([]);
      yield* fragments;
    }
  };
  for await (const fragment of scanned()) {
    const path = fragment.origin.path;
    if (await isIgnored(path)) continue;
    if (path !== lastPath) {
      diffs++;
      lastPath = path;
    }
    bytes += fragment.text.length;
    for (const finding of findingsIn(fragment, setup!)) {
      // fingerprint = rule, file and secret hash: the same key in the same file is one finding
      if (reported.has(finding.fingerprint)) continue;
      reported.add(finding.fingerprint);
      findings.push(finding);
    }
  }
  if (request.mode === 'history' && findings.length > 0) {
    const secrets = [...new Set(findings.flatMap((f) => (f.kind === 'secret' ? [f.secret.reveal()] : [])))];
    const atHead = await secretsAtHead(root, secrets);
    // multi-line keys (PEM blocks) cannot be grepped line-wise; nor can anything if grep failed:
    // those are looked for in their own file at HEAD
    const byFile = findings.filter((f) => f.kind === 'secret' && (atHead === undefined || f.secret.reveal().includes('\n')));
    const heads = byFile.length > 0 ? await readAtHead(root, [...new Set(byFile.map((f) => f.origin.path))]) : new Map<string, string | undefined>();
    const isAtHead = (secret: string): boolean =>
      (atHead?.has(secret) ?? false) || [...heads.values()].some((text) => text?.includes(secret) ?? false);
    const checked = applyHistoryPractices(findings, isAtHead, Date.now(), request.maxKeyAgeDays ?? DEFAULT_MAX_KEY_AGE_DAYS, disabled);
    findings.splice(0, findings.length, ...checked);
  }
  findings.sort(request.mode === 'history' ? compareByCommitOrder(findings) : compareFindings);
  return {
    root,
    mode: request.mode,
    findings,
    skipped: [],
    warnings,
    practices: summarizePractices(findings, practicesChecked(request.mode, disabled)),
    stats: {
      files: diffs,
      bytes,
      skipped: 0,
      durationMs: Math.round(performance.now() - started),
      ...(request.mode === 'history' ? { commits } : {}),
    },
  };
}

/** History findings keep the order commits were read in (oldest first), then file and line. */
function compareByCommitOrder(findings: readonly Finding[]): (a: Finding, b: Finding) => number {
  const order = new Map<Finding, number>();
  findings.forEach((f, i) => order.set(f, i));
  return (a, b) => {
    const ca = a.origin.kind === 'commit' ? a.origin.commit : '';
    const cb = b.origin.kind === 'commit' ? b.origin.commit : '';
    if (ca !== cb) return order.get(a)! - order.get(b)!;
    return compareFindings(a, b);
  };
}
