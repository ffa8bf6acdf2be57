import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_NAME } from '../src/install.js';
import { CLI, runBuiltCli, type CliRun } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, keyscanShimDir, pathWithShim, repoAt, tempRepo, type GitRepo, type GitResult } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(901);
const PATH = pathWithShim(keyscanShimDir());

function keyscan(cwd: string, args: string[]): Promise<CliRun> {
  return runBuiltCli(args, { cwd, env: cliEnv({ PATH }) });
}

/** A real `git commit` of `files`, hooks and all, with the keyscan shim on PATH. */
function commitThroughHooks(repo: GitRepo, files: Record<string, string>, message: string): GitResult {
  repo.write(files);
  repo.stage();
  return repo.tryGit(['commit', '-q', '-m', message], { env: { PATH } });
}

function commitCount(repo: GitRepo): number {
  const run = repo.tryGit(['rev-list', '--count', 'HEAD']);
  return run.code === 0 ? Number(run.stdout.trim()) : 0;
}

function expectRefused(repo: GitRepo, run: GitResult, file: string, commitsBefore: number): void {
  expect(run.code).not.toBe(0);
  // git hands a hook's stdout to stderr
  expect(run.stderr).toContain(file);
  expect(run.stderr).toContain('openai-project-key');
  expect(run.stderr).toContain('--no-verify');
  expect(run.stdout + run.stderr).not.toContain(KEY);
  expect(run.stdout + run.stderr).not.toContain(KEY.slice(8, 30));
  expect(commitCount(repo)).toBe(commitsBefore);
}

function expectCommitted(repo: GitRepo, run: GitResult, commitsBefore: number): void {
  expect(run.stderr).not.toContain('blocked');
  expect(run.code).toBe(0);
  expect(commitCount(repo)).toBe(commitsBefore + 1);
}

const isExecutable = (path: string): boolean => (statSync(path).mode & 0o111) === 0o111;

describe.concurrent('keyscan install in a plain repository', () => {
  test('creates an executable .git/hooks/pre-commit that git runs: keys are refused, clean commits pass; --uninstall removes it', async () => {
    const repo = tempRepo();
    const hook = join(repo.root, '.git/hooks/pre-commit');
    const install = await keyscan(repo.root, ['install']);
    expect(install.code).toBe(0);
    expect(install.stderr).toBe('');
    expect(install.stdout).toContain('.git/hooks/pre-commit');
    expect(existsSync(hook)).toBe(true);
    expect(isExecutable(hook)).toBe(true);
    expect(readFileSync(hook, 'utf8')).toMatch(/^#!\/bin\/sh\n/);

    expectCommitted(repo, commitThroughHooks(repo, { 'README.md': '# app\n' }, 'clean first commit'), 0);
    expectRefused(repo, commitThroughHooks(repo, { 'src/app.ts': `export const key = "${KEY}";\n` }, 'add a key'), 'src/app.ts', 1);

    const uninstall = await keyscan(repo.root, ['install', '--uninstall']);
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout).toContain('removed');
    expect(existsSync(hook)).toBe(false);
    // without the hook git lets the same commit through
    expectCommitted(repo, repo.tryGit(['commit', '-q', '-m', 'add a key'], { env: { PATH } }), 1);
  });

  test('install twice is idempotent', async () => {
    const repo = tempRepo();
    const hook = join(repo.root, '.git/hooks/pre-commit');
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    const first = readFileSync(hook);
    const again = await keyscan(repo.root, ['install']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already');
    expect(readFileSync(hook)).toEqual(first);
    const forced = await keyscan(repo.root, ['install', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(hook)).toEqual(first);
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit.pre-keyscan'))).toBe(false);
  });

  test('--uninstall with nothing installed changes nothing and exits 0', async () => {
    const repo = tempRepo();
    const run = await keyscan(repo.root, ['install', '--uninstall']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nothing to remove');
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit'))).toBe(false);
  });

  test('from a subdirectory and from a linked worktree, the hook goes where git looks for it', async () => {
    const repo = tempRepo({ 'pkg/README.md': '# pkg\n' }, { commit: 'initial' });
    const wt = join(tempTree(), 'wt');
    repo.git(['worktree', 'add', '-q', '-b', 'wt-branch', wt]);
    const run = await keyscan(join(wt, 'pkg'), ['install']);
    expect(run.code).toBe(0);
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit'))).toBe(true);
    const linked = repoAt(wt, { init: false });
    expectRefused(linked, commitThroughHooks(linked, { 'pkg/key.env': `OPENAI_API_KEY=${KEY}\n` }, 'key in a worktree'), 'pkg/key.env', 1);
  });

  test('outside a git repository it exits 2 with one line', async () => {
    const dir = tempTree();
    const run = await runBuiltCli(['install'], { cwd: dir, env: cliEnv({ PATH, GIT_CEILING_DIRECTORIES: tmpdir() }) });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/not a git repository/);
  });
});

describe.concurrent('keyscan install next to a foreign hook', () => {
  function withForeignHook(): { repo: GitRepo; hook: string; original: Buffer; marker: string } {
    const repo = tempRepo();
    const marker = join(tempTree(), 'foreign-hook-ran');
    const hook = join(repo.root, '.git/hooks/pre-commit');
    const original = Buffer.from(`#!/bin/sh\n# the team's own checks\necho "team hook ran" >&2\ntouch '${marker}'\n`);
    writeFileSync(hook, original);
    chmodSync(hook, 0o755);
    return { repo, hook, original, marker };
  }

  test('without --force, install exits 2 and leaves the hook untouched', async () => {
    const { repo, hook, original } = withForeignHook();
    const run = await keyscan(repo.root, ['install']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('--force');
    expect(run.stdout).toContain("# the team's own checks"); // shows what is there
    expect(readFileSync(hook)).toEqual(original);
    expect(isExecutable(hook)).toBe(true);
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit.pre-keyscan'))).toBe(false);
  });

  test('--force keeps the hook and runs it after keyscan; --uninstall puts it back byte for byte', async () => {
    const { repo, hook, original, marker } = withForeignHook();
    const run = await keyscan(repo.root, ['install', '--force']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('pre-commit.pre-keyscan');

    const clean = commitThroughHooks(repo, { 'README.md': '# app\n' }, 'clean');
    expectCommitted(repo, clean, 0);
    expect(existsSync(marker)).toBe(true);
    expect(clean.stderr).toContain('team hook ran');

    rmSync(marker);
    expectRefused(repo, commitThroughHooks(repo, { 'app.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'app.env', 1);
    expect(existsSync(marker)).toBe(false); // keyscan stopped the commit before the team hook

    const uninstall = await keyscan(repo.root, ['install', '--uninstall']);
    expect(uninstall.code).toBe(0);
    expect(readFileSync(hook)).toEqual(original);
    expect(isExecutable(hook)).toBe(true);
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit.pre-keyscan'))).toBe(false);
  });

  test('a failing foreign hook still fails the commit when chained', async () => {
    const repo = tempRepo();
    const hook = join(repo.root, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "lint failed" >&2\nexit 3\n');
    chmodSync(hook, 0o755);
    expect((await keyscan(repo.root, ['install', '--force'])).code).toBe(0);
    const run = commitThroughHooks(repo, { 'README.md': '# app\n' }, 'clean but lint fails');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('lint failed');
    expect(commitCount(repo)).toBe(0);
  });
});

describe.concurrent('keyscan install with husky', () => {
  /** husky 9: core.hooksPath=.husky/_, whose pre-commit runs .husky/pre-commit with sh -e. */
  function huskyRepo(userHook: string | undefined): { repo: GitRepo; hook: string } {
    const repo = tempRepo();
    const dispatcher = join(repo.root, '.husky/_/pre-commit');
    mkdirSync(join(repo.root, '.husky/_'), { recursive: true });
    writeFileSync(dispatcher, '#!/bin/sh\nh="$(dirname "$0")/../pre-commit"\n[ -f "$h" ] || exit 0\nexec sh -e "$h" "$@"\n');
    chmodSync(dispatcher, 0o755);
    writeFileSync(join(repo.root, '.husky/_/.gitignore'), '*\n');
    const hook = join(repo.root, '.husky/pre-commit');
    if (userHook !== undefined) writeFileSync(hook, userHook);
    repo.git(['config', 'core.hooksPath', '.husky/_']);
    return { repo, hook };
  }

  test('appends to .husky/pre-commit, keeps its lines, blocks keys through husky; uninstall restores it exactly', async () => {
    const original = 'echo "husky line ran"\n';
    const { repo, hook } = huskyRepo(original);
    const run = await keyscan(repo.root, ['install']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('.husky/pre-commit');
    expect(run.stdout).toContain('husky');
    expect(existsSync(join(repo.root, '.husky/_/pre-commit.pre-keyscan'))).toBe(false);
    const installed = readFileSync(hook, 'utf8');
    expect(installed.startsWith(original)).toBe(true);
    expect(installed).toContain('keyscan staged');

    const clean = commitThroughHooks(repo, { 'README.md': '# app\n' }, 'clean');
    expectCommitted(repo, clean, 0);
    expect(clean.stderr).toContain('husky line ran');
    expectRefused(repo, commitThroughHooks(repo, { 'src/key.ts': `const k = "${KEY}";\n` }, 'key'), 'src/key.ts', 1);

    expect((await keyscan(repo.root, ['install'])).stdout).toContain('already');
    expect(readFileSync(hook, 'utf8')).toBe(installed);

    const uninstall = await keyscan(repo.root, ['install', '--uninstall']);
    expect(uninstall.code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
  });

  test.each([
    ['a last line without a newline', 'npx lint-staged'],
    ['a husky 4-8 script', '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nnpx lint-staged\n'],
    ['several commands and a comment', '# checks\nnpm run lint\nnpm test\n'],
  ])('install then uninstall gives back %s byte for byte', async (_what, original) => {
    const { repo, hook } = huskyRepo(original);
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('keyscan staged');
    expect((await keyscan(repo.root, ['install', '--uninstall'])).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
  });

  test('with no .husky/pre-commit yet, install creates it and uninstall removes it', async () => {
    const { repo, hook } = huskyRepo(undefined);
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toContain('keyscan staged');
    expectRefused(repo, commitThroughHooks(repo, { 'k.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'k.env', 0);
    expect((await keyscan(repo.root, ['install', '--uninstall'])).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
  });
});

describe.concurrent('keyscan install with a custom core.hooksPath', () => {
  test('a relative core.hooksPath directory gets the hook, and git runs it', async () => {
    const repo = tempRepo();
    repo.git(['config', 'core.hooksPath', '.githooks']);
    const run = await keyscan(repo.root, ['install']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('core.hooksPath');
    const hook = join(repo.root, '.githooks/pre-commit');
    expect(isExecutable(hook)).toBe(true);
    expect(existsSync(join(repo.root, '.git/hooks/pre-commit'))).toBe(false);
    expectCommitted(repo, commitThroughHooks(repo, { 'README.md': '# app\n' }, 'clean'), 0);
    expectRefused(repo, commitThroughHooks(repo, { 'key.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'key.env', 1);
    expect((await keyscan(repo.root, ['install', '--uninstall'])).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
  });

  test('an absolute core.hooksPath outside the repository, with a foreign hook in it', async () => {
    const repo = tempRepo();
    const hooksDir = tempTree();
    const hook = join(hooksDir, 'pre-commit');
    const original = '#!/bin/sh\nexit 0\n';
    writeFileSync(hook, original);
    chmodSync(hook, 0o755);
    repo.git(['config', 'core.hooksPath', hooksDir]);
    expect((await keyscan(repo.root, ['install'])).code).toBe(2);
    expect(readFileSync(hook, 'utf8')).toBe(original);
    expect((await keyscan(repo.root, ['install', '--force'])).code).toBe(0);
    expectRefused(repo, commitThroughHooks(repo, { 'key.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'key.env', 0);
    expect((await keyscan(repo.root, ['install', '--uninstall'])).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(original);
  });
});

describe.concurrent('what keyscan install writes', () => {
  test('a hook that names no path of this machine and never runs the npm package called keyscan', async () => {
    const repo = tempRepo();
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    const hook = readFileSync(join(repo.root, '.git/hooks/pre-commit'), 'utf8');
    for (const path of [repo.root, CLI, dirname(CLI), tmpdir(), homedir(), process.execPath]) expect(hook).not.toContain(path);
    expect(hook).toContain('./node_modules/.bin/keyscan staged');
    expect(hook).toContain(`npx --no-install ${PACKAGE_NAME} staged`);
    expect(hook).not.toMatch(/npx (?:--\S+ )*keyscan(?![\w-])/);
  });

  test('the project\'s own node_modules/.bin/keyscan comes first', async () => {
    const repo = tempRepo();
    const marker = join(tempTree(), 'project-keyscan-ran');
    repo.write({ 'node_modules/.bin/keyscan': `#!/bin/sh\ntouch '${marker}'\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n` });
    chmodSync(join(repo.root, 'node_modules/.bin/keyscan'), 0o755);
    repo.write({ '.gitignore': 'node_modules/\n' });
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    expectRefused(repo, commitThroughHooks(repo, { 'k.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'k.env', 0);
    expect(existsSync(marker)).toBe(true);
  });

  test.each([
    ['0644', 0o644],
    ['0755', 0o755],
  ])('a committed .husky/pre-commit with mode %s keeps it through install and uninstall', async (_name, mode) => {
    const repo = tempRepo();
    mkdirSync(join(repo.root, '.husky/_'), { recursive: true });
    const dispatcher = join(repo.root, '.husky/_/pre-commit');
    writeFileSync(dispatcher, '#!/bin/sh\nexec sh -e "$(dirname "$0")/../pre-commit" "$@"\n');
    chmodSync(dispatcher, 0o755);
    repo.git(['config', 'core.hooksPath', '.husky/_']);
    const hook = join(repo.root, '.husky/pre-commit');
    writeFileSync(hook, 'echo "lint"\n');
    chmodSync(hook, mode);
    expect((await keyscan(repo.root, ['install'])).code).toBe(0);
    expect(statSync(hook).mode & 0o777).toBe(mode);
    expectRefused(repo, commitThroughHooks(repo, { 'k.env': `OPENAI_API_KEY=${KEY}\n` }, 'key'), 'k.env', 0);
    expect((await keyscan(repo.root, ['install', '--uninstall'])).code).toBe(0);
    expect(statSync(hook).mode & 0o777).toBe(mode);
    expect(readFileSync(hook, 'utf8')).toBe('echo "lint"\n');
  });

  test('a core.hooksPath from the global git config: installed there, with a warning that every repository runs it', async () => {
    const repo = tempRepo();
    const hooksDir = tempTree();
    const home = tempTree({ '.gitconfig': `[core]\n\thooksPath = ${hooksDir}\n` });
    // ~/.gitconfig itself: simple-git (which finds the hooks directory) drops GIT_CONFIG_GLOBAL
    const env = cliEnv({ PATH, HOME: home, GIT_CONFIG_GLOBAL: undefined });
    const run = await runBuiltCli(['install'], { cwd: repo.root, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: core\.hooksPath is set in your global git config .*every repository on this machine/);
    expect(existsSync(join(hooksDir, 'pre-commit'))).toBe(true);
    // set in the repository itself, it is no one else's business
    const local = tempRepo();
    local.git(['config', 'core.hooksPath', '.githooks']);
    const quiet = await runBuiltCli(['install'], { cwd: local.root, env });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });
});
