import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(41);

/** A usage error: exit 2, one line on stderr, nothing on stdout, no stack. */
function expectUsageError(run: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent('a CLI that answers every mistake', () => {
  test('keyscan <command> --help prints that command\'s help and only its options', async () => {
    const root = tempTree();
    const staged = await runBuiltCli(['staged', '--help'], { cwd: root });
    expect(staged.code).toBe(0);
    expect(staged.stdout).toMatch(/^Usage: keyscan staged/);
    expect(staged.stdout).toContain('--fail-on');
    expect(staged.stdout).not.toContain('--since');
    const git = await runBuiltCli(['git', '-h'], { cwd: root });
    expect(git.stdout).toMatch(/^Usage: keyscan git/);
    expect(git.stdout).toContain('--since <date>');
    const install = await runBuiltCli(['help', 'install'], { cwd: root });
    expect(install.stdout).toMatch(/^Usage: keyscan install/);
    expect(install.stdout).toContain('--uninstall');
    expect(install.stdout).not.toContain('--format');
    // help wins over the flags' own checks
    expect((await runBuiltCli(['git', '--help', '--since', 'garbage'], { cwd: root })).code).toBe(0);
    const all = await runBuiltCli(['--help'], { cwd: root });
    expect(all.stdout).toMatch(/^Usage: keyscan \[scan\]/);
  });

  test('a typo of a command says "did you mean", exit 2, rather than "no such file"', async () => {
    const root = tempTree();
    expectUsageError(await runBuiltCli(['stagged'], { cwd: root }), /unknown command "stagged": did you mean `staged`\?/);
    expectUsageError(await runBuiltCli(['gti', '--format', 'json'], { cwd: root }), /did you mean `git`\?/);
    expectUsageError(await runBuiltCli(['help', 'instal'], { cwd: root }), /did you mean `install`\?/);
    // a word far from any command stays a path
    expectUsageError(await runBuiltCli(['nothing-here'], { cwd: root }), /no such file or directory: nothing-here/);
  });

  test('a path that happens to look like a typo is scanned', async () => {
    const root = tempTree({ 'stagged/app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['stagged', '--format', 'json'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
  });

  test('--format and --fail-on values are case-insensitive; --report too', async () => {
    const root = tempTree({ 'app.ts': `const k = "${KEY}";\n` });
    const run = await runBuiltCli(['.', '--format', 'JSON', '--fail-on', 'HIGH', '--report', 'SARIF=out.sarif'], { cwd: root });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ tool: 'keyscan' });
    const none = await runBuiltCli(['.', '--format', 'Text', '--fail-on', 'None'], { cwd: root });
    expect(none.code).toBe(0);
    expectUsageError(await runBuiltCli(['.', '--format', 'yaml'], { cwd: root }), /unknown format "yaml" for --format/);
    expectUsageError(await runBuiltCli(['.', '--fail-on', 'severe'], { cwd: root }), /--fail-on takes .*not "severe"/);
  });

  test('--since garbage is an error, never a scan of nothing that exits 0; git\'s date forms pass', async () => {
    const repo = tempRepo({ 'a.txt': 'clean\n' }, { commit: 'initial' });
    const env = cliEnv();
    expectUsageError(await runBuiltCli(['git', '--since', 'garbage'], { cwd: repo.root, env }), /--since takes a date .* not "garbage"/);
    expectUsageError(await runBuiltCli(['git', '--since', '2024-13-45'], { cwd: repo.root, env }), /--since takes a date/);
    for (const since of ['2 weeks ago', '3.days.ago', 'yesterday', '2024-01-31', '2024-01-31T12:00:00Z', '1 year'])
      expect((await runBuiltCli(['git', '--since', since], { cwd: repo.root, env })).code, since).toBe(0);
  });

  test('--threads -1 is a clear error, with or without =', async () => {
    const root = tempTree();
    expectUsageError(await runBuiltCli(['.', '--threads', '-1'], { cwd: root }), /--threads takes a whole number from 0 to 64, not "-1"/);
    expectUsageError(await runBuiltCli(['.', '--threads=-1'], { cwd: root }), /--threads takes a whole number from 0 to 64, not "-1"/);
    expectUsageError(await runBuiltCli(['git', '--max-commits', '-3'], { cwd: root }), /--max-commits takes a whole number from 1, not "-3"/);
  });

  test('an unknown provider in --validate-endpoint is an error; so is the flag without --validate', async () => {
    const root = tempTree({ 'a.txt': 'clean\n' });
    expectUsageError(await runBuiltCli(['.', '--validate', '--validate-endpoint', 'opnai=http://127.0.0.1:9'], { cwd: root }), /unknown provider "opnai" in --validate-endpoint: use one of .*openai/);
    expectUsageError(await runBuiltCli(['.', '--validate-endpoint', 'openai=http://127.0.0.1:9'], { cwd: root }), /--validate-endpoint needs --validate/);
  });

  test('files skipped inside node_modules are counted in the stats, one entry per directory', async () => {
    const root = tempTree({ 'app.ts': 'export {};\n', 'node_modules/pkg/index.js': `k="${KEY}"\n`, 'web/node_modules/x/y.js': `k="${KEY}"\n` });
    mkdirSync(join(root, 'web', 'src'), { recursive: true });
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { stats: { skipped: number; skippedReasons: Record<string, number> } };
    expect(report.stats).toMatchObject({ skipped: 2, skippedReasons: { dependencies: 2 } });
    const text = await runBuiltCli(['.'], { cwd: root });
    expect(text.stdout).toMatch(/2 skipped \(2 dependencies\)/);
  });
});
