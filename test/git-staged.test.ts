import { secretReport, type JsonFinding, type JsonReport } from './helpers/report.js';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, keyscanShimDir, pathWithShim, repoAt, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(101);
const KEY_2 = fakeOpenAiProjectKey(202);
const KEY_3 = fakeOpenAiProjectKey(303);
const KEY_4 = fakeOpenAiProjectKey(404);
const ALL_KEYS = [KEY, KEY_2, KEY_3, KEY_4];


function staged(cwd: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runBuiltCli(['staged', ...args], { cwd, env: cliEnv(env) });
}

async function stagedJson(cwd: string): Promise<{ code: number | null; report: JsonReport; stderr: string; run: CliRun }> {
  const run = await staged(cwd, ['--format', 'json']);
  expect(run.stderr).toBe('');
  return { code: run.code, report: secretReport<JsonReport>(run.stdout), stderr: run.stderr, run };
}

/** No key, nor a recognisable slice of one, in anything keyscan printed. */
function expectNoKeyIn(run: CliRun): void {
  for (const key of ALL_KEYS) {
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(key.slice(8, 30));
  }
}

const lines = (n: number, label = 'line'): string[] => Array.from({ length: n }, (_, i) => `// ${label} ${i + 1}`);

describe.concurrent('keyscan staged: what the next commit adds', () => {
  test('a key staged in the middle of a committed file blocks with the line of the staged file', async () => {
    const before = lines(10);
    const repo = tempRepo({ 'src/app.ts': `${before.join('\n')}\n` }, { commit: 'initial' });
    const after = [...before];
    after[5] = `const key = "${KEY}";`; // line 6 of the staged file
    repo.write({ 'src/app.ts': `${after.join('\n')}\n` });
    repo.stage();
    // the work tree moves on after staging: its line numbers must not leak into the report
    repo.write({ 'src/app.ts': `${['// a', '// b', '// c', ...after].join('\n')}\n` });
    const { code, report, run } = await stagedJson(repo.root);
    expect(code).toBe(1);
    expect(report.mode).toBe('staged');
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'openai-project-key', file: 'src/app.ts', line: 6, column: 14 });
    expect(report.findings[0]!.commit).toBeUndefined();
    expect(report.findings[0]!.secret).toBe(`${KEY.slice(0, 4)}********${KEY.slice(-2)}`);
    expectNoKeyIn(run);
  });

  test('--show-secrets prints the staged key; nothing else does', async () => {
    const repo = tempRepo({ '.env': `OPENAI_API_KEY=${KEY}\n` }, { stage: true });
    const shown = await staged(repo.root, ['--format', 'json', '--show-secrets']);
    expect(shown.code).toBe(1);
    expect(secretReport<JsonReport>(shown.stdout).findings[0]!.secret).toBe(KEY);
    const hidden = await staged(repo.root);
    expect(hidden.code).toBe(1);
    expectNoKeyIn(hidden);
  });

  test('a key staged and then removed from the work tree is still caught', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    repo.write({ 'config.py': `OPENAI_API_KEY = "${KEY}"\n` });
    repo.stage();
    repo.write({ 'config.py': 'import os\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n' });
    const { code, report, run } = await stagedJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line])).toEqual([['config.py', 1]]);
    expectNoKeyIn(run);
  });

  test('a clean staged file with a key only in the work tree passes', async () => {
    const repo = tempRepo({ 'config.py': 'import os\n' }, { commit: 'initial' });
    repo.write({ 'config.py': 'import os\nKEY = os.environ["OPENAI_API_KEY"]\n' });
    repo.stage();
    repo.write({ 'config.py': `import os\nKEY = "${KEY}"\n`, 'untracked.env': `OPENAI_API_KEY=${KEY_2}\n` });
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('the first commit of a repository (no HEAD yet) is scanned', async () => {
    const repo = tempRepo({ 'index.js': 'console.log("hi");\n', 'lib/keys.js': `module.exports = {\n  openai: "${KEY}",\n};\n` }, { stage: true });
    expect(repo.tryGit(['rev-parse', '--verify', 'HEAD']).code).not.toBe(0);
    const { code, report, run } = await stagedJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line, f.column])).toEqual([['lib/keys.js', 2, 12]]);
    expectNoKeyIn(run);
  });

  test('a pure rename of a committed file that holds a key adds nothing', async () => {
    const repo = tempRepo();
    repo.commitFiles({ 'old/settings.env': `# settings\nOPENAI_API_KEY=${KEY}\nDEBUG=1\n` }, 'planted with --no-verify', { noVerify: true });
    repo.git(['mv', 'old', 'new-place']);
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('a rename with an edit reports only what the edit adds', async () => {
    const repo = tempRepo();
    const body = [...lines(20), `OPENAI_API_KEY=${KEY}`].join('\n');
    repo.commitFiles({ 'a.env': `${body}\n` }, 'planted', { noVerify: true });
    repo.git(['mv', 'a.env', 'b.env']);
    repo.write({ 'b.env': `${body}\nOTHER_KEY=${KEY_2}\n` });
    repo.stage();
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line])).toEqual([['b.env', 22]]);
  });

  test('deleting files that hold keys passes', async () => {
    const repo = tempRepo();
    repo.commitFiles({ 'leak.env': `OPENAI_API_KEY=${KEY}\n`, 'partial.ts': `const a = 1;\nconst k = "${KEY_2}";\nconst b = 2;\n` }, 'planted', { noVerify: true });
    repo.git(['rm', '-q', 'leak.env']);
    repo.write({ 'partial.ts': 'const a = 1;\nconst b = 2;\n' });
    repo.stage();
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('binary files are skipped, text files next to them are not', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0]),
      Buffer.from(`\ntEXt OPENAI_API_KEY=${KEY}\n`),
      Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44]),
    ]);
    const repo = tempRepo({ 'assets/logo.png': png }, { stage: true });
    const binaryOnly = await stagedJson(repo.root);
    expect(binaryOnly.code).toBe(0);
    expect(binaryOnly.report.findings).toEqual([]);
    repo.write({ 'notes.txt': `k=${KEY_2}\n` });
    repo.stage();
    const both = await stagedJson(repo.root);
    expect(both.code).toBe(1);
    expect(both.report.findings.map((f) => f.file)).toEqual(['notes.txt']);
  });

  describe.each([true, false])('core.quotePath=%s', (quotePath) => {
    test('file names with spaces, quotes, unicode and a newline are reported as they are', async () => {
      const names = ['my dir/file with spaces.env', 'say "hi".txt', 'ünï cödé/ключ.txt', 'two\nlines.txt'];
      const files = Object.fromEntries(names.map((name, i) => [name, `header\nk=${ALL_KEYS[i]}\n`]));
      const repo = tempRepo(files, { stage: true });
      repo.git(['config', 'core.quotePath', String(quotePath)]);
      const { code, report, run } = await stagedJson(repo.root);
      expect(code).toBe(1);
      expect(report.findings.map((f) => [f.file, f.line]).sort()).toEqual(names.map((n) => [n, 2]).sort());
      expectNoKeyIn(run);
    });
  });

  test('a submodule gitlink is not scanned, even when the submodule holds keys', async () => {
    const inner = tempRepo({ 'secrets.env': `OPENAI_API_KEY=${KEY}\n` }, { commit: 'inner with a key' });
    const outer = tempRepo({ 'README.md': '# outer\n' }, { commit: 'initial' });
    outer.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.root, 'vendor/inner']);
    expect(outer.git(['diff', '--cached', '--name-only']).split('\n').filter(Boolean).sort()).toEqual(['.gitmodules', 'vendor/inner']);
    const { code, report } = await stagedJson(outer.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('a merge in progress is scanned against HEAD without error', async () => {
    const repo = tempRepo({ 'main.txt': 'main\n' }, { commit: 'initial' });
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ 'feature.ts': `export const k = "${KEY}";\n` }, 'feature adds a key', { noVerify: true });
    repo.git(['checkout', '-q', 'main']);
    repo.commitFiles({ 'main.txt': 'main\nmore\n' }, 'main moves on');
    repo.git(['merge', '--no-commit', '--no-ff', '-q', 'feature']);
    expect(existsSync(join(repo.root, '.git/MERGE_HEAD'))).toBe(true);
    const { code, report, run } = await stagedJson(repo.root);
    // the merge commit brings the key into main: it is what the next commit adds
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line])).toEqual([['feature.ts', 1]]);
    expectNoKeyIn(run);
  });

  test('a merge stopped on a conflict is scanned without error', async () => {
    const repo = tempRepo({ 'shared.txt': 'base\n' }, { commit: 'initial' });
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ 'shared.txt': 'feature side\n', 'clean.txt': 'clean\n' }, 'feature');
    repo.git(['checkout', '-q', 'main']);
    repo.commitFiles({ 'shared.txt': 'main side\n' }, 'main');
    expect(repo.tryGit(['merge', '--no-commit', 'feature']).code).not.toBe(0); // conflict
    const run = await staged(repo.root, ['--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  test('git commit -a through the installed hook is blocked', async () => {
    const repo = tempRepo({ 'app.ts': 'export const a = 1;\n' }, { commit: 'initial' });
    const before = repo.head();
    const path = pathWithShim(keyscanShimDir());
    const install = await runBuiltCli(['install'], { cwd: repo.root, env: cliEnv({ PATH: path }) });
    expect(install.code).toBe(0);
    // not staged: commit -a stages it into a temporary index, which the hook must scan
    repo.write({ 'app.ts': `export const a = 1;\nexport const key = "${KEY}";\n` });
    const refused = repo.tryGit(['commit', '-a', '-m', 'add key'], { env: { PATH: path } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('app.ts');
    expect(refused.stderr).toContain('openai-project-key');
    expect(refused.stdout + refused.stderr).not.toContain(KEY);
    expect(refused.stdout + refused.stderr).not.toContain(KEY.slice(8, 30));
    expect(repo.head()).toBe(before);
    repo.write({ 'app.ts': 'export const a = 2;\n' });
    const passed = repo.tryGit(['commit', '-a', '-m', 'clean'], { env: { PATH: path } });
    expect(passed.stderr).not.toContain('blocked');
    expect(passed.code).toBe(0);
    expect(repo.head()).not.toBe(before);
  });

  test('a linked worktree scans its own index', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    const wt = join(tempTree(), 'wt');
    repo.git(['worktree', 'add', '-q', '-b', 'wt-branch', wt]);
    const linked = repoAt(wt, { init: false });
    linked.write({ 'conf/prod.env': `OPENAI_API_KEY=${KEY}\n` });
    linked.stage();
    const inWorktree = await stagedJson(wt);
    expect(inWorktree.code).toBe(1);
    expect(inWorktree.report.findings.map((f) => f.file)).toEqual(['conf/prod.env']);
    const inMain = await stagedJson(repo.root);
    expect(inMain.code).toBe(0);
  });

  test('from a subdirectory, JSON paths are relative to the repository root', async () => {
    const repo = tempRepo({ 'pkg/lib/README.md': '# lib\n' }, { commit: 'initial' });
    repo.write({ 'pkg/lib/conf.ts': `export const k = "${KEY}";\n`, 'top.env': `OPENAI_API_KEY=${KEY_2}\n` });
    repo.stage();
    const sub = join(repo.root, 'pkg/lib');
    const { code, report } = await stagedJson(sub);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.file)).toEqual(['pkg/lib/conf.ts', 'top.env']);
    const text = await staged(sub);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('pkg/lib/conf.ts');
  });

  test('no staged changes exits 0', async () => {
    const repo = tempRepo({ 'a.txt': 'a\n' }, { commit: 'initial' });
    repo.write({ 'unstaged.env': `OPENAI_API_KEY=${KEY}\n`, 'a.txt': `a\nk=${KEY_2}\n` });
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    const text = await staged(repo.root);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('No secrets found');
  });

  test('an empty repository with nothing staged exits 0', async () => {
    const repo = tempRepo();
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
  });

  test('.keyscanignore at the root excludes a staged path', async () => {
    const repo = tempRepo({ '.keyscanignore': 'fixtures/\n*.sample\n' }, { commit: 'initial' });
    repo.write({ 'fixtures/fake.env': `OPENAI_API_KEY=${KEY}\n`, 'env.sample': `OPENAI_API_KEY=${KEY_2}\n`, 'src/real.ts': `const k = "${KEY_3}";\n` });
    repo.stage();
    const { code, report } = await stagedJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.file)).toEqual(['src/real.ts']);
  });

  test('a keyscan:allow comment lets a line through', async () => {
    const repo = tempRepo({ 'test/fixture.ts': `const k = "${KEY}"; // keyscan:allow\n` }, { stage: true });
    const { code } = await stagedJson(repo.root);
    expect(code).toBe(0);
  });

  test('the text report of a blocked commit says how to fix, allow and bypass', async () => {
    const repo = tempRepo({ 'app.ts': `const key = "${KEY}";\n` }, { stage: true });
    const run = await staged(repo.root);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('app.ts');
    expect(run.stdout).toContain('1:14');
    expect(run.stdout).toContain('blocked');
    expect(run.stdout).toContain('keyscan:allow');
    expect(run.stdout).toContain('git commit --no-verify');
    expect(run.stdout).toContain('read it with process.env.OPENAI_API_KEY');
    expect(run.stdout).toContain('git restore --staged <file>');
    expect(run.stdout).toMatch(/1 finding/);
    expectNoKeyIn(run);
  });

  test('outside a git repository it exits 2 with one line on stderr', async () => {
    const dir = tempTree({ 'a.env': `OPENAI_API_KEY=${KEY}\n` });
    const run = await staged(dir, [], { GIT_CEILING_DIRECTORIES: tmpdir() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^keyscan: not a git repository/);
    expectNoKeyIn(run);
  });

  test('takes no paths', async () => {
    const repo = tempRepo();
    const run = await staged(repo.root, ['src']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
