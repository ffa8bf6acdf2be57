// The organisation workflow's three jobs, run as a runner would run their `run:` steps: the plan
// job against a fake GitHub API on 127.0.0.1, a scan job per matrix entry, the merge job; the
// artifacts the `uses:` steps would move are copied between the jobs' workspaces.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseOutputFile } from './helpers/actions.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { gitEnv, keyscanShimDir, pathWithShim, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}
interface Workflow {
  readonly on: { workflow_call: { inputs: Record<string, { default?: string | number }> } };
  readonly jobs: Record<string, { needs?: string; strategy?: { matrix: string }; steps: Step[] }>;
}

const WORKFLOW = parse(readFileSync(new URL('../.github/workflows/keyscan-org.yml', import.meta.url), 'utf8')) as Workflow;
const KEY = fakeOpenAiProjectKey(501);
const TOKEN = 'ghs_workflowtesttoken';

let server: Server;
let apiUrl: string;

beforeAll(async () => {
  const items = Array.from({ length: 12 }, (_, i) => {
    const repo = tempRepo({ 'README.md': `# ${i}\n`, ...(i % 4 === 0 ? { 'app.env': `OPENAI_API_KEY=${KEY}\n` } : {}) }, { commit: 'initial' });
    return { full_name: `acme/r${i}`, clone_url: `file://${repo.root}`, size: 10 + i, archived: false, fork: false };
  });
  const gitlab = items.map((r) => ({ path_with_namespace: r.full_name, http_url_to_repo: r.clone_url, archived: false, statistics: { repository_size: r.size * 1024 } }));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/groups/acme/projects') {
      const ok = req.headers['private-token'] === TOKEN;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? JSON.stringify(gitlab) : '{}');
      return;
    }
    const ok = url.pathname === '/orgs/acme/repos' && req.headers.authorization === `Bearer ${TOKEN}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? JSON.stringify(items.slice((Number(url.searchParams.get('page')) - 1) * 100, Number(url.searchParams.get('page')) * 100)) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 60_000);

afterAll(() => server?.close());

/** `${{ … }}` in a step's env, for the expressions the workflow uses; anything else fails the test. */
function resolve(value: string, ctx: { inputs: Record<string, string>; shard?: number }): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (expr.startsWith('inputs.')) return ctx.inputs[expr.slice(7)] ?? '';
    if (expr === 'secrets.token || github.token') return TOKEN;
    if (expr === 'matrix.shard' && ctx.shard !== undefined) return String(ctx.shard);
    throw new Error(`the test does not know ${expr}`);
  });
}

/** Runs a job's run steps (not the install: keyscan is on PATH) in `workspace`; returns GITHUB_OUTPUT's values. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  // asynchronous: the fake API answers from this process
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

async function runJob(name: string, workspace: string, ctx: { inputs: Record<string, string>; shard?: number }, summary: string): Promise<{ code: number; outputs: Record<string, string>; stderr: string }> {
  const outputs: Record<string, string> = {};
  let stderr = '';
  for (const step of WORKFLOW.jobs[name]!.steps) {
    if (step.uses !== undefined || step.name === 'Install keyscan') continue;
    const outputFile = join(tempTree(), 'output');
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(gitEnv({ PATH: pathWithShim(keyscanShimDir()), KEYSCAN_GITHUB_API_URL: apiUrl, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summary, NO_COLOR: '1' }))) if (v !== undefined) env[k] = v;
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = resolve(String(v), ctx);
    const run = await bash(step.run ?? '', workspace, env);
    stderr += run.stderr;
    Object.assign(outputs, parseOutputFile(readFileSync(outputFile, 'utf8')));
    if (run.status !== 0) return { code: run.status ?? 1, outputs, stderr };
  }
  return { code: 0, outputs, stderr };
}

test('plan → matrix of shard scans → merge, as the reusable workflow runs them', async () => {
  const inputs = Object.fromEntries(Object.entries(WORKFLOW.on.workflow_call.inputs).map(([k, v]) => [k, String(v.default ?? '')]));
  Object.assign(inputs, { org: 'acme', shards: '3' });
  const summary = join(tempTree(), 'summary.md');
  writeFileSync(summary, '');

  const planSpace = tempTree();
  const plan = await runJob('plan', planSpace, { inputs }, summary);
  expect(plan.code, plan.stderr).toBe(0);
  // the scan job's matrix is fromJSON(needs.plan.outputs.matrix)
  expect(WORKFLOW.jobs['scan']!.strategy!.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
  const matrix = JSON.parse(plan.outputs['matrix']!) as { shard: number[] };
  expect(matrix.shard).toEqual([0, 1, 2]);

  const mergeSpace = tempTree();
  mkdirSync(join(mergeSpace, 'reports'));
  for (const shard of matrix.shard) {
    const space = tempTree();
    cpSync(join(planSpace, 'plan.json'), join(space, 'plan.json')); // actions/download-artifact
    const scan = await runJob('scan', space, { inputs, shard }, summary);
    expect(scan.code, scan.stderr).toBe(0);
    cpSync(join(space, 'reports'), join(mergeSpace, 'reports'), { recursive: true }); // merge-multiple
  }
  const merge = await runJob('merge', mergeSpace, { inputs }, summary);
  expect(merge.code).toBe(1); // a key was found: the merge job fails, after writing every report
  for (const file of ['keyscan-org.json', 'keyscan-org.sarif', 'keyscan-org.html', 'keyscan-org.md']) expect(existsSync(join(mergeSpace, file)), file).toBe(true);
  const report = JSON.parse(readFileSync(join(mergeSpace, 'keyscan-org.json'), 'utf8')) as { findings: { ruleId: string; locations: { repository: string }[] }[] };
  const key = report.findings.find((f) => f.ruleId === 'openai-project-key');
  expect(key?.locations.map((l) => l.repository)).toEqual(['acme/r0', 'acme/r4', 'acme/r8']);
  expect(readFileSync(summary, 'utf8')).toContain('keyscan organisation report');
  const all = ['keyscan-org.json', 'keyscan-org.sarif', 'keyscan-org.html', 'keyscan-org.md'].map((f) => readFileSync(join(mergeSpace, f), 'utf8')).join('') + readFileSync(summary, 'utf8');
  expect(all).not.toContain(KEY.slice(8, 40));
}, 180_000);

interface GitlabJob {
  readonly script: string[];
  readonly parallel?: { matrix: { SHARD: string[] }[] };
}

test('the GitLab template: plan, the parallel:matrix scan jobs, merge', async () => {
  const template = parse(readFileSync(new URL('../ci/keyscan-org.gitlab-ci.yml', import.meta.url), 'utf8')) as Record<string, GitlabJob> & { variables: Record<string, string> };
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(gitEnv({ PATH: pathWithShim(keyscanShimDir()), KEYSCAN_GITLAB_API_URL: apiUrl, GITLAB_TOKEN: TOKEN, GITLAB_CI: 'true', NO_COLOR: '1', ...template.variables, KEYSCAN_GROUP: 'acme' }))) if (v !== undefined) base[k] = v;
  const runScript = async (job: string, cwd: string, extra: Record<string, string> = {}) => {
    for (const line of template[job]!.script) {
      const run = await bash(line, cwd, { ...base, ...extra });
      if (run.status !== 0) return { status: run.status, stderr: run.stderr };
    }
    return { status: 0, stderr: '' };
  };
  const planSpace = tempTree();
  expect((await runScript('keyscan-plan', planSpace)).status).toBe(0);
  const mergeSpace = tempTree();
  mkdirSync(join(mergeSpace, 'reports'));
  for (const shard of template['keyscan-scan']!.parallel!.matrix[0]!.SHARD) {
    const space = tempTree();
    cpSync(join(planSpace, 'plan.json'), join(space, 'plan.json'));
    const run = await runScript('keyscan-scan', space, { SHARD: shard });
    expect(run.status, run.stderr).toBe(0);
    if (existsSync(join(space, 'reports'))) cpSync(join(space, 'reports'), join(mergeSpace, 'reports'), { recursive: true });
  }
  expect((await runScript('keyscan-merge', mergeSpace)).status).toBe(1);
  const report = JSON.parse(readFileSync(join(mergeSpace, 'keyscan-org.json'), 'utf8')) as { repositories: number; findings: { ruleId: string; locations: unknown[] }[] };
  expect(report.repositories).toBe(12);
  expect(report.findings.find((f) => f.ruleId === 'openai-project-key')?.locations).toHaveLength(3);
}, 180_000);
