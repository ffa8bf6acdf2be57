// [extend] path: a cycle is a config error (it was a stack overflow), and a repository's config may
// only extend files inside the repository; a --config the user names may extend anything.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

const KEY = fakeGithubToken(31);
const extend = (path: string, extra = ''): string => `[extend]\npath = "${path}"\n${extra}`;
/** Disables the rule that finds KEY: whether the scan reports it tells whether the extended file was read. */
const DISABLE_GITHUB = '[extend]\ndisabledRules = ["github-pat"]\n';

describe('[extend] cycles are a config error', () => {
  test.each([
    ['a config that extends itself', { 'keyscan.toml': extend('keyscan.toml') }],
    ['two configs that extend each other', { 'keyscan.toml': extend('conf/b.toml'), 'conf/b.toml': extend('../keyscan.toml') }],
    ['a longer loop', { 'keyscan.toml': extend('a.toml'), 'a.toml': extend('b.toml'), 'b.toml': extend('a.toml') }],
  ])('%s', async (_name, files) => {
    const root = tempTree({ ...files, 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.'], { cwd: root, timeoutMs: 20_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^keyscan: keyscan\.toml.*: \[extend\] path makes a cycle/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('call stack');
  });

  test('a cycle in a --config the user names is refused as well', async () => {
    const cfg = tempTree({ 'a.toml': extend('b.toml'), 'b.toml': extend('a.toml') });
    const root = tempTree({ 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.', '--config', join(cfg, 'a.toml')], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('makes a cycle');
  });

  test('the same file extended twice along one chain without a loop is not a cycle', async () => {
    const root = tempTree({ 'keyscan.toml': extend('mid.toml'), 'mid.toml': extend('base.toml'), 'base.toml': DISABLE_GITHUB, 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe("a repository's config cannot extend files outside the repository", () => {
  const outside = (): string => join(tempTree({ 'outside.toml': DISABLE_GITHUB }), 'outside.toml');

  test.each([
    ['a relative path that climbs out', (o: string) => ({ 'keyscan.toml': extend(`../../../../../../../../..${o}`) })],
    ['an absolute path', (o: string) => ({ 'keyscan.toml': extend(o) })],
    ['a gitleaks config', (o: string) => ({ '.gitleaks.toml': extend(o, 'useDefault = true\n') })],
  ])('%s: refused, exit 2', async (_name, make) => {
    const repo = tempRepo(make(outside()));
    repo.write({ 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.'], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("may only extend files inside the repository");
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a symlink inside the repository that points outside is refused too; so is a config that is such a link', async () => {
    const o = outside();
    const repo = tempRepo({ 'app.ts': `const k = "${KEY}";\n`, 'keyscan.toml': extend('shared.toml') });
    symlinkSync(o, join(repo.root, 'shared.toml'));
    const run = await runBuiltCli(['.'], { cwd: repo.root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('may only extend files inside the repository');

    const other = tempRepo({ 'app.ts': `const k = "${KEY}";\n` });
    symlinkSync(o, join(other.root, '.keyscan.toml'));
    const linked = await runBuiltCli(['.'], { cwd: other.root });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('inside the repository');
  });

  test('keyscan staged and keyscan git refuse it as well', async () => {
    const repo = tempRepo({ 'keyscan.toml': extend(outside()) }, { commit: 'config' });
    repo.write({ 'app.ts': `const k = "${KEY}";\n` });
    repo.stage();
    for (const args of [['staged'], ['git']]) {
      const run = await runBuiltCli(args, { cwd: repo.root, env: cliEnv() });
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toContain('may only extend files inside the repository');
    }
  });

  test('inside the repository, [extend] path works', async () => {
    const repo = tempRepo({ 'keyscan.toml': extend('config/base.toml'), 'config/base.toml': DISABLE_GITHUB, 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.'], { cwd: repo.root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  test('a --config the user names may extend a file anywhere', async () => {
    const o = outside();
    const cfg = tempTree({ 'mine.toml': extend(o) });
    const root = tempTree({ 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.', '--config', join(cfg, 'mine.toml')], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});

describe('a config is a small regular file', () => {
  test('a FIFO named keyscan.toml (or extended) does not block the scan', async () => {
    const root = tempTree({ 'app.ts': `const k = "${KEY}";\n` });
    execFileSync('mkfifo', [join(root, 'keyscan.toml')]);
    const run = await runBuiltCli(['.'], { cwd: root, timeoutMs: 20_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('keyscan: keyscan.toml: a config must be a regular file\n');

    const other = tempTree({ 'keyscan.toml': extend('pipe.toml'), 'app.ts': `const k = "${KEY}";\n` });
    execFileSync('mkfifo', [join(other, 'pipe.toml')]);
    const extended = await runBuiltCli(['.'], { cwd: other, timeoutMs: 20_000 });
    expect(extended.code).toBe(2);
    expect(extended.stderr).toContain('a config must be a regular file');
  });

  test('a config of more than 1 MiB is refused before it is read', async () => {
    const root = tempTree({ 'app.ts': `const k = "${KEY}";\n` });
    writeFileSync(join(root, 'keyscan.toml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^keyscan: keyscan\.toml: a config may be at most 1 MiB/);
  });
});
