import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { github } from '../src/report/github.js';
import { markdown } from '../src/report/markdown.js';
import type { ReportOptions } from '../src/report/options.js';
import { redact } from '../src/report/redact.js';
import { text } from '../src/report/text.js';
import { Secret } from '../src/secret.js';
import type { Finding, ScanResult } from '../src/types.js';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { fakeAwsKeyId, fakeGithubToken, fakeOpenAiProjectKey, randomBody } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const OPENAI_KEY = fakeOpenAiProjectKey(51);
const GITHUB_TOKEN = fakeGithubToken(52);
const AWS_KEY_ID = fakeAwsKeyId(53);
const DB_PASSWORD = randomBody(18, 'b62', 54);
/** A PEM block built at run time: no private-key-shaped text in the repository. */
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...Array.from({ length: 25 }, (_, i) => `${i === 0 ? 'MIIE' : ''}${randomBody(i === 0 ? 60 : 64, 'b62', 60 + i)}`), `${randomBody(24, 'b62', 99)}==`, '-----END RSA PRIVATE KEY-----'].join('\n');

/** The summary's duration changes run to run; the rest of a report does not. */
function stable(report: string): string {
  return report.replace(/scanned in \d+\.\d+ s/, 'scanned in T s');
}

function expectNoKeyIn(out: string): void {
  for (const key of [OPENAI_KEY, GITHUB_TOKEN, AWS_KEY_ID, DB_PASSWORD]) expect(out).not.toContain(key.slice(4, -2));
  expect(out).not.toContain(PEM.split('\n')[3]!);
}

const SEVERAL = {
  'src/config.ts': `export const openai = "${OPENAI_KEY}";\nexport const gh = "${GITHUB_TOKEN}";\n`,
  'deploy/settings.py': `AWS_ACCESS_KEY_ID = "${AWS_KEY_ID}"\nDATABASE_URL = "postgres://app:${DB_PASSWORD}@db.internal:5432/app"\n`,
  'keys/id_rsa': `${PEM}\n`,
};

describe('the text report', () => {
  test('several findings: one line each, grouped by file, each fix once under "How to fix"', async () => {
    const root = tempTree(SEVERAL);
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(1);
    expectNoKeyIn(run.stdout + run.stderr);
    await expect(stable(run.stdout)).toMatchFileSnapshot('./__snapshots__/text-report/several.txt');
    // the PEM keeps its header and length; the URL its scheme, user and host
    expect(run.stdout).toContain(`-----BEGIN RSA PRIVATE KEY----- (${PEM.length.toLocaleString('en-US')} chars)`);
    expect(run.stdout).toContain('postgres://app:****@db.internal');
    // every format shows the URL so
    for (const format of ['json', 'sarif', 'github', 'markdown', 'junit']) {
      const other = await runBuiltCli(['.', '--format', format], { cwd: root });
      expect(other.stdout, format).toContain('postgres://app:****@db.internal');
      expectNoKeyIn(other.stdout);
    }
    expect(run.stdout.match(/How to fix/g)).toHaveLength(1);
  });

  test('many findings: each line once, the fix once, not once per finding', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`services/svc-${String(i).padStart(2, '0')}/token.txt`] = `token=${fakeGithubToken(100 + i)}\n`;
    const root = tempTree(files);
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(1);
    await expect(stable(run.stdout)).toMatchFileSnapshot('./__snapshots__/text-report/many.txt');
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => /^services\/svc-\d\d\/token\.txt:1:7 {2}CRITICAL/.test(l))).toHaveLength(40);
    const remediation = lines.find((l) => l.startsWith('  github-'))!;
    expect(run.stdout.split(remediation.trim().slice(30)).length - 1).toBe(1);
  });

  test('a baseline that hides everything: nothing in the report says ✗', async () => {
    const repo = tempRepo(SEVERAL, { commit: 'initial' });
    const env = cliEnv();
    expect((await runBuiltCli(['baseline'], { cwd: repo.root, env })).code).toBe(0);
    const run = await runBuiltCli(['.', '--baseline', '.keyscan-baseline.json'], { cwd: repo.root, env });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('✗');
    await expect(stable(run.stdout)).toMatchFileSnapshot('./__snapshots__/text-report/baseline-hides-all.txt');
  });

  test('--verbose restores each finding\'s rule, fix and practice notes under it', async () => {
    const param = ['api', 'key'].join('_'); // built here: this file itself must scan clean
    const root = tempTree({ 'src/a.ts': `fetch("https://api.example.test/v1?${param}=${OPENAI_KEY}");\n`, 'src/b.ts': `const k = "${OPENAI_KEY}";\n` });
    const plain = await runBuiltCli(['.'], { cwd: root });
    const verbose = await runBuiltCli(['.', '--verbose'], { cwd: root });
    expect(plain.stdout).toContain('How to fix');
    expect(verbose.stdout).not.toContain('How to fix');
    const rule = /openai-project-key · /g;
    expect(plain.stdout.match(rule)).toBeNull();
    expect(verbose.stdout.match(rule)).toHaveLength(2);
    expect(verbose.stdout).toMatch(/✗ key-in-url/);
  });
});

const OPTS: ReportOptions = { showSecrets: false, color: false, displayRoot: '', version: '9.9.9' };

function finding(path: string, title = 'OpenAI project API key'): Finding {
  return {
    kind: 'secret',
    ruleId: 'openai-project-key',
    title,
    provider: 'openai',
    severity: 'critical',
    remediation: 'Revoke the key, then read it from OPENAI_API_KEY.',
    secret: new Secret(OPENAI_KEY),
    origin: { kind: 'file', path },
    at: { line: 12, column: 7, endLine: 12, endColumn: 7 + OPENAI_KEY.length },
    fingerprint: `openai-project-key:${path}:0123456789abcdef`,
    practices: [],
  };
}

function resultOf(findings: Finding[]): ScanResult {
  return { mode: 'files', findings, stats: { files: 1, bytes: 10, skipped: 0, durationMs: 1 }, skipped: [], warnings: [], practices: [] };
}

describe('redaction that still identifies the key', () => {
  test('a URL keeps scheme, user and host; a PEM its header and length; others 4 + 2 characters', () => {
    const opts = { showSecrets: false };
    expect(redact(new Secret(`postgres://app:${DB_PASSWORD}@db.internal:5432/app`), opts)).toBe('postgres://app:****@db.internal');
    expect(redact(new Secret(PEM), opts)).toBe(`-----BEGIN RSA PRIVATE KEY----- (${PEM.length.toLocaleString('en-US')} chars)`);
    expect(redact(new Secret(OPENAI_KEY), opts)).toBe(`${OPENAI_KEY.slice(0, 4)}********${OPENAI_KEY.slice(-2)}`);
    expect(redact(new Secret('short'), opts)).toBe('*****');
    expect(redact(new Secret(PEM), { showSecrets: true })).toBe(PEM);
  });
});

describe('long lines on a terminal', () => {
  test('each finding line fits the width: the title gives way, then the path, keeping the file name', () => {
    const long = `${'very/deep/'.repeat(8)}config.ts`;
    const out = text(resultOf([finding(long, 'An unusually long rule title that goes on and on'), finding('a.ts')]), { ...OPTS, width: 80 });
    const lines = out.split('\n').filter((l) => /CRITICAL/.test(l));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(80);
    expect(lines[0]).toMatch(/…/);
    expect(lines[0]).toContain('config.ts:12:7');
    // the fixes under "How to fix" wrap to the width too
    const wordy: Finding = { ...finding('a.ts'), remediation: 'Revoke the key at the provider and load it from the environment. '.repeat(4) };
    for (const line of text(resultOf([wordy]), { ...OPTS, width: 80 }).split('\n')) expect(line.length).toBeLessThan(80);
    // with no width (a pipe, a file) nothing is cut
    expect(text(resultOf([finding(long)]), OPTS)).toContain(long);
    expect(text(resultOf([wordy]), OPTS)).toContain(wordy.remediation.trim());
  });
});

describe('file names that could fake terminal output', () => {
  const hostile = 'evil\n✓ No secrets found\u001b[2K\u001b[1A\r.ts';

  test('are printed escaped in the text, GitHub and Markdown reports; JSON keeps the real name', async () => {
    const root = tempTree({ [hostile]: `const k = "${OPENAI_KEY}";\n` });
    const textRun = await runBuiltCli(['.'], { cwd: root });
    expect(textRun.code).toBe(1);
    expect(textRun.stdout).toContain('evil\\n✓ No secrets found\\x1b[2K\\x1b[1A\\r.ts:1:12');
    expect(textRun.stdout).not.toMatch(/\u001b|\r/);
    expect(textRun.stdout.split('\n').some((l) => l.startsWith('✓ No secrets found'))).toBe(false);
    const jsonRun = await runBuiltCli(['.', '--format', 'json'], { cwd: root });
    expect((JSON.parse(jsonRun.stdout) as { findings: { file: string }[] }).findings[0]!.file).toBe(hostile);
    const md = await runBuiltCli(['.', '--format', 'markdown'], { cwd: root });
    expect(md.stdout).not.toMatch(/\u001b|\r/);
    expect(md.stdout).toContain('\\x1b[2K');
  });

  test('commit messages and evidence are escaped too; the github annotation keeps the real file for GitHub to find', () => {
    const f: Finding = { ...finding(hostile), origin: { kind: 'commit', path: hostile, commit: 'a'.repeat(40), author: 'M\u001b[31allory', email: 'm@example.test', date: '2024-01-02T03:04:05Z', message: 'fix\u001b]0;pwned\u0007' } };
    for (const out of [text(resultOf([f]), { ...OPTS, verbose: true }), markdown(resultOf([f]), OPTS)]) expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const annotation = github(resultOf([f]), OPTS);
    expect(annotation.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
    expect(annotation).toContain('file=evil%0A');
  });
});

describe('a closed pipe (keyscan | head)', () => {
  test('ends quietly with the scan\'s exit code, never a stack trace', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `token_${i} = "${fakeGithubToken(1000 + i)}"`).join('\n');
    const root = tempTree({ 'tokens.py': `${lines}\n` });
    const { code, stderr, received } = await new Promise<{ code: number | null; stderr: string; received: number }>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, '.', '--threads', '0'], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      let got = 0;
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      // the reader takes one chunk and goes away, as head does
      child.stdout.once('data', (d: Buffer) => {
        got = d.length;
        child.stdout.destroy();
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err, received: got }));
    });
    expect(received).toBeGreaterThan(0);
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});
