import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(81);
const LEAK = { 'src/client.ts': `export const key = "${KEY}";\n` };

/** Runs keyscan ci as GitHub Actions runs it on a pull request from `base` to HEAD. */
async function ciOnPullRequest(repo: GitRepo, base: string, args: readonly string[] = []) {
  const work = tempTree();
  const eventPath = join(work, 'event.json');
  const summary = join(work, 'summary.md');
  writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: repo.head() } } }));
  writeFileSync(summary, '');
  const env = cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: eventPath, GITHUB_STEP_SUMMARY: summary });
  const run = await runBuiltCli(['ci', ...args], { cwd: repo.root, env });
  return { ...run, summary: readFileSync(summary, 'utf8') };
}

function mainBranch(files: Record<string, string> = {}) {
  const repo = tempRepo({ 'README.md': '# app\n', ...files }, { commit: 'initial' });
  return { repo, base: repo.head() };
}

// Each is what a pull request could add next to its key to get a green check.
const SILENCERS: Record<string, Record<string, string>> = {
  'a config allowlisting every path': { '.keyscan.toml': "[allowlist]\npaths = ['.*']\n" },
  'a config dropping the built-in rules': { 'keyscan.toml': '[extend]\nuseDefault = false\n' },
  'a gitleaks config with no rules': { '.gitleaks.toml': 'title = "mine"\n' },
  'a config with a 1-byte maxFileSize': { '.keyscan.toml': 'maxFileSize = 1\n' },
  'a config disabling the rule': { '.keyscan.toml': '[extend]\ndisabledRules = ["openai-project-key"]\n' },
  'a .keyscanignore with *': { '.keyscanignore': '*\n' },
  'a nested .keyscanignore': { 'src/.keyscanignore': 'client.ts\n' },
  'a .gitleaksignore naming the finding': { '.gitleaksignore': 'src/client.ts:openai-project-key:1\n' },
};

describe('a pull request cannot silence its own check', () => {
  test.each(Object.entries(SILENCERS))('%s', async (_, files) => {
    const { repo, base } = mainBranch();
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ ...LEAK, ...files }, 'add a client', { noVerify: true });
    const run = await ciOnPullRequest(repo, base, ['--format', 'json']);
    expect(run.stderr).toContain('read from the base commit');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string; ruleId: string }[] };
    expect(report.findings.map((f) => [f.file, f.ruleId])).toContainEqual(['src/client.ts', 'openai-project-key']);
    expect(run.stdout + run.stderr + run.summary).not.toContain(KEY.slice(8, 40));
  });

  test('nor by adding its key to the baseline the check reads', async () => {
    const { repo, base } = mainBranch({ '.keyscan-baseline.json': '{"tool":"keyscan","version":1,"findings":[]}\n' });
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.write(LEAK);
    // the attacker records their own key in the baseline file, as keyscan baseline would
    const recorded = await runBuiltCli(['baseline'], { cwd: repo.root, env: cliEnv() });
    expect(recorded.code).toBe(0);
    repo.commit('add a client and refresh the baseline', { noVerify: true });
    const run = await ciOnPullRequest(repo, base, ['--baseline', '.keyscan-baseline.json', '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { file: string }[] };
    expect(report.findings.map((f) => f.file)).toContain('src/client.ts');
  });

  test('a baseline that only the pull request adds is not used, and the check says so', async () => {
    const { repo, base } = mainBranch();
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.write(LEAK);
    await runBuiltCli(['baseline'], { cwd: repo.root, env: cliEnv() });
    repo.commit('add a client with a baseline', { noVerify: true });
    const run = await ciOnPullRequest(repo, base, ['--baseline', '.keyscan-baseline.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/baseline \.keyscan-baseline\.json is not in the base commit [0-9a-f]{12}/);
  });
});

describe('what the base commit suppresses is reported, and by what', () => {
  test('a .keyscanignore line on main: the finding is counted, not shown, in text, json and the summary', async () => {
    const { repo, base } = mainBranch({ '.keyscanignore': '# generated code\nvendor/\n' });
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ 'vendor/lib.js': `const k = "${KEY}";\n` }, 'vendor a library', { noVerify: true });
    const text = await ciOnPullRequest(repo, base, ['--format', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('1 suppressed: 1 by .keyscanignore line 2');
    expect(text.summary).toContain('1 suppressed: 1 by .keyscanignore line 2');
    const json = await ciOnPullRequest(repo, base, ['--format', 'json']);
    const report = JSON.parse(json.stdout) as { findings: unknown[]; stats: { suppressed: { total: number; by: Record<string, number> } } };
    expect(report.findings).toEqual([]);
    expect(report.stats.suppressed).toEqual({ total: 1, by: { '.keyscanignore line 2': 1 } });
  });

  test('baseline, .gitleaksignore and inline markers are each counted in a tree scan', async () => {
    const keys = [81, 82, 83].map((s) => fakeOpenAiProjectKey(s));
    const repo = tempRepo({ 'a.ts': `const k = "${keys[0]}";\n` }, { commit: 'initial' });
    await runBuiltCli(['baseline'], { cwd: repo.root, env: cliEnv() });
    repo.write({ 'b.ts': `const k = "${keys[1]}";\n`, 'c.ts': `const k = "${keys[2]}"; // keyscan:allow\n`, '.gitleaksignore': 'b.ts:openai-project-key:1\n' });
    const run = await runBuiltCli(['.', '--baseline', '.keyscan-baseline.json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 suppressed: 1 by inline allow marker, 1 by baseline, 1 by .gitleaksignore');
    expect(run.stdout).not.toMatch(/✗/);
  });
});
