import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { batchesBySize, isOversized, sizeOnDisk, type Batch } from './batch-by-size.js';
import { buildRuleSet } from './detect/detect.js';
import { KeyscanError } from './errors.js';
import type { Pool } from './pool.js';
import type { RegexGuard } from './regex-guard.js';
import { compileRule } from './rules/compile.js';
import { cachedPrefilterTables } from './rules/prefilter-cache.js';
import { inPlay, type RulesFor } from './rules-in-play.js';
import type { RuleDefinition } from './rules/definition.js';
import { findingsIn, fromPlainFinding, MAX_ARCHIVE_FILE_BYTES, readBatch, scanSetup, toPlainFinding, type BatchOutcome, type ScanSetup } from './scan-batch.js';
import { archiveFragments, archiveKind, DEFAULT_ARCHIVE_LIMITS } from './sources/archives.js';
import type { PracticeContext } from './practices/apply.js';
import { ABOVE, frontendFacts } from './practices/client-side.js';
import { manifestsAbove, manifestsAboveDir, packageManifests } from './sources/manifests.js';
import { DEFAULT_MAX_FILE_SIZE, entryForFile, unreadableReason, walkDirectory, type FileEntry } from './sources/files.js';
import { countCommits, gitFileStatus, historyFragments, readAtHead, readStaged, repoRoot, secretsAtHead, stagedFragments, trackedPaths, type HistoryOptions } from './sources/git.js';
import { applyHistoryPractices } from './practices/history.js';
import { practicesChecked, summarizePractices } from './practices/summary.js';
import { createAttributedFilter } from './sources/ignore-attributed.js';
import { workTreeSide, type TrustedSide } from './sources/trusted-side.js';
import { maskCommitMessages } from './detect/commit-messages.js';
import { readStdinFragment } from './sources/stdin.js';
import { startedEarly } from './sources/started-early.js';
import type { Finding, Fragment, PracticeId, ScanResult, Skipped } from './types.js';
import { addSuppressed, commitOf, SUPPRESSED_BY_MARKER } from './types.js';

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
  /** Scan archives' members (default true; --no-archives). */
  readonly archives?: boolean;
  /** Regexes from config files: they run under a time budget (src/regex-guard.ts). */
  readonly configRegexes?: readonly string[];
  readonly regexBudgetMs?: number | undefined;
  /** --respect-gitignore: honour .gitignore files outside a git work tree as well. */
  readonly respectGitignore?: boolean;
}

/** The time budget for config regexes, loaded only when a config brings some. */
async function regexGuard(request: ScanRequest | GitScanRequest, definitions: readonly RuleDefinition[], practices: PracticeContext): Promise<RegexGuard | undefined> {
  if (request.configRegexes === undefined || request.configRegexes.length === 0) return undefined;
  const { createRegexGuard, DEFAULT_BUDGET_MS } = await import('./regex-guard.js');
  return createRegexGuard({ definitions, practices, untrusted: request.configRegexes, budgetMs: request.regexBudgetMs ?? DEFAULT_BUDGET_MS });
}

export const DEFAULT_MAX_KEY_AGE_DAYS = 90;

const DOTENV_PATTERNS = ['*.env', '.env*', '**/.env*', '**/*.env'];

/** Front-end packages and tracked .env files of each scanned directory, as the practice checks need them. */
async function practiceContextForFiles(targets: readonly string[], cwd: string, disabled: readonly PracticeId[], clientSidePaths: readonly string[]): Promise<PracticeContext> {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const t of targets) if (t !== '-') ((await fsp.stat(t)).isDirectory() ? dirs : files).push(t);
  const browserPackages: string[] = [];
  const serverFirstPackages: string[] = [];
  const sdkPackages: string[] = [];
  const trackedList: string[] = [];
  let inGit = false;
  for (const dir of dirs) {
    const prefix = dirs.length === 1 ? '' : `${toPosix(relative(cwd, dir)) || '.'}/`;
    // packages above the scanned directory cover all of it: their dir is the scan's root
    const above = (await manifestsAboveDir(dir)).map((text) => ({ dir: ABOVE, text }));
    const facts = frontendFacts([...above, ...(await packageManifests(dir))]);
    for (const p of facts.browserPackages) browserPackages.push(p === ABOVE ? p : prefix + p);
    for (const p of facts.serverFirstPackages) serverFirstPackages.push(p === ABOVE ? p : prefix + p);
    for (const p of facts.sdkPackages ?? []) sdkPackages.push(p === ABOVE ? p : prefix + p);
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
      sdkPackages: sdkPackages.map((p) => p.replace(/\/$/, '')),
      clientSidePaths,
    },
    tracked: inGit ? { kind: 'listed', paths: trackedList, ignored: ignoredList } : { kind: 'no-git' },
    disabled,
  };
}

/** Below this much text a scan stays in one thread: starting workers would cost more than it saves. */
const POOL_START_BYTES = 16 * 1024 * 1024;

/** A monotonic clock in ms; not performance.now(), whose first use loads perf_hooks on the hook's start-up. */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

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
    const info = await fsp.stat(target);
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
    const shown = toPosix(relative(cwd, target)) || '.';
    try {
      await fsp.stat(target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new KeyscanError('USAGE', code === 'ENOENT' ? `no such file or directory: ${shown}` : `cannot scan ${shown}: ${code ?? String(err)}`, { cause: err });
    }
    // a target the user named and keyscan cannot read is an error, never "No secrets found"
    const unreadable = await unreadableReason(target);
    if (unreadable !== undefined) throw new KeyscanError('IO', `cannot read ${shown}: ${unreadable}`);
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
  const started = nowMs();
  await checkTargets(request.targets, request.cwd);
  const practices = await practiceContextForFiles(request.targets, request.cwd, request.disabledPractices ?? [], request.clientSidePaths ?? []);
  const guard = await regexGuard(request, request.rules, practices);
  try {
    return await scanFiles(request, practices, guard, started);
  } finally {
    guard?.close();
  }
}

async function scanFiles(request: ScanRequest, practices: PracticeContext, guard: RegexGuard | undefined, started: number): Promise<ScanResult> {
  const setup = scanSetup(buildRuleSet(request.rules.map(compileRule), cachedPrefilterTables), request.maxFileSize, practices, request.archives ?? true, guard);
  const outcome: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0, allowed: 0 };

  if (request.targets.includes('-')) {
    const read = await readStdinFragment(request.stdin(), request.maxFileSize);
    if (read.kind === 'skipped') outcome.skipped.push(read.skipped);
    else {
      outcome.files++;
      outcome.bytes += read.bytes;
      outcome.findings.push(...findingsIn(read.fragment, setup, () => outcome.allowed++));
    }
  }

  const threads = useThreads(request);
  // With --threads auto, workers start only once this thread has scanned POOL_START_BYTES and files
  // remain: a hook or a small tree never pays for their start-up (module loading, and regex
  // compilation in each). An explicit --threads N starts them at once.
  const startAfterBytes = request.threads === 'auto' ? POOL_START_BYTES : 0;
  let pool: Pool | undefined;
  const scanHere = (batch: Batch): void => mergeInto(outcome, readBatch(batch.files, setup));
  // one-file batches over the byte budget wait here for a free worker while this thread scans the small ones
  const held: Batch[] = [];
  const dispatch = async (batch: Batch): Promise<void> => {
    if (pool === undefined && threads > 0 && outcome.bytes >= startAfterBytes)
      // loaded here: small scans (and the hook) never load worker_threads
      pool = (await import('./pool.js')).createPool(threads, { definitions: request.rules, maxFileSize: request.maxFileSize, practices, archives: request.archives ?? true, configRegexes: request.configRegexes, regexBudgetMs: request.regexBudgetMs });
    if (pool === undefined) return scanHere(batch);
    while (held.length > 0 && pool.hasRoom()) await pool.submit(held.shift()!);
    if (pool.hasRoom()) await pool.submit(batch);
    else if (isOversized(batch)) held.push(batch);
    else scanHere(batch);
    // let worker replies in, so a worker that finished is seen to have room
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  try {
    // sizes only matter to a pool; without one, no stat per file
    const sizeOf = threads > 0 ? sizeOnDisk : () => 0;
    for await (const batch of batchesBySize(targetFiles(request.targets, request.cwd, outcome, request.respectGitignore ?? false), sizeOf)) await dispatch(batch);
    // the walk is over: this thread takes what no worker has room for
    while (held.length > 0) {
      if (pool?.hasRoom()) await pool.submit(held.shift()!);
      else scanHere(held.shift()!);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    if (pool) mergeInto(outcome, await pool.drain());
  }

  outcome.findings.sort(compareFindings);
  outcome.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    mode: 'files',
    findings: outcome.findings,
    skipped: outcome.skipped,
    warnings: [...(guard?.warnings ?? []), ...(outcome.warnings ?? [])],
    practices: summarizePractices(outcome.findings, practicesChecked('files', request.disabledPractices ?? [])),
    stats: {
      files: outcome.files,
      bytes: outcome.bytes,
      skipped: outcome.skipped.length,
      durationMs: Math.round(nowMs() - started),
      ...(outcome.allowed > 0 ? { suppressed: { [SUPPRESSED_BY_MARKER]: outcome.allowed } } : {}),
    },
  };
}

function mergeInto(into: BatchOutcome, from: BatchOutcome): void {
  for (const f of from.findings) into.findings.push(f);
  for (const s of from.skipped) into.skipped.push(s);
  if (from.warnings?.length) (into.warnings ??= []).push(...from.warnings);
  into.files += from.files;
  into.bytes += from.bytes;
  into.allowed += from.allowed;
}

export interface GitScanRequest {
  readonly mode: 'staged' | 'history';
  readonly cwd: string;
  /** The rules, or what gives them once the hook knows which its commit can wake (src/rules-in-play.ts). */
  readonly rules: readonly RuleDefinition[] | RulesFor;
  readonly history?: Omit<HistoryOptions, 'onCommit'>;
  readonly disabledPractices?: readonly PracticeId[];
  readonly clientSidePaths?: readonly string[];
  /** The top of the work tree, when the caller has it. */
  readonly root?: string;
  /** A file diff adding more than this many bytes is skipped; DEFAULT_MAX_FILE_SIZE when unset. */
  readonly maxFileSize?: number;
  /** Days after which a key still in the tree counts as not rotated (practice/stale-key). */
  readonly maxKeyAgeDays?: number;
  /** Open staged archives (default true; --no-archives). */
  readonly archives?: boolean;
  /** Where .keyscanignore files are read: the work tree, or a pull request's base commit. */
  readonly trusted?: TrustedSide;
  /** Called after each commit in history mode; cheap enough to call per commit. */
  readonly onProgress?: (progress: { commits: number; total: number | undefined; bytes: number }) => void;
  readonly configRegexes?: readonly string[];
  readonly regexBudgetMs?: number | undefined;
}

/**
 * Scans what the next commit adds, or the lines commits added. A key kept in a file over many
 * commits is reported once, at the commit that introduced it (history is read oldest first).
 */
export async function scanGit(request: GitScanRequest): Promise<ScanResult & { root: string }> {
  const started = nowMs();
  // the caller usually knows the root already (it looked for a config there): one git call less
  const root = request.root ?? (await repoRoot(request.cwd));
  const ignoredBy = createAttributedFilter((request.trusted ?? workTreeSide(root)).read, '.keyscanignore');
  const suppressed: Record<string, number> = {};
  const disabled = request.disabledPractices ?? [];
  // range checks load only for history: the hook's start-up stays lean. Named revisions are checked
  // before git log runs (a bad one is an error of its own); with none, only the shallow-clone
  // warning is asked, beside the log's start
  const revisions = request.history?.revisions ?? [];
  const checked = request.mode === 'history' ? import('./sources/git-ranges.js').then((ranges) => ranges.checkRevisions(root, revisions)) : Promise.resolve([]);
  checked.catch(() => undefined); // awaited below
  if (revisions.length > 0) await checked;
  let commits = 0;
  let bytes = 0;
  // the total only for a progress line: one extra git call, and only when someone watches
  const total = request.mode === 'history' && request.onProgress ? await countCommits(root, request.history ?? { revisions: [] }) : undefined;
  const skipped: Skipped[] = [];
  const maxFileSize = request.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const onSkipped = (s: Skipped): void => void skipped.push(s);
  const fragments =
    request.mode === 'staged'
      ? stagedFragments(root, { maxFileSize, onSkipped })
      : historyFragments(root, {
          ...(request.history ?? { revisions: [] }),
          maxFileSize,
          onSkipped,
          onCommit: () => {
            commits++;
            request.onProgress?.({ commits, total, bytes });
          },
        });
  const findings: Finding[] = [];
  const reported = new Set<string>();
  // every key met, reported or not: each is masked wherever a commit's subject shows it
  const secretsSeen = new Set<string>();
  let lastPath: string | undefined;
  let lastIgnoredBy: string | undefined;
  let diffs = 0;
  // The front-end facts for staged files come from the package.json files above them; reading
  // them needs the paths, so fragments are collected first (a commit's additions are small).
  let setup: ScanSetup | undefined;
  const pending: Fragment[] = [];
  const setupFor = async (paths: readonly string[]): Promise<ScanSetup> => {
    const manifests = request.mode === 'staged' ? await manifestsAbove(root, paths) : await packageManifests(root);
    const practices: PracticeContext = {
      frontend: { ...frontendFacts(manifests), clientSidePaths: request.clientSidePaths ?? [] },
      tracked: { kind: 'all' },
      disabled,
    };
    // what a commit adds is at hand: only the rules it can wake are read and compiled, and the
    // automaton that found their keywords keeps its hits for detect() (src/rules-in-play.ts)
    const { rules, within } = request.mode === 'staged' ? inPlay(request.rules, pending.map((f) => f.text)) : { rules: typeof request.rules === 'function' ? request.rules(() => true) : request.rules, within: undefined };
    guard = await regexGuard(request, rules, practices);
    // the cached automaton serves when every built-in rule is in play; other keywords build their own
    return scanSetup(buildRuleSet(rules.map(compileRule), cachedPrefilterTables, within), Infinity, practices, true, guard);
  };
  let guard: RegexGuard | undefined;
  // history: git log's own generator, unwrapped (a wrapping yield* costs microtasks per fragment),
  // started before the rules compile so that git walks the commits meanwhile
  const scanned = async (): Promise<AsyncIterable<Fragment> | Iterable<Fragment>> => {
    if (request.mode === 'history') {
      const log = startedEarly(fragments);
      try {
        // git log spawns a few microtasks on (its pins are awaited): let it, before the setup's
        // synchronous work (the package.json walk, the rules' compilation) holds this thread
        await new Promise<void>((resolve) => setImmediate(resolve));
        setup = await setupFor([]);
      } catch (err) {
        await log.close();
        throw err;
      }
      return log;
    }
    for await (const fragment of fragments) pending.push(fragment);
    if (request.archives !== false) pending.push(...(await stagedArchiveFragments(root, skipped, maxFileSize)));
    setup = await setupFor([...new Set(pending.map((f) => f.origin.path))]);
    return pending.splice(0);
  };
  try {
    for await (const fragment of await scanned()) {
      const path = fragment.origin.path;
      const isMessage = fragment.origin.kind === 'message';
      if (!isMessage && path !== lastPath) {
        diffs++;
        lastPath = path;
        // asked once per file diff, not per hunk; awaited only while its ignore files are read
        const verdict = ignoredBy(path);
        lastIgnoredBy = typeof verdict === 'object' ? await verdict : verdict;
      }
      // a commit message is in no file, so no ignore file covers it
      const by = isMessage ? undefined : lastIgnoredBy;
      bytes += fragment.text.length;
      // an ignored file is still scanned, so the report can say what its ignore line kept out
      for (const finding of findingsIn(fragment, setup!, () => addSuppressed(suppressed, SUPPRESSED_BY_MARKER))) {
        if (finding.kind === 'secret' && !secretsSeen.has(finding.secret.reveal())) secretsSeen.add(structuredClone(finding.secret.reveal()));
        // fingerprint = rule, file and secret hash: the same key in the same file is one finding
        if (reported.has(finding.fingerprint)) continue;
        reported.add(finding.fingerprint);
        if (by !== undefined) addSuppressed(suppressed, by);
        else findings.push(unshared(finding));
      }
    }
  } finally {
    guard?.close();
  }
  const warnings = await checked;
  if (guard) warnings.push(...guard.warnings);
  if (request.mode === 'history' && findings.length > 0) {
    const secrets = [...new Set(findings.flatMap((f) => (f.kind === 'secret' ? [f.secret.reveal()] : [])))];
    const atHead = await secretsAtHead(root, secrets);
    // multi-line keys (PEM blocks: a CRLF file at HEAD holds them with \r) and anything when HEAD
    // could not be searched: those are looked for in their own file at HEAD
    const byFile = findings.filter((f) => f.kind === 'secret' && (atHead === undefined || f.secret.reveal().includes('\n')));
    const heads = byFile.length > 0 ? await readAtHead(root, [...new Set(byFile.map((f) => f.origin.path))], maxFileSize) : new Map<string, string | undefined>();
    const isAtHead = (secret: string): boolean =>
      (atHead?.has(secret) ?? false) || [...heads.values()].some((text) => text?.includes(secret) ?? false);
    const checked = applyHistoryPractices(findings, isAtHead, Date.now(), request.maxKeyAgeDays ?? DEFAULT_MAX_KEY_AGE_DAYS, disabled);
    findings.splice(0, findings.length, ...checked);
  }
  findings.sort(request.mode === 'history' ? compareByCommitOrder(findings) : compareFindings);
  const shownSkipped = [];
  for (const s of skipped) if ((await ignoredBy(s.path)) === undefined) shownSkipped.push(s);
  return {
    root,
    mode: request.mode,
    findings: maskCommitMessages(findings, secretsSeen),
    skipped: shownSkipped,
    warnings,
    practices: summarizePractices(findings, practicesChecked(request.mode, disabled)),
    stats: {
      files: diffs,
      bytes,
      skipped: shownSkipped.length,
      durationMs: Math.round(nowMs() - started),
      ...(request.mode === 'history' ? { commits } : {}),
      ...(Object.keys(suppressed).length > 0 ? { suppressed } : {}),
    },
  };
}

/**
 * The finding with strings of its own. V8 keeps a match (13 characters or more) as a slice of the
 * text it was cut from, so a key kept until the end of a history scan would hold its whole hunk
 * (100 KB for a file added in one commit): 1,000 such findings held 90 MB. A copy shares nothing,
 * as a worker's reply does; structuredClone of a string is one too.
 */
function unshared(finding: Finding): Finding {
  return fromPlainFinding(structuredClone(toPlainFinding(finding)));
}

/**
 * A staged archive is binary to the diff: its members are read from the index and scanned as the
 * commit will hold them (`release.zip!config/app.env`), under the same limits as in a tree.
 */
async function stagedArchiveFragments(root: string, skipped: Skipped[], maxFileSize: number): Promise<Fragment[]> {
  const archives = skipped.filter((s) => (s.reason === 'binary' || s.reason === 'too-large') && archiveKind(s.path) !== undefined);
  if (archives.length === 0) return [];
  const blobs = await readStaged(root, archives.map((s) => s.path), MAX_ARCHIVE_FILE_BYTES);
  const out: Fragment[] = [];
  for (const s of archives) {
    const data = blobs.get(s.path);
    if (data === undefined) continue;
    skipped.splice(skipped.indexOf(s), 1);
    const read = archiveFragments(data, archiveKind(s.path)!, s.path, { ...DEFAULT_ARCHIVE_LIMITS, maxMemberBytes: maxFileSize });
    skipped.push(...read.skipped);
    for (const f of read.fragments) out.push({ ...f, origin: { kind: 'staged', path: f.origin.path } });
  }
  return out;
}

/** History findings keep the order commits were read in (oldest first), then file and line. */
function compareByCommitOrder(findings: readonly Finding[]): (a: Finding, b: Finding) => number {
  const order = new Map<Finding, number>();
  findings.forEach((f, i) => order.set(f, i));
  return (a, b) => {
    const ca = commitOf(a.origin)?.commit ?? '';
    const cb = commitOf(b.origin)?.commit ?? '';
    if (ca !== cb) return order.get(a)! - order.get(b)!;
    return compareFindings(a, b);
  };
}
