import { existsSync, promises as fsp, readFileSync, statSync } from 'node:fs';
import { asBaseline, baselineOf, dropBaselined, dropGitleaksIgnored, type Baseline } from './detect/baseline.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { isKeyscanError, KeyscanError } from './errors.js';
import { mistypedCommandError, parseOptions, parseSize, type Format, type Options } from './options.js';
import type { Reporter } from './report/options.js';
import { printable } from './report/printable.js';
import { summarizePractices } from './practices/summary.js';
import { configRegexes, DEFAULT_CONFIG, effectiveRules, findConfig, loadConfig, type Config } from './rules/config.js';
import { builtinRulesWhere } from './rules/load.js';
import { effectiveRulesWoken, readRulesAhead } from './rules-in-play.js';
import { regexCacheDir } from './rules/regex-safety.js';
import type { RuleDefinition } from './rules/definition.js';
import { git, repoRoot } from './sources/git.js';
import { DEFAULT_MAX_KEY_AGE_DAYS, scan, scanGit } from './scan.js';
import { addSuppressed, type PracticeId, type ScanResult, type Severity } from './types.js';
import { commitSide, NO_SIDE, resolveCommit, workTreeSide, type TrustedSide } from './sources/trusted-side.js';
import { readRegularFile } from './sources/bounded-read.js';
import { packageVersion } from './version.js';

// Modules only some commands need load when used: each module costs the pre-commit hook's start-up.
const writeFileAtomic: typeof import('./atomic-write.js').writeFileAtomic = async (...args) => (await import('./atomic-write.js')).writeFileAtomic(...args);

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** A function: touching process.stdin costs start-up time, and only `keyscan -` needs it. */
  readonly stdin: () => Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly isTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** The terminal's width when stdout is one: the text report fits its lines to it. */
  readonly columns?: number | undefined;
}

export type ExitCode = 0 | 1 | 2;

function oneLine(err: unknown, debug: boolean): string {
  if (debug) return `keyscan: ${(err as Error)?.stack ?? String(err)}\n`;
  const message = isKeyscanError(err) ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)} (run with --debug for details)`;
  return `keyscan: ${message.split('\n')[0]}\n`;
}

function useColor(opts: Options, io: Io): boolean {
  if (opts.color !== undefined) return opts.color;
  if (opts.output !== undefined) return false;
  if ('NO_COLOR' in io.env && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true;
  return io.isTTY;
}

const WARNED_REASONS = new Set(['unreadable', 'symlink-loop', 'symlink-outside', 'archive']);

interface Settings {
  readonly config: Config;
  readonly maxFileSize: number;
  readonly disabledPractices: readonly PracticeId[];
  readonly clientSidePaths: readonly string[];
  readonly maxKeyAgeDays: number | undefined;
  readonly validate: boolean;
  /** Regexes from config files, and their time budget per fragment: src/regex-guard.ts. */
  readonly guard: { readonly configRegexes: readonly string[]; readonly regexBudgetMs: number | undefined };
}

/** KEYSCAN_REGEX_BUDGET_MS: not documented, for tests that need a tiny budget. */
function regexBudgetMs(io: Io): number | undefined {
  const value = Number(io.env['KEYSCAN_REGEX_BUDGET_MS']);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * The config (--config, or the one at the root of what is scanned, or the one `found` at a pull
 * request's base commit) merged with the command line, which wins.
 */
function settingsFor(opts: Options, root: string, io: Io, found?: { readonly config: Config }): Settings {
  const path = opts.config !== undefined ? resolve(io.cwd, opts.config) : found === undefined ? findConfig(root) : undefined;
  // a config found in the scanned tree is the repository's: its [extend] path may not leave it
  const config =
    found !== undefined && opts.config === undefined
      ? found.config
      : path === undefined
        ? DEFAULT_CONFIG
        : loadConfig(path, relative(io.cwd, path) || path, { regexCacheDir: regexCacheDir(io.env), ...(opts.config === undefined ? { confineTo: root } : {}) });
  for (const why of config.untranslated) io.stderr(`keyscan: warning: ${config.source}: rule ${why}; it is not used\n`);
  // validate = true counts only in a config the user named: a repository's own file must not
  // make a scan of it send its keys anywhere
  const validate = opts.validate || (opts.config !== undefined && config.validate === true);
  if (!validate && opts.validateEndpoints.length > 0) throw new KeyscanError('USAGE', '--validate-endpoint needs --validate (or validate = true in the config given with --config)');
  return {
    config,
    maxFileSize: opts.maxFileSizeGiven || config.maxFileSize === undefined ? opts.maxFileSize : parseSize(String(config.maxFileSize)),
    disabledPractices: config.practices.disable,
    clientSidePaths: config.practices.clientSidePaths,
    maxKeyAgeDays: opts.maxKeyAgeDays ?? config.practices.maxKeyAge,
    validate,
    guard: { configRegexes: configRegexes(config), regexBudgetMs: regexBudgetMs(io) },
  };
}

async function runScan(opts: Options, io: Io): Promise<ExitCode> {
  // `keyscan stagged`: a command's typo, unless a file has that name
  if (opts.mistypedCommand !== undefined && !existsSync(resolve(io.cwd, opts.mistypedCommand.word))) throw mistypedCommandError(opts.mistypedCommand);
  const targets = opts.paths.map((p) => (p === '-' ? '-' : resolve(io.cwd, p)));
  const scanRoot = targets.find((t) => t !== '-' && existsSync(t) && statSync(t).isDirectory()) ?? io.cwd;
  const settings = settingsFor(opts, scanRoot, io);
  const result: ScanResult = await scan({
    targets,
    cwd: io.cwd,
    stdin: io.stdin,
    rules: effectiveRules(settings.config),
    maxFileSize: settings.maxFileSize,
    threads: opts.threads,
    disabledPractices: settings.disabledPractices,
    clientSidePaths: settings.clientSidePaths,
    archives: opts.archives,
    respectGitignore: opts.respectGitignore,
    ...settings.guard,
  });
  for (const s of result.skipped) if (WARNED_REASONS.has(s.reason)) io.stderr(`keyscan: warning: skipped ${printable(s.path)}: ${s.detail}\n`);
  for (const warning of result.warnings) io.stderr(`keyscan: warning: ${warning}\n`);

  const dirTargets = targets.filter((t) => t !== '-');
  // file paths are relative to a single scanned directory; show them from where the user stands
  const single = dirTargets.length === 1 && opts.paths.length === 1 && statSync(dirTargets[0]!).isDirectory() ? dirTargets[0]! : undefined;
  const displayRoot = single === undefined ? '' : isAbsolute(opts.paths[0]!) ? single : relative(io.cwd, single);
  return finish(result, opts, io, displayRoot, scanRoot, settings);
}

function readBaseline(path: string, cwd: string): Baseline {
  let parsed: unknown;
  try {
    const read = readRegularFile(resolve(cwd, path), MAX_BASELINE_BYTES);
    if (read.kind !== 'read') throw new KeyscanError('USAGE', `cannot read baseline ${path}: ${read.kind === 'special' ? 'not a regular file' : 'larger than 64 MB'}`);
    parsed = JSON.parse(read.buffer.toString('utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KeyscanError('USAGE', `cannot read baseline ${path}: ${code === 'ENOENT' ? 'no such file (create one with keyscan baseline)' : code ?? 'invalid JSON'}`, { cause: err });
  }
  const baseline = asBaseline(parsed);
  if (typeof baseline === 'string') throw new KeyscanError('USAGE', `baseline ${path}: ${baseline}`);
  return baseline;
}

/** A baseline lists findings, not files: past this it is not one. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The exit code for --fail-on: info practices never fail a build unless asked for by `info`. */
export function failsBuild(findings: ScanResult['findings'], failOn: Options['failOn']): boolean {
  switch (failOn) {
    case 'none':
      return false;
    case 'live':
      return findings.some((f) => f.kind === 'secret' && f.validation?.status === 'live');
    case 'any':
      return findings.some((f) => f.kind === 'secret' || f.severity !== 'info');
    default:
      return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
  }
}

/**
 * The baseline a scan honours: the file --baseline names, or in a pull request's check that file as
 * the base commit has it (a pull request must not add its own key to the baseline that hides it).
 */
async function trustedBaseline(path: string, io: Io, trusted: TrustedSide, root: string): Promise<Baseline> {
  if (trusted.kind === 'work-tree') return readBaseline(path, io.cwd);
  const rel = relative(root, resolve(io.cwd, path)).split('\\').join('/');
  const text = rel.startsWith('..') ? undefined : await trusted.read(rel);
  if (text === undefined) {
    io.stderr(`keyscan: warning: baseline ${path} is not in ${trusted.label}: nothing is taken from it\n`);
    return { tool: 'keyscan', version: 1, findings: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new KeyscanError('USAGE', `baseline ${path} in ${trusted.label} is not valid JSON`, { cause: err });
  }
  const baseline = asBaseline(parsed);
  if (typeof baseline === 'string') throw new KeyscanError('USAGE', `baseline ${path} in ${trusted.label}: ${baseline}`);
  return baseline;
}

/** Baseline, validation (with --validate), --only-live, the report and the exit code, for every scan mode. */
async function finish(scanned: ScanResult, opts: Options, io: Io, displayRoot: string, scanRoot: string, settings: Settings, trusted: TrustedSide = workTreeSide(scanRoot)): Promise<ExitCode> {
  let result = scanned;
  const suppressed: Record<string, number> = { ...result.stats.suppressed };
  if (opts.baseline !== undefined) {
    const kept = dropBaselined(result.findings, await trustedBaseline(opts.baseline, io, trusted, scanRoot)).kept;
    addSuppressed(suppressed, 'baseline', result.findings.length - kept.length);
    result = { ...result, findings: kept };
  }
  const gitleaksIgnore = await trusted.read('.gitleaksignore');
  if (gitleaksIgnore !== undefined) {
    const kept = dropGitleaksIgnored(result.findings, gitleaksIgnore);
    addSuppressed(suppressed, '.gitleaksignore', result.findings.length - kept.length);
    result = { ...result, findings: kept };
  }
  if (Object.keys(suppressed).length > 0) result = { ...result, stats: { ...result.stats, suppressed } };
  if (settings.validate) result = await validated(result, opts, io, scanRoot, effectiveRules(settings.config));
  const isLive = (f: ScanResult['findings'][number]): boolean => f.kind === 'secret' && f.validation?.status === 'live';
  if (opts.onlyLive) result = { ...result, findings: result.findings.filter(isLive) };
  // what the baseline or --only-live dropped breaks no practice in the report
  if (result.findings.length !== scanned.findings.length) result = { ...result, practices: summarizePractices(result.findings, result.practices.map((p) => p.id)) };
  await emit(result, opts, io, displayRoot);
  return failsBuild(result.findings, opts.failOn) ? 1 : 0;
}

const DEFAULT_BASELINE = '.keyscan-baseline.json';

/**
 * keyscan baseline [path|range]: records today's findings so CI fails only on new ones. A target
 * that is not a path is a git range. --prune keeps only the entries that still occur.
 */
async function runBaseline(opts: Options, io: Io): Promise<ExitCode> {
  const target = opts.paths[0] ?? '.';
  const out = opts.output ?? opts.baseline ?? DEFAULT_BASELINE;
  const isPath = target === '.' || existsSync(resolve(io.cwd, target));
  const settings = settingsFor(opts, isPath ? resolve(io.cwd, target) : await repoRoot(io.cwd), io);
  const result = isPath
    ? await scan({ targets: [resolve(io.cwd, target)], cwd: io.cwd, stdin: io.stdin, rules: effectiveRules(settings.config), maxFileSize: settings.maxFileSize, threads: opts.threads, disabledPractices: settings.disabledPractices, clientSidePaths: settings.clientSidePaths, archives: opts.archives, respectGitignore: opts.respectGitignore, ...settings.guard })
    : await scanGit({ mode: 'history', cwd: io.cwd, rules: effectiveRules(settings.config), history: { revisions: [target] }, maxFileSize: settings.maxFileSize, disabledPractices: settings.disabledPractices, clientSidePaths: settings.clientSidePaths, ...settings.guard });
  for (const warning of result.warnings) io.stderr(`keyscan: warning: ${warning}\n`);
  let baseline = baselineOf(result.findings);
  if (opts.prune) {
    const previous = readBaseline(out, io.cwd);
    const { used } = dropBaselined(result.findings, previous);
    baseline = { ...previous, findings: previous.findings.filter((_, i) => used.has(i)) };
    await writeFileAtomic(resolve(io.cwd, out), `${JSON.stringify(baseline, null, 2)}\n`, 'baseline', out);
    io.stdout(`keyscan: kept ${baseline.findings.length} of ${previous.findings.length} baseline entries in ${out} (${previous.findings.length - baseline.findings.length} no longer occur)\n`);
    return 0;
  }
  await writeFileAtomic(resolve(io.cwd, out), `${JSON.stringify(baseline, null, 2)}\n`, 'baseline', out);
  io.stdout(`keyscan: wrote ${baseline.findings.length} findings to ${out}; scan with --baseline ${out} to report only new ones\n`);
  return 0;
}

const REPO_CONFIG_FILES = ['keyscan.toml', '.keyscan.toml', '.gitleaks.toml'];

/**
 * Endpoint overrides come from the environment and the command line only: a config file in the
 * scanned repository may be written by an attacker who wants the keys sent to them. Such a
 * setting is ignored, and said so.
 */
function warnAboutRepoEndpoints(scanRoot: string, io: Io): void {
  for (const name of REPO_CONFIG_FILES) {
    let text: string;
    try {
      // bounded, and never a FIFO: the file is the scanned repository's
      const read = readRegularFile(resolve(scanRoot, name), 1024 * 1024);
      if (read.kind !== 'read') continue;
      text = read.buffer.toString('utf8');
    } catch {
      continue;
    }
    if (/^[ \t]*(?:\[[^\]\n]*endpoint[^\]\n]*\]|[A-Za-z0-9_."-]*endpoints?[A-Za-z0-9_."-]*[ \t]*=)/im.test(text))
      io.stderr(`keyscan: warning: ${name} sets validation endpoints; ignored: overrides come only from KEYSCAN_VALIDATE_ENDPOINTS or --validate-endpoint\n`);
  }
}

/** An override for a provider no validator has is a typo: an error on the command line, a warning from the environment. */
function checkEndpointProviders(overrides: ReadonlyMap<string, URL>, opts: Options, providers: readonly string[], io: Io): void {
  const known = new Set(providers);
  const fromFlags = new Set(opts.validateEndpoints.flatMap((e) => e.split(',')).map((e) => e.slice(0, e.indexOf('=')).trim()));
  for (const provider of overrides.keys()) {
    if (known.has(provider)) continue;
    const message = `unknown provider ${JSON.stringify(provider)} in ${fromFlags.has(provider) ? '--validate-endpoint' : 'KEYSCAN_VALIDATE_ENDPOINTS'}: use one of ${[...known].sort().join(', ')}`;
    if (fromFlags.has(provider)) throw new KeyscanError('USAGE', message);
    io.stderr(`keyscan: warning: ${message}\n`);
  }
}

async function validated(result: ScanResult, opts: Options, io: Io, scanRoot: string, rules: readonly RuleDefinition[]): Promise<ScanResult> {
  // loaded only with --validate: no network code runs, or even loads, without it
  const { validateFindings } = await import('./validate/validate.js');
  const { VALIDATORS } = await import('./validate/registry.js');
  const { DEFAULT_CLIENT_OPTIONS, parseEndpointOverrides } = await import('./validate/http.js');
  warnAboutRepoEndpoints(scanRoot, io);
  let overrides: Map<string, URL>;
  try {
    overrides = parseEndpointOverrides([io.env['KEYSCAN_VALIDATE_ENDPOINTS'] ?? '', ...opts.validateEndpoints]);
  } catch (err) {
    throw new KeyscanError('USAGE', (err as Error).message, { cause: err });
  }
  checkEndpointProviders(overrides, opts, [...VALIDATORS.values()].map((v) => v.provider), io);
  // only built-in rules keep their validator: src/validate/binding.ts
  const validatorByRule = (await import('./validate/binding.js')).validatorsByRule(rules, builtinRulesWhere());
  const findings = await validateFindings({
    findings: result.findings,
    validatorOf: (ruleId) => validatorByRule.get(ruleId),
    validators: VALIDATORS,
    options: { ...DEFAULT_CLIENT_OPTIONS, timeoutMs: opts.validateTimeoutMs, overrides },
    now: () => new Date(),
  });
  return { ...result, findings };
}

// Each format loads when asked for: the hook prints text and should not load five other formatters.
const REPORTERS: Readonly<Record<Format, () => Promise<Reporter>>> = {
  text: async () => (await import('./report/text.js')).text,
  json: async () => (await import('./report/json.js')).json,
  sarif: async () => (await import('./report/sarif.js')).sarif,
  github: async () => (await import('./report/github.js')).github,
  markdown: async () => (await import('./report/markdown.js')).markdown,
  junit: async () => (await import('./report/junit.js')).junit,
  html: async () => (await import('./report/html.js')).html,
};

async function writeReport(cwd: string, path: string, report: string): Promise<void> {
  await writeFileAtomic(resolve(cwd, path), report, 'report', path);
}

/** The --report files (never colored), then the --format report to --output or stdout. */
async function emit(result: ScanResult, opts: Options, io: Io, displayRoot: string): Promise<void> {
  const base = { showSecrets: opts.showSecrets, displayRoot, version: packageVersion(), verbose: opts.verbose };
  for (const r of opts.reports) await writeReport(io.cwd, r.path, (await REPORTERS[r.format]())(result, { ...base, color: false }));
  if (opts.appendSummaryTo !== undefined) await fsp.appendFile(opts.appendSummaryTo, (await REPORTERS.markdown())(result, { ...base, color: false }));
  // lines fit the terminal only when a person reads them there: never in a file or a pipe
  const width = opts.output === undefined && io.isTTY ? io.columns : undefined;
  const report = (await REPORTERS[opts.format]())(result, { ...base, color: useColor(opts, io), ...(width !== undefined && width > 0 ? { width } : {}) });
  if (opts.output !== undefined) await writeReport(io.cwd, opts.output, report);
  else io.stdout(report);
}

/** A progress line for people watching a terminal; never in CI logs or machine output. */
function progressPrinter(io: Io): ((p: { commits: number; total: number | undefined; bytes: number }) => void) | undefined {
  if (!io.stderrIsTTY || io.env['CI'] !== undefined) return undefined;
  const started = Date.now();
  let last = 0;
  return ({ commits, total, bytes }) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const done = total === undefined ? `${commits} commits` : `${commits}/${total} commits`;
    io.stderr(`\rkeyscan: ${done}, ${(bytes / 1048576).toFixed(1)} MB, ${((now - started) / 1000).toFixed(1)} s`);
  };
}

async function runGit(opts: Options, io: Io, trusted?: TrustedSide): Promise<ExitCode> {
  const onProgress = opts.command === 'git' ? progressPrinter(io) : undefined;
  const rootFound = repoRoot(io.cwd);
  if (opts.command === 'staged') readRulesAhead();
  const root = await rootFound;
  const found = trusted === undefined || trusted.kind === 'work-tree' ? undefined : { config: (await (await import('./trusted-config.js')).withConfigFrom(trusted, (path, shown) => loadConfig(path, shown, { regexCacheDir: regexCacheDir(io.env), confineTo: dirname(path) }))) ?? DEFAULT_CONFIG };
  const settings = settingsFor(opts, root, io, found);
  const result = await scanGit({
    mode: opts.command === 'staged' ? 'staged' : 'history',
    cwd: io.cwd,
    root,
    // the hook reads only the built-in rules its commit can wake (src/rules-in-play.ts); a history
    // reads them all, once git log has started
    rules: effectiveRulesWoken(settings.config),
    maxFileSize: settings.maxFileSize,
    history: { revisions: opts.revisions, since: opts.since, maxCommits: opts.maxCommits },
    disabledPractices: settings.disabledPractices,
    clientSidePaths: settings.clientSidePaths,
    ...settings.guard,
    ...(settings.maxKeyAgeDays !== undefined ? { maxKeyAgeDays: settings.maxKeyAgeDays } : {}),
    ...(onProgress ? { onProgress } : {}),
    archives: opts.archives,
    ...(trusted ? { trusted } : {}),
  });
  if (onProgress) io.stderr('\r\u001b[K');
  for (const warning of result.warnings) io.stderr(`keyscan: warning: ${warning}\n`);
  // paths in git modes are relative to the top of the work tree; show them from where we stand
  return finish(result, opts, io, relative(io.cwd, result.root), result.root, settings, trusted);
}

/**
 * A range's trusted side: its base commit, which the commits scanned cannot change. When the base
 * is not here, nothing from the range's own files may silence the scan: an empty side is used.
 */
async function trustedSideOf(range: string, root: string, io: Io): Promise<TrustedSide> {
  const from = (await import('./sources/git-ranges.js')).rangeEnds(range).from;
  const base = from === undefined ? undefined : await resolveCommit(root, from);
  if (base !== undefined) return commitSide(root, base);
  io.stderr(`keyscan ci: warning: the base of ${range} is not in this clone: no config, ignore file or baseline is honoured\n`);
  return NO_SIDE;
}

/**
 * keyscan ci: the commits of the pull request or push (GitHub Actions, GitLab CI), else the branch
 * against origin/HEAD, else the tree; in GitHub Actions, annotations on stdout and a job summary.
 */
async function runCi(opts: Options, io: Io): Promise<ExitCode> {
  const root = await repoRoot(io.cwd);
  const eventPath = io.env['GITHUB_EVENT_PATH'];
  let event: unknown;
  if (eventPath) {
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (err) {
      throw new KeyscanError('USAGE', `cannot read the GitHub event file ${eventPath}: ${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'}`, { cause: err });
    }
  }
  const hasOriginHead = (await git(['rev-parse', '--verify', '--quiet', 'origin/HEAD^{commit}'], root)).code === 0;
  const plan = (await import('./ci.js')).ciPlan(io.env, event, hasOriginHead);
  io.stderr(`keyscan ci: scanning ${plan.why}${plan.kind === 'range' ? ` (${plan.range})` : ''}\n`);
  const github = plan.system === 'github';
  const summary = github ? io.env['GITHUB_STEP_SUMMARY'] : undefined;
  const ciOpts: Options = {
    ...opts,
    // a range is scanned from the top of the work tree: report files stay where the user named them
    reports: opts.reports.map((r) => ({ ...r, path: resolve(io.cwd, r.path) })),
    output: opts.output === undefined ? undefined : resolve(io.cwd, opts.output),
    format: opts.formatGiven ? opts.format : github ? 'github' : 'text',
    ...(summary ? { appendSummaryTo: summary } : {}),
  };
  if (plan.kind === 'range') {
    const trusted = await trustedSideOf(plan.range, root, io);
    if (trusted.kind === 'commit')
      io.stderr(`keyscan ci: config, .keyscanignore, .gitleaksignore and baseline are read from ${trusted.label}, the trusted side: changes to them in the scanned commits do not apply\n`);
    return runGit({ ...ciOpts, command: 'git', revisions: [plan.range] }, { ...io, cwd: root }, trusted);
  }
  return runScan({ ...ciOpts, command: 'scan', paths: [root] }, io);
}

export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  try {
    // keyscan org has subcommands and flags of its own, loaded only when asked for
    if (argv[0] === 'org') return await (await import('./org/cli.js')).runOrg(argv.slice(1), io);
    const opts = parseOptions(argv);
    switch (opts.command) {
      case 'help':
        io.stdout((await import('./help.js')).helpText(opts.helpTopic));
        return 0;
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return 0;
      case 'rules': {
        const rules = effectiveRules(settingsFor(opts, io.cwd, io).config);
        const { rulesJson, rulesText } = await import('./report/rules.js');
        io.stdout(opts.format === 'json' ? rulesJson(rules) : rulesText(rules));
        return 0;
      }
      case 'config': {
        const { config, maxFileSize, disabledPractices, maxKeyAgeDays, validate } = settingsFor(opts, io.cwd, io);
        const rules = effectiveRules(config);
        const effective = {
          source: config.source ?? null,
          useDefault: config.useDefault,
          disabledRules: config.disabledRules,
          customRules: config.rules.map((r) => r.id),
          rules: rules.length,
          allowlist: config.allowlist,
          practices: { disable: disabledPractices, maxKeyAge: maxKeyAgeDays ?? DEFAULT_MAX_KEY_AGE_DAYS, clientSidePaths: config.practices.clientSidePaths },
          maxFileSize,
          validate,
          untranslated: config.untranslated,
        };
        io.stdout(`${JSON.stringify(effective, null, 2)}\n`);
        return 0;
      }
      case 'scan':
        return await runScan(opts, io);
      case 'staged':
      case 'git':
        return await runGit(opts, io);
      case 'baseline':
        return await runBaseline(opts, io);
      case 'ci':
        return await runCi(opts, io);
      case 'agent-hook':
      case 'pre-push':
      case 'pre-receive':
        return await (await import('./hooks-cli.js')).runHookCommand(opts, io);
      case 'install': {
        if (opts.agent !== undefined || opts.hook !== 'pre-commit') return await (await import('./hooks-cli.js')).runHookInstall(opts, io);
        // loaded here: the hook's own start-up never pays for the installer
        const { describeAction, installHook, sharedWarning, uninstallHook } = await import('./install.js');
        const action = opts.uninstall ? await uninstallHook(io.cwd) : await installHook(io.cwd, opts.force);
        const message = describeAction(action, io.cwd);
        if (action.kind !== 'refused') {
          io.stdout(message);
          const warning = sharedWarning(action);
          if (warning !== undefined) io.stderr(warning);
          return 0;
        }
        const [first, ...rest] = message.split('\n');
        io.stdout(`${rest.join('\n')}`);
        io.stderr(`${first}\n`);
        return 2;
      }
    }
  } catch (err) {
    // loaded on the error path only: the message may quote a path or a line that holds a key
    const { maskKeysIn } = await import('./mask-keys.js');
    io.stderr(maskKeysIn(oneLine(err, argv.includes('--debug'))));
    return 2;
  }
}
