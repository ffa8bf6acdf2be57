import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fromList, globRegex, selectRepos, shardRepos, type PlannedRepo } from '../src/org/plan.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const SHARED_KEY = fakeOpenAiProjectKey(201);
const TOKEN = fakeGithubToken(202);
const REPOS = 50;

interface FakeApi {
  readonly url: string;
  readonly requests: { path: string; authorization: string | undefined }[];
  readonly server: Server;
}

/** GitHub's REST listing of an organisation's repositories, paginated as GitHub does. */
function fakeGithubApi(items: readonly object[]): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, authorization: req.headers.authorization });
    if (url.pathname !== '/orgs/acme/repos') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(items.slice((page - 1) * perPage, page * perPage)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, server })));
}

let api: FakeApi;
let work: string;

beforeAll(async () => {
  const items: object[] = [];
  for (let i = 0; i < REPOS; i++) {
    // every fifth repository holds the same key; one more holds a key of its own in its history
    const files: Record<string, string> = { 'README.md': `# repo ${i}\n` };
    if (i % 5 === 0) files['config.env'] = `OPENAI_API_KEY=${SHARED_KEY}\n`;
    const repo = tempRepo(files, { commit: 'initial' });
    if (i === 7) {
      repo.commitFiles({ 'old.ts': `const t = "${fakeGithubToken(300)}";\n` }, 'oops');
      repo.git(['rm', '-q', 'old.ts']);
      repo.commit('remove it');
    }
    items.push({ full_name: `acme/repo-${String(i).padStart(2, '0')}`, clone_url: `file://${repo.root}`, size: 10 + i * 3, archived: false, fork: false, default_branch: 'main' });
  }
  // filtered out by default: archived, forks, empty; and one whose clone fails
  for (let i = 0; i < 60; i++) items.push({ full_name: `acme/archived-${i}`, clone_url: 'file:///nonexistent', size: 5, archived: true, fork: false });
  items.push({ full_name: 'acme/a-fork', clone_url: 'file:///nonexistent', size: 5, archived: false, fork: true });
  items.push({ full_name: 'acme/empty', clone_url: 'file:///nonexistent', size: 0, archived: false, fork: false });
  items.push({ full_name: 'acme/gone', clone_url: `file://${tempTree()}/missing.git`, size: 1, archived: false, fork: false });
  api = await fakeGithubApi(items);
  work = tempTree();
}, 120_000);

afterAll(() => api?.server.close());

describe('planning', () => {
  const repo = (name: string, sizeKb: number, extra: Partial<PlannedRepo> = {}): PlannedRepo => ({ name, cloneUrl: `https://example.test/${name}.git`, sizeKb, archived: false, fork: false, defaultBranch: 'main', ...extra });

  test('shards are balanced by size, largest first, and never empty', () => {
    const plan = shardRepos([repo('a', 100), repo('b', 60), repo('c', 50), repo('d', 40), repo('e', 10)], 2, 'test');
    expect(plan.shards.map((s) => s.sizeKb)).toEqual([140, 120]);
    expect(shardRepos([repo('a', 1)], 8, 'test').shards).toHaveLength(1);
  });

  test('filters: archived, forks, empty, include and exclude globs', () => {
    const all = [repo('acme/web', 1), repo('acme/old', 1, { archived: true }), repo('acme/fork', 1, { fork: true }), repo('acme/none', 0), repo('acme/infra-tf', 1)];
    expect(selectRepos(all, { archived: false, forks: false, empty: false, include: [], exclude: [] }).map((r) => r.name)).toEqual(['acme/web', 'acme/infra-tf']);
    expect(selectRepos(all, { archived: true, forks: true, empty: true, include: ['acme/*'], exclude: ['*/infra-*'] }).map((r) => r.name)).toEqual(['acme/web', 'acme/old', 'acme/fork', 'acme/none']);
    expect(globRegex('acme/**').test('acme/a/b')).toBe(true);
    expect(globRegex('acme/*').test('acme/a/b')).toBe(false);
  });

  test('a plain list of clone URLs; one with credentials in it is refused', () => {
    expect(fromList('# ours\nhttps://git.example.test/team/app.git\nhttps://git.example.test/team/lib.git 2048\n').map((r) => [r.name, r.sizeKb])).toEqual([
      ['team/app', 1],
      ['team/lib', 2048],
    ]);
    expect(() => fromList('https://user:pass@git.example.test/team/app.git\n')).toThrow();
  });
});

describe('plan → 4 shard scans → merge, against a fake GitHub API', () => {
  test('one deduplicated report; the token goes only to the API; a failed clone is reported; a re-run resumes', async () => {
    const env = cliEnv({ GITHUB_TOKEN: TOKEN, KEYSCAN_GITHUB_API_URL: api.url });
    const plan = await runBuiltCli(['org', 'plan', '--github', 'acme', '--shards', '4', '-o', join(work, 'plan.json')], { cwd: work, env });
    expect(plan.stderr).toContain(`${REPOS + 1} of ${REPOS + 63} repositories in 4 shards`);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ shard: [0, 1, 2, 3] });
    // two pages of 100 were asked for, each with the token, and nothing else
    expect(api.requests.map((r) => r.path)).toEqual(['/orgs/acme/repos', '/orgs/acme/repos']);
    expect(api.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    const reports = join(work, 'reports');
    mkdirSync(reports);
    for (const shard of [0, 1, 2, 3]) {
      const run = await runBuiltCli(['org', 'scan', '--plan', join(work, 'plan.json'), '--shard', String(shard), '--out', reports], { cwd: work, env, timeoutMs: 120_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    }
    const files = readdirSync(reports).filter((f) => !f.startsWith('state-'));
    expect(files).toHaveLength(REPOS);
    const states = readdirSync(reports).filter((f) => f.startsWith('state-')).map((f) => JSON.parse(readFileSync(join(reports, f), 'utf8')) as { repos: Record<string, { status: string; reason?: string }> });
    const gone = states.flatMap((s) => Object.entries(s.repos)).find(([name]) => name === 'acme/gone');
    expect(gone?.[1]).toMatchObject({ status: 'failed', reason: expect.stringContaining('clone failed') });
    const report = JSON.parse(readFileSync(join(reports, 'acme__repo-05.json'), 'utf8')) as { findings: { repository: string; secret: string }[] };
    expect(report.findings[0]).toMatchObject({ repository: 'acme/repo-05' });

    // a re-run of a shard skips every repository it finished
    const again = await runBuiltCli(['org', 'scan', '--plan', join(work, 'plan.json'), '--shard', '0', '--out', reports], { cwd: work, env });
    expect(again.stderr).toMatch(/done before, skipped/);
    expect(again.stderr).not.toMatch(/finding/);

    const merged = await runBuiltCli(['org', 'merge', reports, '--report', `sarif=${join(work, 'org.sarif')}`, '--report', `html=${join(work, 'org.html')}`, '--report', `markdown=${join(work, 'org.md')}`], { cwd: work, env });
    expect(merged.code).toBe(1);
    const doc = JSON.parse(merged.stdout) as { findings: { ruleId: string; locations: { repository: string }[] }[]; totals: { byRepository: Record<string, number>; bySeverity: Record<string, number> } };
    const shared = doc.findings.filter((f) => f.ruleId === 'openai-project-key');
    expect(shared).toHaveLength(1);
    expect(shared[0]!.locations.map((l) => l.repository)).toEqual(['acme/repo-00', 'acme/repo-05', 'acme/repo-10', 'acme/repo-15', 'acme/repo-20', 'acme/repo-25', 'acme/repo-30', 'acme/repo-35', 'acme/repo-40', 'acme/repo-45']);
    expect(doc.findings.some((f) => f.ruleId.startsWith('github-') && f.locations[0]!.repository === 'acme/repo-07')).toBe(true);
    expect(doc.totals.byRepository['acme/repo-07']).toBeGreaterThanOrEqual(1);
    const sarif = JSON.parse(readFileSync(join(work, 'org.sarif'), 'utf8')) as { runs: { results: { locations: unknown[] }[] }[] };
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results.some((r) => r.locations.length === 10)).toBe(true);
    const everything = merged.stdout + readFileSync(join(work, 'org.sarif'), 'utf8') + readFileSync(join(work, 'org.html'), 'utf8') + readFileSync(join(work, 'org.md'), 'utf8');
    expect(everything).not.toContain(SHARED_KEY.slice(8, 40));
    expect(existsSync(join(work, 'org.html'))).toBe(true);
  }, 240_000);

  test('a plan never takes an API base URL from anywhere but the environment or --api-url; http only for loopback', async () => {
    const run = await runBuiltCli(['org', 'plan', '--github', 'acme', '--api-url', 'http://api.example.test'], { cwd: work, env: cliEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('http:// for a host that is not loopback');
  });
});
