import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(71);
const OTHER = fakeGithubToken(72);
const FORMATS = ['text', 'json', 'sarif', 'github', 'junit', 'markdown'] as const;

/** A history whose second commit has a key in its subject and another in its body, and a key in a file. */
function repoWithKeyInMessage() {
  const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
  const base = repo.head();
  const leak = repo.commitFiles({ 'notes.txt': 'a note\n' }, `Use ${KEY} for now\n\nThe token is ${OTHER}, do not share`, { noVerify: true });
  // a later commit adds the same key to a file: its subject is clean, the file finding is reported
  repo.commitFiles({ 'app.env': `OPENAI_API_KEY=${KEY}\n` }, 'Add the env file', { noVerify: true });
  return { repo, base, leak };
}

describe('a key in a commit message', () => {
  test('is a finding at the commit, in the message, in every format, and never printed in clear', async () => {
    const { repo, leak } = repoWithKeyInMessage();
    const json = await runBuiltCli(['git', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { findings: { ruleId: string; file: string; line: number; commit?: string; message?: string }[] };
    const inMessage = report.findings.filter((f) => f.file === '(commit message)');
    expect(inMessage.map((f) => [f.ruleId, f.line, f.commit])).toEqual([
      ['openai-project-key', 1, leak],
      [expect.stringMatching(/^github-/), 3, leak],
    ]);
    // the subject shown with every finding of that commit has the key masked
    expect(inMessage[0]!.message).toMatch(/^Use sk-p\*{8}.. for now$/);
    expect(report.findings.some((f) => f.file === 'app.env')).toBe(true);
    for (const format of FORMATS) {
      const run = await runBuiltCli(['git', '--format', format], { cwd: repo.root, env: cliEnv() });
      expect(run.code, format).toBe(1);
      const out = run.stdout + run.stderr;
      expect(out, format).not.toContain(KEY.slice(8, 40));
      expect(out, format).not.toContain(OTHER.slice(4, 30));
    }
  });

  test('keyscan ci reports it in a pull request, with the subject masked in annotations and the summary', async () => {
    const { repo, base } = repoWithKeyInMessage();
    const work = tempTree();
    const eventPath = join(work, 'event.json');
    const summary = join(work, 'summary.md');
    writeFileSync(eventPath, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: repo.head() } } }));
    writeFileSync(summary, '');
    const run = await runBuiltCli(['ci'], { cwd: repo.root, env: cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: eventPath, GITHUB_STEP_SUMMARY: summary }) });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('file=(commit message)');
    const everything = run.stdout + run.stderr + readFileSync(summary, 'utf8');
    expect(everything).not.toContain(KEY.slice(8, 40));
    expect(everything).not.toContain(OTHER.slice(4, 30));
  });

  test('a message that only looks like a commit header cannot end the message early or fake a commit', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    // lines a parser might take for the end of the message or a patch
    repo.commitFiles({ 'a.txt': 'x\n' }, `subject\n\nend deadbeef\ndiff --git a/x b/x\n+++ b/x\n@@ -0,0 +1 @@\n+${KEY}`, { noVerify: true });
    const run = await runBuiltCli(['git', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    const report = JSON.parse(run.stdout) as { findings: { file: string; line: number }[] };
    expect(report.findings.map((f) => [f.file, f.line])).toEqual([['(commit message)', 7]]);
  });
});
