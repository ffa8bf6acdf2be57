import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// A repository's .gitattributes can make git print "Binary files differ" for any file; keyscan
// asks git for text and applies its own binary test, so only real binaries are skipped.

const KEY = fakeOpenAiProjectKey(1201);

interface Report {
  findings: { kind: string; file: string; line: number }[];
  stats: { skipped: number; skippedReasons: Record<string, number> };
}

type Mode = 'staged' | 'git' | 'ci';

/** main holds the .gitattributes; the change under test is staged (staged) or committed on a branch (git, ci). */
async function scanChange(mode: Mode, attributes: string, files: Record<string, string | Buffer>, config: [string, string][] = []): Promise<{ code: number | null; report: Report; stderr: string }> {
  const repo: GitRepo = tempRepo({ '.gitattributes': attributes, 'README.md': '# app\n' }, { commit: 'attributes' });
  const base = repo.head();
  for (const [key, value] of config) repo.git(['config', key, value]);
  repo.write(files);
  if (mode === 'staged') repo.stage();
  else repo.commit('change', { noVerify: true });
  const work = tempTree();
  const event = join(work, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: repo.head() } } }));
  const args = mode === 'git' ? ['git', `${base}..HEAD`] : [mode];
  const env = mode === 'ci' ? cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: event }) : cliEnv();
  const run = await runBuiltCli([...args, '--format', 'json'], { cwd: repo.root, env });
  expect(run.stdout + run.stderr).not.toContain(KEY);
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
}

const secretFiles = (report: Report): string[] => report.findings.filter((f) => f.kind === 'secret').map((f) => f.file).sort();

describe.each(['staged', 'git', 'ci'] as const)('keyscan %s', (mode) => {
  test.each([
    ['* -diff', 'config/app.json'],
    ['*.json -diff', 'config/app.json'],
    ['*.txt diff=foo (diff.foo.binary=true in .git/config)', 'notes.txt'],
    ['* binary', 'notes.txt'],
  ])('a key in a file under `%s` is found', async (attributes, file) => {
    const config: [string, string][] = attributes.includes('diff=foo') ? [['diff.foo.binary', 'true']] : [];
    const { code, report } = await scanChange(mode, `${attributes.replace(/ \(.*/, '')}\n`, { [file]: `{\n  "openai": "${KEY}"\n}\n` }, config);
    expect(code).toBe(1);
    expect(secretFiles(report)).toEqual([file]);
    expect(report.findings.find((f) => f.kind === 'secret')?.line).toBe(2);
  });

  test('a real binary (a NUL in its first 8 KiB) is still skipped, and counted as skipped', async () => {
    const binary = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.from(`\nOPENAI_API_KEY=${KEY}\n`)]);
    const { code, report } = await scanChange(mode, '', { 'logo.png': binary, 'app.ts': 'export const x = 1;\n' });
    expect(code).toBe(0);
    expect(secretFiles(report)).toEqual([]);
    expect(report.stats.skippedReasons).toEqual({ binary: 1 });
  });
});
