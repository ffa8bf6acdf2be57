import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_NAME } from '../src/install.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { repoAt, type GitRepo } from './helpers/git-repo.js';
import { PACKAGE_DIR, packTarball, sh, userEnv, type PackedFile, type ShellRun } from './helpers/pack.js';
import { PACKAGE, readmeSnippet, snippetCommands } from './helpers/readme.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(777);
const LEAK = { 'src/config.ts': `export const openai = "${KEY}";\n` };

let tarball: string;
let files: readonly PackedFile[];
beforeAll(async () => {
  ({ tarball, files } = await packTarball());
}, 120_000);

/** A README command as the tests run it: our package name (and version) becomes the packed tarball. */
function asTested(command: string): string {
  // npx takes a path for a command to run: the tarball goes in --package, the bin keeps our name
  if (command.startsWith(`npx ${PACKAGE_NAME} `)) return command.replace(`npx ${PACKAGE_NAME} `, `npx --package=${tarball} ${PACKAGE_NAME} `);
  return command.replace(new RegExp(`(?<=^(?:npm install|npx) .*)(?<![\\w/-])${PACKAGE_NAME}(?:@[\\w.-]+)?(?![\\w-])`), tarball);
}

/** Runs the README commands in order; each must succeed, as it would for a user following them. */
async function follow(snippet: string, cwd: string, env: Record<string, string>): Promise<ShellRun[]> {
  const runs: ShellRun[] = [];
  for (const command of snippetCommands(snippet)) {
    const run = await sh(asTested(command), { cwd, env });
    expect(run.code, `${command}\n${run.stderr}`).toBe(0);
    runs.push(run);
  }
  return runs;
}

function project(): GitRepo {
  const repo = repoAt(tempTree());
  repo.write({
    'package.json': `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { test: 'node --version' } }, null, 2)}\n`,
    '.gitignore': 'node_modules/\n',
    'src/app.ts': 'export const answer = 42;\n',
  });
  return repo;
}

function commitCount(repo: GitRepo): number {
  const run = repo.tryGit(['rev-list', '--count', 'HEAD']);
  return run.code === 0 ? Number(run.stdout.trim()) : 0;
}

/** A real `git commit` of the key, hooks and all, in the user's environment: refused, the key never printed. */
async function expectKeyCommitBlocked(repo: GitRepo, env: Record<string, string>): Promise<string> {
  repo.write(LEAK);
  repo.stage();
  const before = commitCount(repo);
  const run = await sh("git commit -q -m 'add the key'", { cwd: repo.root, env });
  expect(run.code).not.toBe(0);
  expect(commitCount(repo)).toBe(before);
  expect(run.stdout + run.stderr).not.toContain(KEY.slice(8, 30));
  return run.stderr;
}

/** Paths of this machine that must never land in a committed hook. */
function machinePaths(repo: GitRepo): string[] {
  return [repo.root, PACKAGE_DIR.replace(/\/$/, ''), tmpdir(), homedir(), tarball, process.execPath];
}

describe('the packed tarball', () => {
  test('holds only what a user needs: the built CLI, the rules, README, package.json', () => {
    const paths = files.map((f) => f.path).sort();
    for (const path of paths) expect(path).toMatch(/^(?:dist\/.+\.c?js|dist\/keyscan\.cjs\.v8cache|dist\/rules\.jsonl|dist\/rule-examples\.json|dist\/prefilter\.bin|rules\/[\w.-]+\.toml|README\.md|package\.json|LICENSE)$/);
    expect(paths).toContain('dist/cli.cjs');
    // the bundled CLI and its code cache: without them every start loads some 60 modules
    expect(paths).toContain('dist/keyscan.cjs');
    expect(paths).toContain('dist/keyscan.cjs.v8cache');
    // the keyword automaton the build made: without it every hook run builds its own
    expect(paths).toContain('dist/prefilter.bin');
    expect(paths.filter((p) => /^(?:test|fixtures|bench|src)\/|\.map$|build-(?:rules|bundle)/.test(p))).toEqual([]);
    // no stale module from a deleted source file (the bundle is made from the others)
    for (const path of paths.filter((p) => /^dist\/.+\.c?js$/.test(p) && p !== 'dist/keyscan.cjs'))
      expect(existsSync(join(PACKAGE_DIR, path.replace(/^dist\//, 'src/').replace(/\.(c?)js$/, '.$1ts'))), path).toBe(true);
  });

  test(`is named ${PACKAGE_NAME}, with the bins keyscan and ${PACKAGE_NAME} and no install script`, () => {
    expect(PACKAGE.name).toBe(PACKAGE_NAME);
    expect(PACKAGE.bin).toEqual({ keyscan: 'dist/cli.cjs', [PACKAGE_NAME]: 'dist/cli.cjs' });
    // npm runs a dependency's preinstall, install and postinstall: we have none; prepare runs only in a clone
    expect(Object.keys(PACKAGE.scripts).filter((s) => /^(?:pre|post)?install$/.test(s))).toEqual([]);
    expect(readFileSync(join(PACKAGE_DIR, 'dist/cli.cjs'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const lock = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package-lock.json'), 'utf8')) as { name: string; version: string };
    expect(lock).toMatchObject({ name: PACKAGE_NAME, version: PACKAGE.version });
  });

  test('README and the templates name this version', () => {
    const v = PACKAGE.version;
    expect(readmeSnippet('pre-commit')).toContain(`rev: v${v}\n`);
    expect(readmeSnippet('github-workflow')).toContain(`/keyscan@v${v}\n`);
    expect(readmeSnippet('gitlab-job')).toContain(`${PACKAGE_NAME}@${v}\n`);
    expect(readmeSnippet('reports-steps')).toContain(`npx --yes ${PACKAGE_NAME}@${v} .`);
    // npx fetching `keyscan` would run someone else's package
    expect(readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8')).not.toMatch(/npx (?:--\S+ )+keyscan(?![\w-])/);
  });
});

describe.concurrent('a user installs the tarball', () => {
  test('as a dev dependency (README), in a husky project (README): scans, installs the hook, and git refuses a key', { timeout: 300_000 }, async () => {
    const repo = project();
    const env = userEnv();
    await follow(readmeSnippet('husky'), repo.root, env);
    const installed = JSON.parse(readFileSync(join(repo.root, 'node_modules', PACKAGE_NAME, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(PACKAGE.version);
    // npm did not run our prepare (husky, tsc) for the tarball: our devDependencies are not there
    expect(existsSync(join(repo.root, 'node_modules/typescript'))).toBe(false);

    const hook = readFileSync(join(repo.root, '.husky/pre-commit'), 'utf8');
    expect(hook.startsWith('npm test\n')).toBe(true); // husky init's line stays
    expect(hook).toContain(`npx --no-install ${PACKAGE_NAME} staged`);
    expect(hook).not.toMatch(/npx (?:--\S+ )*keyscan(?![\w-])/); // never the other package called keyscan
    for (const path of machinePaths(repo)) expect(hook).not.toContain(path);
    expect(repo.git(['diff', '--cached', '--name-only'])).toContain('.husky/pre-commit');

    const version = await sh('npx keyscan --version', { cwd: repo.root, env });
    expect(version.stdout.trim()).toBe(PACKAGE.version);
    expect((await sh('npx keyscan .', { cwd: repo.root, env })).code).toBe(0);

    // V8 takes the installed bundle's code cache (src/code-cache.cts)
    const pkg = join(repo.root, 'node_modules', PACKAGE_NAME);
    const loaded = execFileSync(process.execPath, ['-e', 'console.log(require(process.argv[1]).loadBundle(process.argv[2]).cacheRejected)', join(pkg, 'dist/code-cache.cjs'), join(pkg, 'dist')], { encoding: 'utf8' });
    expect(loaded.trim()).toBe('false');

    const clean = await sh("git commit -q -m 'add keyscan'", { cwd: repo.root, env });
    expect(clean.code, clean.stderr).toBe(0);
    const blocked = await expectKeyCommitBlocked(repo, env);
    expect(blocked).toContain('src/config.ts');
    expect(blocked).toContain('openai-project-key');

    // without node_modules/.bin/keyscan the hook still finds our package through npx, by our name
    rmSync(join(repo.root, 'node_modules/.bin/keyscan'));
    expect(await expectKeyCommitBlocked(repo, env)).toContain('src/config.ts');
  });

  test('as a dev dependency in a plain repository (README): npx keyscan . exits 1 on a key, 0 when clean', { timeout: 300_000 }, async () => {
    const repo = project();
    const env = userEnv();
    const runs = await follow(readmeSnippet('install-dev'), repo.root, env); // npx keyscan . exits 0: the tree is clean
    expect(runs).toHaveLength(3);
    expect(readFileSync(join(repo.root, '.git/hooks/pre-commit'), 'utf8')).toContain('./node_modules/.bin/keyscan staged');
    repo.write(LEAK);
    const leaky = await sh('npx keyscan .', { cwd: repo.root, env });
    expect(leaky.code).toBe(1);
    expect(leaky.stdout).toContain('src/config.ts');
    expect(leaky.stdout + leaky.stderr).not.toContain(KEY.slice(8, 30));
    repo.git(['add', 'package.json', '.gitignore', 'src/app.ts']);
    expect((await sh("git commit -q -m 'clean'", { cwd: repo.root, env })).code).toBe(0);
    expect(await expectKeyCommitBlocked(repo, env)).toContain('src/config.ts');
  });

  test('globally (README): keyscan on PATH runs the hook; with no keyscan anywhere the hook says how to install it', { timeout: 300_000 }, async () => {
    const prefix = tempTree();
    const globalEnv = userEnv({ npm_config_prefix: prefix, PATH: `${join(prefix, 'bin')}:${userEnv()['PATH']}` });
    const dir = tempTree({ 'notes.txt': 'nothing to see\n' });
    await follow(readmeSnippet('install-global'), dir, globalEnv);
    expect((await sh(`${PACKAGE_NAME} --version`, { cwd: dir, env: globalEnv })).stdout.trim()).toBe(PACKAGE.version);

    const repo = repoAt(tempTree());
    repo.commitFiles({ 'README.md': '# app\n' }, 'initial');
    expect((await sh('keyscan install', { cwd: repo.root, env: globalEnv })).code).toBe(0);
    const hook = readFileSync(join(repo.root, '.git/hooks/pre-commit'), 'utf8');
    for (const path of [...machinePaths(repo), prefix]) expect(hook).not.toContain(path);
    expect(await expectKeyCommitBlocked(repo, globalEnv)).toContain('src/config.ts');

    // a teammate without keyscan: told how to install it, and the commit does not go through unchecked
    const bare = userEnv({ npm_config_offline: 'true' });
    const refused = await expectKeyCommitBlocked(repo, bare);
    expect(refused).toContain(`npm install --save-dev ${PACKAGE_NAME}`);
    expect(refused).toContain('--no-verify');
    expect(refused).not.toContain('could not determine executable');
  });

  test('once, with npx (README): exit 1 on a key, 0 on a clean tree', { timeout: 300_000 }, async () => {
    const [command] = snippetCommands(readmeSnippet('one-off'));
    expect(command).toBe(`npx ${PACKAGE_NAME} .`);
    const env = userEnv({ npm_config_yes: 'true' }); // the user answers npx's "Ok to proceed?" (this machine's npmrc says no)
    const cache = (await sh('npm config get cache', { cwd: tmpdir(), env })).stdout.trim();
    const npxDir = join(cache, '_npx');
    const before = new Set(existsSync(npxDir) ? readdirSync(npxDir) : []);
    try {
      const clean = await sh(asTested(command!), { cwd: tempTree({ 'a.txt': 'hello\n' }), env });
      expect(clean.code, clean.stderr).toBe(0);
      const leaky = await sh(asTested(command!), { cwd: tempTree(LEAK), env });
      expect(leaky.code).toBe(1);
      expect(leaky.stdout).toContain('src/config.ts');
    } finally {
      // npx keeps what it installed under the npm cache: drop our tarball's copy, nothing else
      for (const name of existsSync(npxDir) ? readdirSync(npxDir) : []) {
        const manifest = join(npxDir, name, 'package.json');
        if (!before.has(name) && existsSync(manifest) && readFileSync(manifest, 'utf8').includes(tarball)) rmSync(join(npxDir, name), { recursive: true, force: true });
      }
    }
  });
});

describe('the GitLab job (README, ci/gitlab/keyscan.gitlab-ci.yml) in a simulated merge request', () => {
  test('its script installs the package and fails the job on the new key, with a JUnit report and one SARIF run', { timeout: 300_000 }, async () => {
    const { parse } = await import('yaml');
    const snippet = readmeSnippet('gitlab-job');
    expect(readFileSync(join(PACKAGE_DIR, 'ci/gitlab/keyscan.gitlab-ci.yml'), 'utf8').replace(/^#.*\n/gm, '')).toBe(snippet);
    const job = (parse(snippet) as Record<string, { script: string[]; artifacts: { reports: { junit: string }; paths: string[] }; variables: Record<string, unknown> }>)['keyscan']!;
    expect(job.variables['GIT_DEPTH']).toBe(0);

    const repo = repoAt(tempTree());
    repo.commitFiles({ 'old.env': `OPENAI_API_KEY=${fakeOpenAiProjectKey(778)}\n` }, 'old', { noVerify: true });
    const base = repo.head();
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles(LEAK, 'leak', { noVerify: true });
    const prefix = tempTree();
    const env = userEnv({
      npm_config_prefix: prefix,
      PATH: `${join(prefix, 'bin')}:${userEnv()['PATH']}`,
      CI: 'true',
      GITLAB_CI: 'true',
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '7',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
      CI_COMMIT_SHA: repo.head(),
      CI_PROJECT_DIR: repo.root,
    });
    // GitLab runs the script lines in one shell, stopping at the first that fails
    const script = job.script.map(asTested).join('\n');
    const run = await sh(`set -e\n${script}`, { cwd: repo.root, env });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("the merge request's commits");
    const junit = readFileSync(join(repo.root, job.artifacts.reports.junit), 'utf8');
    expect(junit).toContain('src/config.ts');
    expect(junit).not.toContain('old.env'); // before the merge request
    const sarif = JSON.parse(readFileSync(join(repo.root, job.artifacts.paths[0]!), 'utf8')) as { runs: unknown[] };
    expect(sarif.runs).toHaveLength(1);
    expect(run.stdout + run.stderr + junit).not.toContain(KEY.slice(8, 30));
  });
});
