// keyscan org plan | scan | merge: an organisation scan split across a CI matrix. The CI system
// schedules; keyscan plans the work, scans one shard, and merges the shards' reports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Io, ExitCode } from '../run.js';
import { KeyscanError } from '../errors.js';
import { DEFAULT_CONFIG, effectiveRules, loadConfig } from '../rules/config.js';
import { packageVersion } from '../version.js';
import { checkApiBase, fetchAllPages } from './api.js';
import { createMerger, mergedHtml, mergedJson, mergedMarkdown, mergedSarif, type MergedReport, type RepoReport } from './merge.js';
import { fromGithub, fromGitlab, fromList, matrixOf, MAX_SHARDS, selectRepos, shardRepos, type Plan, type PlannedRepo } from './plan.js';
import { scanShard } from './scan.js';

export const ORG_USAGE = `Usage: keyscan org plan (--github ORG | --github-user USER | --gitlab GROUP | --list FILE) [--shards N] [-o plan.json]
                        [--include GLOB]... [--exclude GLOB]... [--archived] [--forks] [--empty] [--api-url URL]
       keyscan org scan --plan plan.json --shard I [--out reports] [--tree] [--config FILE] [--api-url URL]
       keyscan org merge <report or directory>... [-f json|sarif|markdown|html] [-o FILE] [--report FORMAT=FILE]... [--fail-on any|none]

plan   lists the repositories (GITHUB_TOKEN or GITLAB_TOKEN for private ones), splits them into at most
       ${MAX_SHARDS} shards balanced by size, writes the plan and prints the matrix ({"shard":[0,1,…]}).
scan   clones each repository of one shard (bare; credentials only to the API's own host, through git's
       config in the environment), scans every branch's history (--tree: the default branch only),
       writes <out>/<owner>__<name>.json, removes the clone; a re-run skips repositories already done.
merge  merges shard reports: one finding per key, with every repository and file it is in.

API base URLs come from --api-url or the environment only (KEYSCAN_GITHUB_API_URL, GITHUB_API_URL,
KEYSCAN_GITLAB_API_URL, CI_API_V4_URL), never from a file in a repository.`;

const MERGE_FORMATS = ['json', 'sarif', 'markdown', 'html'] as const;
type MergeFormat = (typeof MERGE_FORMATS)[number];

function fail(message: string): never {
  throw new KeyscanError('USAGE', `${message} (see keyscan org --help)`);
}

type Flags = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
type Parsed = { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };

function parse(argv: readonly string[], options: Flags): Parsed {
  try {
    return parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' }, debug: { type: 'boolean' } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''));
  }
}

type Forge = 'github' | 'gitlab';

function apiBase(forge: Forge, given: string | undefined, env: Io['env']): URL {
  const raw = given ?? (forge === 'github' ? (env['KEYSCAN_GITHUB_API_URL'] ?? env['GITHUB_API_URL'] ?? 'https://api.github.com') : (env['KEYSCAN_GITLAB_API_URL'] ?? env['CI_API_V4_URL'] ?? 'https://gitlab.com/api/v4'));
  return checkApiBase(raw, given !== undefined ? '--api-url' : 'the API base URL');
}

/** Where clones of that API's repositories live: github.com for api.github.com, else the API's own origin. */
function webOrigin(api: URL): string {
  return api.hostname === 'api.github.com' ? 'https://github.com' : api.origin;
}

async function runPlan(argv: readonly string[], io: Io): Promise<ExitCode> {
  const { values } = parse(argv, {
    github: { type: 'string' },
    'github-user': { type: 'string' },
    gitlab: { type: 'string' },
    list: { type: 'string' },
    shards: { type: 'string' },
    output: { type: 'string', short: 'o' },
    include: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    archived: { type: 'boolean' },
    forks: { type: 'boolean' },
    empty: { type: 'boolean' },
    'api-url': { type: 'string' },
  });
  const sources = (['github', 'github-user', 'gitlab', 'list'] as const).filter((k) => values[k] !== undefined);
  if (sources.length !== 1) fail('keyscan org plan takes one of --github, --github-user, --gitlab or --list');
  const shards = values.shards === undefined ? 1 : Number(values.shards);
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) fail(`--shards takes a whole number from 1 to ${MAX_SHARDS}, not ${JSON.stringify(values.shards)}`);
  let repos: PlannedRepo[];
  let source: string;
  const kind = sources[0]!;
  if (kind === 'list') {
    const path = resolve(io.cwd, values.list as string);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new KeyscanError('USAGE', `cannot read ${values.list as string}: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
    }
    try {
      repos = fromList(text);
    } catch {
      throw new KeyscanError('USAGE', `${values.list as string} has a URL with credentials in it: remove them, keyscan passes GITHUB_TOKEN to git itself`);
    }
    source = `list:${values.list as string}`;
  } else {
    const forge: Forge = kind === 'gitlab' ? 'gitlab' : 'github';
    const base = apiBase(forge, values['api-url'] as string | undefined, io.env);
    const name = values[kind] as string;
    if (!/^[A-Za-z0-9._\-/]+$/.test(name)) fail(`${JSON.stringify(name)} is not an organisation, user or group name`);
    const prefix = base.href.replace(/\/$/, '');
    const token = forge === 'github' ? io.env['GITHUB_TOKEN'] : io.env['GITLAB_TOKEN'];
    const headers: Record<string, string> = token ? (forge === 'github' ? { authorization: `Bearer ${token}` } : { 'private-token': token }) : {};
    if (forge === 'github') {
      const path = kind === 'github' ? `/orgs/${encodeURIComponent(name)}/repos?type=all` : `/users/${encodeURIComponent(name)}/repos?type=owner`;
      repos = (await fetchAllPages(new URL(prefix + path), headers, 100)).flatMap((r) => fromGithub(r) ?? []);
    } else {
      const path = `/groups/${encodeURIComponent(name)}/projects?include_subgroups=true&statistics=true&with_shared=false`;
      repos = (await fetchAllPages(new URL(prefix + path), headers, 100)).flatMap((r) => fromGitlab(r) ?? []);
    }
    source = `${forge}:${name}`;
  }
  const selected = selectRepos(repos, {
    archived: values.archived === true,
    forks: values.forks === true,
    empty: values.empty === true,
    include: (values.include as string[] | undefined) ?? [],
    exclude: (values.exclude as string[] | undefined) ?? [],
  });
  const plan = shardRepos(selected, shards, source);
  const out = resolve(io.cwd, (values.output as string | undefined) ?? 'plan.json');
  await writeFileAtomic(out, `${JSON.stringify(plan, null, 2)}\n`, 'plan');
  io.stderr(`keyscan org plan: ${selected.length} of ${repos.length} repositories in ${plan.shards.length} shard${plan.shards.length === 1 ? '' : 's'}, written to ${values.output ?? 'plan.json'}\n`);
  io.stdout(`${JSON.stringify(matrixOf(plan))}\n`);
  return 0;
}

function readPlan(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (err) {
    throw new KeyscanError('USAGE', `cannot read the plan ${path}: ${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'}`, { cause: err });
  }
  if (plan?.kind !== 'org-plan' || !Array.isArray(plan.shards)) throw new KeyscanError('USAGE', `${path} is not a keyscan org plan (make one with keyscan org plan)`);
  return plan;
}

async function runShard(argv: readonly string[], io: Io): Promise<ExitCode> {
  const { values } = parse(argv, {
    plan: { type: 'string' },
    shard: { type: 'string' },
    out: { type: 'string' },
    tree: { type: 'boolean' },
    config: { type: 'string' },
    'api-url': { type: 'string' },
    'work-dir': { type: 'string' },
  });
  if (values.plan === undefined || values.shard === undefined) fail('keyscan org scan needs --plan and --shard');
  const shard = Number(values.shard);
  if (!Number.isInteger(shard) || shard < 0) fail(`--shard takes a shard number from 0, not ${JSON.stringify(values.shard)}`);
  const plan = readPlan(resolve(io.cwd, values.plan as string));
  if (!plan.shards.some((s) => s.index === shard) && shard < MAX_SHARDS) {
    // a fixed matrix (GitLab's parallel:matrix) may have more jobs than the plan has shards
    io.stderr(`keyscan org scan: the plan has ${plan.shards.length} shards, none numbered ${shard}: nothing to scan\n`);
    io.stdout(`${JSON.stringify({ shard, repositories: 0, failed: 0, findings: 0, cloneMs: 0, scanMs: 0 })}\n`);
    return 0;
  }
  const config = values.config === undefined ? DEFAULT_CONFIG : loadConfig(resolve(io.cwd, values.config as string), values.config as string);
  // the token goes only to the host of the API the user named (or the default), whatever the plan says
  const forge: Forge | undefined = plan.source.startsWith('gitlab:') ? 'gitlab' : plan.source.startsWith('github:') || io.env['GITHUB_TOKEN'] ? 'github' : undefined;
  const token = forge === 'gitlab' ? io.env['GITLAB_TOKEN'] : io.env['GITHUB_TOKEN'];
  const auth =
    forge !== undefined && token
      ? { origin: webOrigin(apiBase(forge, values['api-url'] as string | undefined, io.env)), header: `Basic ${Buffer.from(`${forge === 'gitlab' ? 'oauth2' : 'x-access-token'}:${token}`).toString('base64')}` }
      : undefined;
  const outDir = resolve(io.cwd, (values.out as string | undefined) ?? 'reports');
  const state = await scanShard({
    plan,
    shard,
    outDir,
    rules: effectiveRules(config),
    tree: values.tree === true,
    version: packageVersion(),
    ...(auth ? { auth } : {}),
    ...(values['work-dir'] ? { workDir: resolve(io.cwd, values['work-dir'] as string) } : {}),
    onRepo: (name, s, skipped) =>
      io.stderr(
        skipped
          ? `keyscan org scan: ${name}: done before, skipped\n`
          : s.status === 'done'
            ? `keyscan org scan: ${name}: ${s.findings} finding${s.findings === 1 ? '' : 's'} (clone ${(s.cloneMs / 1000).toFixed(1)} s, scan ${(s.scanMs / 1000).toFixed(1)} s)\n`
            : `keyscan org scan: ${name}: ${s.reason}\n`,
      ),
  });
  const entries = Object.values(state.repos);
  const failed = entries.filter((e) => e.status === 'failed').length;
  io.stdout(`${JSON.stringify({ shard, repositories: entries.length, failed, findings: entries.reduce((a, e) => a + e.findings, 0), cloneMs: entries.reduce((a, e) => a + e.cloneMs, 0), scanMs: entries.reduce((a, e) => a + e.scanMs, 0) })}\n`);
  return 0;
}

function reportFiles(paths: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (err) {
      throw new KeyscanError('USAGE', `cannot read ${p}: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
    }
    if (!isDir) out.push(abs);
    else for (const name of readdirSync(abs).sort()) if (name.endsWith('.json') && !name.startsWith('state-')) out.push(join(abs, name));
  }
  return out;
}

function readRepoReport(path: string): RepoReport | undefined {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as Partial<RepoReport> & { tool?: string };
    if (doc.tool !== 'keyscan' || typeof doc.repository !== 'string' || !Array.isArray(doc.findings)) return undefined;
    return doc as RepoReport;
  } catch {
    return undefined;
  }
}

const MERGED: Record<MergeFormat, (r: MergedReport) => string[]> = { json: mergedJson, sarif: mergedSarif, markdown: mergedMarkdown, html: mergedHtml };

function mergeFormat(name: string): MergeFormat {
  const lower = name.toLowerCase();
  if ((MERGE_FORMATS as readonly string[]).includes(lower)) return lower as MergeFormat;
  return fail(`keyscan org merge writes ${MERGE_FORMATS.join(', ')}, not ${JSON.stringify(name)}`);
}

async function runMerge(argv: readonly string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parse(argv, {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    report: { type: 'string', multiple: true },
    'fail-on': { type: 'string' },
  });
  if (positionals.length === 0) fail('keyscan org merge needs the shard reports (files or directories)');
  const failOn = ((values['fail-on'] as string | undefined) ?? 'any').toLowerCase();
  if (failOn !== 'any' && failOn !== 'none') fail(`--fail-on for org merge is any or none, not ${JSON.stringify(values['fail-on'])}`);
  const files = reportFiles(positionals, io.cwd);
  const merger = createMerger();
  let read = 0;
  for (const file of files) {
    const report = readRepoReport(file);
    if (report === undefined) io.stderr(`keyscan: warning: ${file} is not a repository report of keyscan org scan; skipped\n`);
    else {
      merger.add(report);
      read++;
    }
  }
  const merged = merger.finish(packageVersion());
  for (const spec of (values.report as string[] | undefined) ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) fail(`--report takes FORMAT=FILE, not ${JSON.stringify(spec)}`);
    await writeFileAtomic(resolve(io.cwd, spec.slice(eq + 1)), MERGED[mergeFormat(spec.slice(0, eq))](merged), 'report');
  }
  const main = MERGED[mergeFormat((values.format as string | undefined) ?? 'json')](merged);
  if (values.output !== undefined) await writeFileAtomic(resolve(io.cwd, values.output as string), main, 'report');
  else for (const piece of main) io.stdout(piece);
  io.stderr(`keyscan org merge: ${read} repository reports, ${merged.totals.findings} findings at ${merged.totals.locations} places\n`);
  return failOn === 'any' && merged.totals.findings > 0 ? 1 : 0;
}

export async function runOrg(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${ORG_USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  switch (sub) {
    case 'plan':
      return runPlan(rest, io);
    case 'scan':
      return runShard(rest, io);
    case 'merge':
      return runMerge(rest, io);
    default:
      return fail(`unknown org command ${JSON.stringify(sub)}: plan, scan or merge`);
  }
}
