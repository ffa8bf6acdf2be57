import { parseArgs } from 'node:util';
import { AGENTS, type AgentId } from './agents/protocol.js';
import { KeyscanError } from './errors.js';
import { DEFAULT_MAX_FILE_SIZE } from './sources/files.js';
import { SEVERITIES, type Severity } from './types.js';

/** What makes the exit code 1: any finding, a live key, or a finding at or above a severity. */
export type FailOn = 'any' | 'live' | 'none' | Severity;
const FAIL_ON: readonly string[] = ['any', 'live', 'none', ...SEVERITIES];

export const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** One --report <format>=<file>: a further report, written besides the one --format prints. */
export interface ReportFile {
  readonly format: Format;
  readonly path: string;
}

export type Command = 'scan' | 'staged' | 'git' | 'ci' | 'install' | 'baseline' | 'rules' | 'config' | 'agent-hook' | 'pre-push' | 'pre-receive' | 'help' | 'version';
const COMMANDS: readonly string[] = ['scan', 'staged', 'git', 'ci', 'install', 'baseline', 'rules', 'config', 'agent-hook', 'pre-push', 'pre-receive'];
/** The git hooks keyscan install writes. */
export type GitHook = 'pre-commit' | 'pre-push';

export interface Options {
  readonly command: Command;
  /** keyscan <command> --help, keyscan help <command>: whose help to print. */
  readonly helpTopic?: Command | undefined;
  /**
   * The first word, when it was taken as a path but looks like a mistyped command (`stagged`):
   * cli.ts says "did you mean" if no such path exists.
   */
  readonly mistypedCommand?: { readonly word: string; readonly command: string } | undefined;
  /** --respect-gitignore: apply .gitignore files outside a git work tree too. */
  readonly respectGitignore: boolean;
  readonly paths: readonly string[];
  readonly format: Format;
  /** Whether --format was given (keyscan ci picks github annotations in GitHub Actions otherwise). */
  readonly formatGiven: boolean;
  /** keyscan ci in GitHub Actions: a Markdown summary appended to $GITHUB_STEP_SUMMARY. */
  readonly appendSummaryTo?: string | undefined;
  readonly output: string | undefined;
  readonly reports: readonly ReportFile[];
  readonly showSecrets: boolean;
  /** undefined: decide by the terminal and NO_COLOR. */
  readonly color: boolean | undefined;
  readonly maxFileSize: number;
  readonly threads: number | 'auto';
  readonly debug: boolean;
  /** keyscan git: revisions and ranges (empty: every ref). */
  readonly revisions: readonly string[];
  readonly since: string | undefined;
  readonly maxCommits: number | undefined;
  readonly maxKeyAgeDays: number | undefined;
  readonly force: boolean;
  readonly uninstall: boolean;
  readonly validate: boolean;
  readonly validateTimeoutMs: number;
  /** provider=baseURL entries from --validate-endpoint (the environment's come later, in cli.ts). */
  readonly validateEndpoints: readonly string[];
  readonly onlyLive: boolean;
  readonly failOn: FailOn;
  /** --baseline: findings it lists are not reported. */
  readonly baseline: string | undefined;
  readonly prune: boolean;
  /** --config: a keyscan or gitleaks config to use instead of the one found at the scan root. */
  readonly config: string | undefined;
  /** Whether --max-file-size was given: it wins over a config's maxFileSize. */
  readonly maxFileSizeGiven: boolean;
  /** Scan the members of .zip, .jar, .tar.gz… files (--no-archives: off). */
  readonly archives: boolean;
  /** keyscan agent-hook and install --agent: which coding agent. */
  readonly agent: AgentId | undefined;
  /** keyscan install --agent --user: the user-level settings file. */
  readonly user: boolean;
  /** keyscan install --hook: which git hook (default pre-commit). */
  readonly hook: GitHook;
  /** keyscan pre-push: the remote's name, as git passes it to the hook. */
  readonly remote: string | undefined;
  /** --verbose: the text report shows each finding's rule, fix and practice notes under it. */
  readonly verbose: boolean;
}

export const USAGE = `Usage: keyscan [scan] [path...] [options]     scan files and directories (default: .); - reads stdin
       keyscan staged [options]                  scan what the next commit adds (the pre-commit hook)
       keyscan git [<range>...] [options]        scan the lines commits added (default: every ref)
       keyscan ci [options]                      in CI: scan the pull request's or push's commits (GitHub, GitLab),
                                                 else origin/HEAD..HEAD, else the tree; annotations and job summary
       keyscan install [--force | --uninstall]   install (or remove) the pre-commit hook
       keyscan install --hook pre-push           install (or remove) the pre-push hook instead
       keyscan install --agent <agent> [--user]  add keyscan's hooks to a coding agent's settings
                                                 (claude-code, codex, gemini-cli, cursor)
       keyscan agent-hook [--agent <agent>]      answer one agent hook event (JSON on stdin)
       keyscan pre-push [<remote> <url>]         scan what a push adds (git's pre-push lines on stdin)
       keyscan pre-receive [--config <file>]     server side: scan pushed commits, reject keys
       keyscan baseline [path|range] [-o file]   record today's findings (.keyscan-baseline.json); --prune drops gone ones
       keyscan rules [--format json]             list the rules in effect
       keyscan config --print                    show the effective configuration

Options:
  -f, --format <format>      report format: text (default), json, sarif, github, markdown, junit or html
  -o, --output <file>        write the report to a file instead of stdout
      --report <format>=<file>  also write a report in that format to the file (repeatable)
      --show-secrets         print secrets in clear (they are redacted by default)
      --no-color             no colors (also when NO_COLOR is set or stdout is not a terminal)
      --color                colors even when stdout is not a terminal
      --max-file-size <size> skip larger files (default: 10MB; accepts 500KB, 2MB, 1GB or bytes)
      --no-archives          do not open .zip, .jar, .whl, .docx, .tar, .tar.gz and .gz files
      --respect-gitignore    apply .gitignore files outside a git work tree too (inside one, git's
                             ignore rules always apply; .keyscanignore always does)
  -v, --verbose              text report: each finding's rule, fix and practice notes under it
      --threads <n>          worker threads for large trees (default: one per core; 0: none)
      --debug                print stack traces on errors
      --validate             ask each provider whether the keys found are live (read-only requests)
      --validate-timeout <s> per-request timeout in seconds (default: 10)
      --validate-endpoint <provider=URL>  send one provider's checks elsewhere (tests, self-hosted);
                             also KEYSCAN_VALIDATE_ENDPOINTS=provider=URL,...; http:// only for loopback
      --only-live            report only keys the provider accepted (needs --validate)
      --fail-on <level>      exit 1 on: any finding (default), live (a live key), critical|high|medium|low|info
                             (a finding at or above it), none (never); info practices never fail by default
      --baseline <file>      do not report the findings this baseline lists (see keyscan baseline)
      --config <file>        use this keyscan.toml or .gitleaks.toml (default: keyscan.toml,
                             .keyscan.toml or .gitleaks.toml at the root of what is scanned)

keyscan git:
      --since <date>         only commits after this date (as git log --since takes it)
      --max-commits <n>      only the newest n commits
      --branch <ref>         commits reachable from this ref
      --all                  commits reachable from any ref (the default without a range)
      --max-key-age <days>   a key still in the tree whose first commit is older is stale (default: 90)

keyscan install:
      --force                keep an existing pre-commit hook and run it after keyscan
      --uninstall            remove what keyscan install added
      --hook <hook>          pre-commit (default) or pre-push
      --agent <agent>        claude-code, codex, gemini-cli or cursor: the agent's hook settings
      --user                 with --agent: the user-level settings file instead of the project's
  -h, --help                 this help
  -V, --version              print the version

Exit codes: 0 no findings, 1 findings, 2 usage or runtime error.
Suppress a false positive by putting keyscan:allow in a comment on its line,
or list paths in .keyscanignore (same syntax as .gitignore).`;

function parseFormat(given: string, flag: string): Format {
  const name = given.toLowerCase();
  if ((FORMATS as readonly string[]).includes(name)) return name as Format;
  throw new KeyscanError('USAGE', `unknown format ${JSON.stringify(given)} for ${flag}: use ${FORMATS.slice(0, -1).join(', ')} or ${FORMATS.at(-1)}`);
}

/** `sarif=out/keyscan.sarif`: the format, then the file (which may itself hold `=`). */
function parseReport(spec: string): ReportFile {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new KeyscanError('USAGE', `--report takes <format>=<file>, as in --report sarif=keyscan.sarif, not ${JSON.stringify(spec)}`);
  return { format: parseFormat(spec.slice(0, eq), '--report'), path: spec.slice(eq + 1) };
}

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i.exec(text.trim());
  if (!m) throw new KeyscanError('USAGE', `invalid size ${JSON.stringify(text)}: use bytes or a number with KB, MB or GB`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * scale);
}

export function parseOptions(argv: readonly string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinDashValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        report: { type: 'string', multiple: true },
        'show-secrets': { type: 'boolean' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        'no-archives': { type: 'boolean' },
        'max-file-size': { type: 'string' },
        'respect-gitignore': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
        threads: { type: 'string' },
        debug: { type: 'boolean' },
        since: { type: 'string' },
        'max-commits': { type: 'string' },
        branch: { type: 'string', multiple: true },
        all: { type: 'boolean' },
        'max-key-age': { type: 'string' },
        validate: { type: 'boolean' },
        'validate-timeout': { type: 'string' },
        'validate-endpoint': { type: 'string', multiple: true },
        'only-live': { type: 'boolean' },
        'fail-on': { type: 'string' },
        baseline: { type: 'string' },
        config: { type: 'string' },
        print: { type: 'boolean' },
        prune: { type: 'boolean' },
        force: { type: 'boolean' },
        uninstall: { type: 'boolean' },
        agent: { type: 'string' },
        user: { type: 'boolean' },
        hook: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    // node's messages are long and mention its own API; keep the part a user needs.
    const message = (err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new KeyscanError('USAGE', `${message} (see keyscan --help)`, { cause: err });
  }
  const { values } = parsed;
  let positionals = parsed.positionals;
  let command: Command = 'scan';
  let helpTopic: Command | undefined;
  let mistypedCommand: Options['mistypedCommand'];
  const first = positionals[0];
  if (first === 'help') {
    // keyscan help [command]
    command = 'help';
    helpTopic = positionals[1] !== undefined && COMMANDS.includes(positionals[1]) ? (positionals[1] as Command) : undefined;
    if (positionals[1] !== undefined && helpTopic === undefined) throw unknownCommand(positionals[1]);
  } else if (values.help) {
    command = 'help';
    helpTopic = first !== undefined && COMMANDS.includes(first) ? (first as Command) : undefined;
  } else if (values.version) command = 'version';
  else if (first !== undefined && COMMANDS.includes(first)) {
    command = first as Command;
    positionals = positionals.slice(1);
  } else if (first !== undefined) {
    const near = nearestCommand(first);
    if (near !== undefined) mistypedCommand = { word: first, command: near };
  }
  const agent = values.agent as AgentId | undefined;
  if (agent !== undefined && !(AGENTS as readonly string[]).includes(agent)) throw new KeyscanError('USAGE', `--agent takes ${AGENTS.join(', ')}, not ${JSON.stringify(agent)}`);
  if (agent !== undefined && command !== 'install' && command !== 'agent-hook') throw new KeyscanError('USAGE', '--agent goes with keyscan install or keyscan agent-hook (see keyscan --help)');
  if (values.user && (command !== 'install' || agent === undefined)) throw new KeyscanError('USAGE', '--user goes with keyscan install --agent (see keyscan --help)');
  const hook = (values.hook ?? 'pre-commit') as GitHook;
  if (hook !== 'pre-commit' && hook !== 'pre-push') throw new KeyscanError('USAGE', `--hook takes pre-commit or pre-push, not ${JSON.stringify(values.hook)}`);
  if (values.hook !== undefined && (command !== 'install' || agent !== undefined)) throw new KeyscanError('USAGE', '--hook goes with keyscan install, without --agent (see keyscan --help)');
  if (command === 'pre-push' && positionals.length > 2) throw new KeyscanError('USAGE', 'keyscan pre-push takes the remote and its URL, as git gives them to the hook');
  if (command === 'help') return { ...DEFAULTS, command, helpTopic };
  for (const flag of ['force', 'uninstall'] as const)
    if (values[flag] && command !== 'install') throw new KeyscanError('USAGE', `--${flag} goes with keyscan install (see keyscan --help)`);
  if ((command === 'rules' || command === 'staged' || command === 'ci' || command === 'install' || command === 'config' || command === 'agent-hook' || command === 'pre-receive') && positionals.length > 0)
    throw new KeyscanError('USAGE', `keyscan ${command} takes no paths (see keyscan --help)`);
  const gitOnly = (['since', 'max-commits', 'branch', 'all', 'max-key-age'] as const).find((k) => values[k] !== undefined);
  if (gitOnly !== undefined && command !== 'git') throw new KeyscanError('USAGE', `--${gitOnly} goes with keyscan git (see keyscan --help)`);
  let maxKeyAgeDays: number | undefined;
  if (values['max-key-age'] !== undefined) {
    maxKeyAgeDays = Number(values['max-key-age']);
    if (!Number.isInteger(maxKeyAgeDays) || maxKeyAgeDays < 1)
      throw new KeyscanError('USAGE', `--max-key-age takes a whole number of days from 1, not ${JSON.stringify(values['max-key-age'])}`);
  }
  let maxCommits: number | undefined;
  if (values['max-commits'] !== undefined) {
    maxCommits = Number(values['max-commits']);
    if (!Number.isInteger(maxCommits) || maxCommits < 1)
      throw new KeyscanError('USAGE', `--max-commits takes a whole number from 1, not ${JSON.stringify(values['max-commits'])}`);
  }
  const failOn = (values['fail-on'] ?? 'any').toLowerCase() as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new KeyscanError('USAGE', `--fail-on takes ${FAIL_ON.join(', ')}, not ${JSON.stringify(values['fail-on'])}`);
  if (values.since !== undefined && !isGitDate(values.since))
    throw new KeyscanError('USAGE', `--since takes a date (2024-01-31, 2024-01-31T12:00:00Z) or an age (2 weeks ago, 3.days.ago, yesterday), not ${JSON.stringify(values.since)}`);
  if (values.print && command !== 'config') throw new KeyscanError('USAGE', '--print goes with keyscan config (see keyscan --help)');
  if (command === 'config' && !values.print) throw new KeyscanError('USAGE', 'keyscan config takes --print (see keyscan --help)');
  if (values.prune && command !== 'baseline') throw new KeyscanError('USAGE', '--prune goes with keyscan baseline (see keyscan --help)');
  if ((values['only-live'] || failOn === 'live') && !values.validate)
    throw new KeyscanError('USAGE', `${values['only-live'] ? '--only-live' : '--fail-on live'} needs --validate, which asks providers whether keys are live`);
  let validateTimeoutMs = 10_000;
  if (values['validate-timeout'] !== undefined) {
    const seconds = Number(values['validate-timeout']);
    if (!(seconds > 0 && seconds <= 120)) throw new KeyscanError('USAGE', `--validate-timeout takes seconds from 0.1 to 120, not ${JSON.stringify(values['validate-timeout'])}`);
    validateTimeoutMs = Math.round(seconds * 1000);
  }
  const revisions = command === 'git' ? [...positionals, ...(values.branch ?? [])] : [];
  if (values.all && revisions.length > 0) throw new KeyscanError('USAGE', '--all scans every ref: give it no range or --branch');
  for (const rev of revisions)
    if (rev.startsWith('-')) throw new KeyscanError('USAGE', `not a revision: ${rev}`);

  const format = parseFormat(values.format ?? 'text', '--format');
  if (command === 'rules' && format !== 'text' && format !== 'json') throw new KeyscanError('USAGE', 'keyscan rules prints text or json');
  const reports = (values.report ?? []).map(parseReport);
  if (reports.length > 0 && command !== 'scan' && command !== 'staged' && command !== 'git' && command !== 'ci')
    throw new KeyscanError('USAGE', '--report goes with a scan: keyscan [scan], staged, git or ci (see keyscan --help)');
  const targets = [...reports.map((r) => r.path), ...(values.output === undefined ? [] : [values.output])];
  const twice = targets.find((path, i) => targets.indexOf(path) !== i);
  if (twice !== undefined) throw new KeyscanError('USAGE', `two reports would write ${JSON.stringify(twice)}: give each its own file`);
  let threads: number | 'auto' = 'auto';
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 0 || threads > 64)
      throw new KeyscanError('USAGE', `--threads takes a whole number from 0 to 64, not ${JSON.stringify(values.threads)}`);
  }
  return {
    command,
    mistypedCommand,
    respectGitignore: values['respect-gitignore'] ?? false,
    verbose: values.verbose ?? false,
    paths: (command === 'scan' || command === 'baseline') && positionals.length > 0 ? positionals : ['.'],
    revisions,
    since: values.since,
    maxCommits,
    maxKeyAgeDays,
    validate: values.validate ?? false,
    validateTimeoutMs,
    validateEndpoints: values['validate-endpoint'] ?? [],
    onlyLive: values['only-live'] ?? false,
    failOn,
    baseline: values.baseline,
    prune: values.prune ?? false,
    config: values.config,
    maxFileSizeGiven: values['max-file-size'] !== undefined,
    archives: values['no-archives'] !== true,
    agent,
    user: values.user ?? false,
    hook,
    remote: command === 'pre-push' ? positionals[0] : undefined,
    force: values.force ?? false,
    uninstall: values.uninstall ?? false,
    format,
    formatGiven: values.format !== undefined,
    output: values.output,
    reports,
    showSecrets: values['show-secrets'] ?? false,
    color: values['no-color'] ? false : values.color ? true : undefined,
    maxFileSize: values['max-file-size'] === undefined ? DEFAULT_MAX_FILE_SIZE : parseSize(values['max-file-size']),
    threads,
    debug: values.debug ?? false,
  };
}

/** What every option is when only help is printed. */
const DEFAULTS: Omit<Options, 'command'> = {
  respectGitignore: false,
  verbose: false,
  paths: ['.'],
  format: 'text',
  formatGiven: false,
  output: undefined,
  reports: [],
  showSecrets: false,
  color: undefined,
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  threads: 'auto',
  debug: false,
  revisions: [],
  since: undefined,
  maxCommits: undefined,
  maxKeyAgeDays: undefined,
  force: false,
  uninstall: false,
  validate: false,
  validateTimeoutMs: 10_000,
  validateEndpoints: [],
  onlyLive: false,
  failOn: 'any',
  baseline: undefined,
  prune: false,
  config: undefined,
  maxFileSizeGiven: false,
  archives: true,
  agent: undefined,
  user: false,
  hook: 'pre-commit',
  remote: undefined,
};

/** Options that take a value, so `--threads -1` reads -1 as the value (then refused by its check). */
const VALUE_FLAGS = new Set(['-f', '--format', '-o', '--output', '--report', '--max-file-size', '--threads', '--since', '--max-commits', '--branch', '--max-key-age', '--validate-timeout', '--validate-endpoint', '--fail-on', '--baseline', '--config']);

/**
 * node's parseArgs refuses a value starting with `-` ("argument is ambiguous"); a negative number
 * after a flag that takes a value is that value, written `--flag=-1` so the flag's own check
 * can say what it takes.
 */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (VALUE_FLAGS.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Optimal string alignment distance: a swap of two neighbours counts as one edit (`sateged`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/** The command a word is most likely a typo of: at most 2 edits, and fewer than half its letters. */
export function nearestCommand(word: string): string | undefined {
  const lower = word.toLowerCase();
  // a path (with a slash or an extension) is not a typed command
  if (!/^[a-z]{2,}$/.test(lower)) return undefined;
  let best: { command: string; distance: number } | undefined;
  for (const command of [...COMMANDS, 'help']) {
    const distance = editDistance(lower, command);
    if (distance <= 2 && distance * 2 < command.length && (best === undefined || distance < best.distance)) best = { command, distance };
  }
  return best?.command;
}

function unknownCommand(word: string): KeyscanError {
  const near = nearestCommand(word);
  return new KeyscanError('USAGE', `unknown command ${JSON.stringify(word)}${near === undefined ? '' : `: did you mean \`${near}\`?`} (see keyscan --help)`);
}

/** The error for a first word that is neither a command nor an existing path. */
export function mistypedCommandError(mistyped: NonNullable<Options['mistypedCommand']>): KeyscanError {
  return new KeyscanError('USAGE', `unknown command ${JSON.stringify(mistyped.word)}: did you mean \`${mistyped.command}\`? (no file or directory has that name either; see keyscan --help)`);
}

const AGE_UNITS = 'seconds?|minutes?|hours?|days?|weeks?|months?|years?';
const GIT_DATES = [
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  new RegExp(`^\\d+(?: +|\\.)(?:${AGE_UNITS})(?:(?: +|\\.)ago)?$`, 'i'),
  /^(?:now|today|yesterday|last (?:week|month|year))$/i,
  /^@\d+$/,
];

/**
 * Whether git reads `text` as a date. git's own parser takes anything, and turns what it does
 * not understand into "now", so `--since garbage` would scan nothing and exit 0; the forms it
 * documents are checked here instead.
 */
export function isGitDate(text: string): boolean {
  const t = text.trim();
  if (!GIT_DATES.some((re) => re.test(t))) return false;
  return !/^\d{4}-/.test(t) || !Number.isNaN(Date.parse(t.slice(0, 10)));
}
