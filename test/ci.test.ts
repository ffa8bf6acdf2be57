import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ciPlan } from '../src/ci.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const OLD_KEY = fakeOpenAiProjectKey(41);
const NEW_KEY = fakeOpenAiProjectKey(42);

/** main with an old key (committed before the PR) and a branch whose commits add a new one. */
function pullRequestRepo() {
  const repo = tempRepo();
  repo.commitFiles({ 'old.env': `OPENAI_API_KEY=${OLD_KEY}\n`, 'README.md': '# app\n' }, 'old', { noVerify: true });
  const base = repo.head();
  repo.git(['checkout', '-q', '-b', 'feature']);
  repo.commitFiles({ 'src/app.ts': 'export const x = 1;\n' }, 'clean change');
  repo.commitFiles({ 'src/client.ts': `\nconst client = new OpenAI({ apiKey: "${NEW_KEY}" });\n` }, 'leak', { noVerify: true });
  return { repo, base, head: repo.head() };
}

describe('ciPlan', () => {
  test('GitHub pull requests and pushes, GitLab merge requests, else origin/HEAD, else the tree', () => {
    const gh = { GITHUB_ACTIONS: 'true' };
    expect(ciPlan(gh, { pull_request: { base: { sha: 'b' }, head: { sha: 'h' } } }, false)).toMatchObject({ kind: 'range', range: 'b..h', system: 'github' });
    expect(ciPlan(gh, { before: 'a1', after: 'a2' }, false)).toMatchObject({ kind: 'range', range: 'a1..a2' });
    expect(ciPlan(gh, { before: '0000000000', after: 'a2' }, true)).toMatchObject({ kind: 'range', range: 'origin/HEAD..HEAD' });
    expect(ciPlan({ GITLAB_CI: 'true', CI_MERGE_REQUEST_DIFF_BASE_SHA: 'mb' }, undefined, false)).toMatchObject({ range: 'mb..HEAD', system: 'gitlab' });
    expect(ciPlan({}, undefined, false)).toMatchObject({ kind: 'tree', system: 'other' });
  });
});

describe('keyscan ci', () => {
  test('in GitHub Actions: the PR range only, annotations at the right line, a job summary, exit 1', async () => {
    const { repo, base, head } = pullRequestRepo();
    const work = tempTree();
    const eventPath = join(work, 'event.json');
    const summary = join(work, 'summary.md');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
    writeFileSync(summary, '# earlier step\n');
    const run = await runBuiltCli(['ci'], { cwd: repo.root, env: cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: eventPath, GITHUB_STEP_SUMMARY: summary }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`keyscan ci: scanning the pull request's commits (${base}..${head})`);
    const annotations = run.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=src\/client\.ts,line=2,col=\d+/);
    expect(run.stdout + run.stderr).not.toContain(NEW_KEY.slice(8, 40));
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written).toContain('src/client.ts');
    expect(written).not.toContain(OLD_KEY.slice(8, 40));
  });

  test('in GitLab CI: the merge request range from CI_MERGE_REQUEST_DIFF_BASE_SHA', async () => {
    const { repo, base } = pullRequestRepo();
    const run = await runBuiltCli(['ci', '--format', 'json'], { cwd: repo.root, env: cliEnv({ GITLAB_CI: 'true', CI: 'true', CI_MERGE_REQUEST_DIFF_BASE_SHA: base }) });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string; kind: string }[] };
    expect(report.findings.filter((f) => f.kind === 'secret').map((f) => f.file)).toEqual(['src/client.ts']);
  });

  test('elsewhere, with no origin/HEAD: the whole tree', async () => {
    const { repo } = pullRequestRepo();
    const run = await runBuiltCli(['ci', '--format', 'json'], { cwd: repo.root, env: cliEnv({ CI: 'true' }) });
    expect(run.stderr).toContain('no commit range is known here');
    const report = JSON.parse(run.stdout) as { findings: { file: string; kind: string }[] };
    expect(report.findings.filter((f) => f.kind === 'secret').map((f) => f.file).sort()).toEqual(['old.env', 'src/client.ts']);
  });

  test('a baseline adopted on main keeps the old key quiet: only the new leak fails', async () => {
    const { repo } = pullRequestRepo();
    repo.git(['checkout', '-q', 'main']);
    const work = tempTree();
    const baselinePath = join(work, 'baseline.json');
    const baseline = await runBuiltCli(['baseline', '-o', baselinePath], { cwd: repo.root, env: cliEnv() });
    expect(baseline.code).toBe(0);
    const onMain = await runBuiltCli(['ci', '--baseline', baselinePath], { cwd: repo.root, env: cliEnv({ CI: 'true' }) });
    expect(onMain.code).toBe(0);
    repo.git(['checkout', '-q', 'feature']);
    const run = await runBuiltCli(['ci', '--format', 'json', '--baseline', baselinePath], { cwd: repo.root, env: cliEnv({ CI: 'true' }) });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string; kind: string }[] };
    expect(report.findings.filter((f) => f.kind === 'secret').map((f) => f.file)).toEqual(['src/client.ts']);
  });
});

describe('keyscan ci reports', () => {
  test('--report FORMAT=FILE as on a scan: one SARIF run, written where the user stands (a subdirectory)', async () => {
    const { repo, base, head } = pullRequestRepo();
    const work = tempTree();
    const eventPath = join(work, 'event.json');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
    const run = await runBuiltCli(['ci', '--report', 'sarif=out.sarif', '--report', 'json=out.json'], {
      cwd: join(repo.root, 'src'),
      env: cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: eventPath }),
    });
    expect(run.code, run.stderr).toBe(1);
    const sarif = JSON.parse(readFileSync(join(repo.root, 'src/out.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['src/client.ts']);
    const json = JSON.parse(readFileSync(join(repo.root, 'src/out.json'), 'utf8')) as { findings: unknown[] };
    expect(json.findings).toHaveLength(1);
  });
});
