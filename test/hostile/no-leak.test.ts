// One exhaustive check that keyscan never prints a key: real-shaped keys of several formats, in
// files, a commit message, a URL and a PEM, through every mode, every format and --report files.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from '../helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';
import { fakeKey } from '../helpers/validator-keys.js';

const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'junit', 'html'] as const;

const PEM = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
// each key with how much of its start is a public prefix (sk-proj-, ghp_…): the rest must never show
const KEYS = {
  openai: { value: fakeOpenAiProjectKey(101), prefix: 8 },
  github: { value: fakeGithubToken(102), prefix: 4 },
  aws: { value: fakeKey('aws-access-key-id', 103), prefix: 4 },
  awsSecret: { value: fakeKey('aws-secret-access-key', 103), prefix: 0 },
  google: { value: fakeKey('google-api-key', 104), prefix: 4 },
  stripe: { value: fakeKey('stripe-secret-key', 105), prefix: 8 },
  slack: { value: fakeKey('slack-bot-token', 106), prefix: 5 },
  anthropic: { value: fakeKey('anthropic-api-key', 107), prefix: 14 },
};

/** Every 12-character window of each key's secret part, and of each line of the PEM's body. */
function windows(): string[] {
  const parts = Object.values(KEYS).map((k) => k.value.slice(k.prefix));
  parts.push(...PEM.split('\n').filter((l) => l !== '' && !l.startsWith('-----')));
  const out = new Set<string>();
  for (const p of parts) for (let i = 0; i + 12 <= p.length; i++) out.add(p.slice(i, i + 12));
  return [...out];
}
const WINDOWS = windows();

function leaks(text: string): string[] {
  return WINDOWS.filter((w) => text.includes(w)).slice(0, 3);
}

const FILES = {
  'src/config.ts': `export const openai = "${KEYS.openai.value}";\nexport const anthropic = "${KEYS.anthropic.value}";\n`,
  'deploy/aws.ini': `[default]\naws_access_key_id = ${KEYS.aws.value}\naws_secret_access_key = ${KEYS.awsSecret.value}\n`,
  'deploy/server.pem': PEM,
  // the query parameter is built from pieces: this file itself must hold no key-in-URL pattern
  'src/maps.js': `fetch("https://maps.googleapis.com/maps/api/geocode/json?address=x&${'ke'}y=${KEYS.google.value}");\n`,
  'billing/stripe.py': `stripe.api_key = "${KEYS.stripe.value}"\n`,
};

let repo: GitRepo;
let base: string;
let work: string;

beforeAll(async () => {
  repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
  base = repo.head();
  repo.git(['checkout', '-q', '-b', 'feature']);
  repo.commitFiles(FILES, `Add deploy files\n\ntemporary token ${KEYS.github.value} and ${KEYS.slack.value}`, { noVerify: true });
  // a staged change for keyscan staged: the same kinds of key again, in a new file
  repo.write({ 'staged.env': `GITHUB_TOKEN=${KEYS.github.value}\nSLACK_BOT_TOKEN=${KEYS.slack.value}\n` });
  repo.stage('staged.env');
  work = tempTree();
  writeFileSync(join(work, 'summary.md'), '');
  // an organisation scan of this repository, for the org merge modes
  writeFileSync(join(work, 'list.txt'), `file://${repo.root}\n`);
  await runBuiltCli(['org', 'plan', '--list', join(work, 'list.txt'), '-o', join(work, 'plan.json')], { cwd: work, env: cliEnv() });
  const scanned = await runBuiltCli(['org', 'scan', '--plan', join(work, 'plan.json'), '--shard', '0', '--out', join(work, 'org-reports')], { cwd: work, env: cliEnv() });
  if (scanned.code !== 0) throw new Error(`org scan failed: ${scanned.stderr}`);
  writeFileSync(join(work, 'event.json'), JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: repo.head() } } }));
}, 60_000);

interface Mode {
  readonly args: readonly string[];
  readonly input?: string;
  readonly env?: Record<string, string>;
  /** Whether it reports findings in the chosen format (config --print and rules print their own shape). */
  readonly takesFormat: boolean;
}

const MODES: Record<string, Mode> = {
  tree: { args: ['.'], takesFormat: true },
  file: { args: ['src/config.ts', 'deploy/server.pem'], takesFormat: true },
  stdin: { args: ['-'], input: `${FILES['src/config.ts']}${FILES['deploy/aws.ini']}${PEM}`, takesFormat: true },
  staged: { args: ['staged'], takesFormat: true },
  git: { args: ['git'], takesFormat: true },
  'git --debug': { args: ['git', '--debug'], takesFormat: true },
  ci: { args: ['ci'], takesFormat: true, env: { GITHUB_ACTIONS: 'true', CI: 'true' } },
  'validate (unreachable)': {
    args: ['.', '--validate', '--validate-timeout', '1', ...['openai', 'github', 'google', 'stripe', 'slack', 'anthropic', 'aws'].flatMap((p) => ['--validate-endpoint', `${p}=http://127.0.0.1:9`])],
    takesFormat: true,
  },
  'agent-hook (Claude Code, a Write of a file with keys)': {
    args: ['agent-hook', '--agent', 'claude-code'],
    input: JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: 'src/config.ts', content: `${FILES['src/config.ts']}${PEM}` } }),
    takesFormat: false,
  },
  'agent-hook (Claude Code, a prompt with keys)': {
    args: ['agent-hook', '--agent', 'claude-code'],
    input: JSON.stringify({ session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: `use ${KEYS.github.value} and ${KEYS.stripe.value}` }),
    takesFormat: false,
  },
  'org merge of a shard report (html)': { args: ['org', 'merge', '@WORK/org-reports', '-f', 'html'], takesFormat: false },
  'org merge of a shard report (sarif, markdown)': { args: ['org', 'merge', '@WORK/org-reports', '-f', 'sarif', '--report', 'markdown=@WORK/org.md'], takesFormat: false },
  'config --print': { args: ['config', '--print'], takesFormat: false },
  rules: { args: ['rules', '--format', 'json'], takesFormat: false },
  'error: a key as a path': { args: [KEYS.openai.value], takesFormat: false },
  'error: a key as a revision': { args: ['git', `${KEYS.github.value}..HEAD`, '--debug'], takesFormat: false },
  'error: a key in a bad config': { args: ['.', '--config', 'bad.toml'], takesFormat: false },
};

function envFor(mode: Mode): Record<string, string | undefined> {
  const ci = mode.env?.['GITHUB_ACTIONS'] === 'true' ? { GITHUB_EVENT_PATH: join(work, 'event.json'), GITHUB_STEP_SUMMARY: join(work, 'summary.md') } : {};
  return cliEnv({ ...mode.env, ...ci });
}

describe('no key is ever printed without --show-secrets', () => {
  test.each(Object.entries(MODES))('%s, in every format and --report file', async (name, mode) => {
    writeFileSync(join(repo.root, 'bad.toml'), `[[rules]]\nid = "x"\nregex = "${KEYS.stripe.value}("\n`);
    const formats = mode.takesFormat ? FORMATS : (['text'] as const);
    const outputs: string[] = [];
    for (const format of formats) {
      const reportDir = tempTree();
      const reports = mode.takesFormat ? FORMATS.flatMap((f) => ['--report', `${f}=${join(reportDir, `report.${f}`)}`]) : [];
      const args = (mode.takesFormat ? [...mode.args, '--format', format, ...reports] : [...mode.args]).map((a) => a.replace('@WORK', work));
      const run: CliRun = await runBuiltCli(args, { cwd: repo.root, env: envFor(mode), input: mode.input ?? '' });
      expect(run.code, `${name} ${format}: ${run.stderr}`).not.toBeNull();
      // a mode that reports findings must really run (exit 1), not fail on its arguments (exit 2)
      if (mode.takesFormat && !name.startsWith('validate')) expect(run.code, `${name} ${format}: ${run.stderr}`).toBe(1);
      outputs.push(run.stdout, run.stderr);
      for (const file of readdirSync(reportDir)) outputs.push(readFileSync(join(reportDir, file), 'utf8'));
    }
    if (mode.env?.['GITHUB_ACTIONS'] === 'true') outputs.push(readFileSync(join(work, 'summary.md'), 'utf8'));
    for (const extra of ['org.md']) if (existsSync(join(work, extra))) outputs.push(readFileSync(join(work, extra), 'utf8'));
    const all = outputs.join('\n');
    expect(leaks(all), name).toEqual([]);
  }, 120_000);

  test('the modes above do find the keys (the check is not vacuous)', async () => {
    const run = await runBuiltCli(['git', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; file: string }[] };
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['openai-project-key', 'anthropic-api-key', 'aws-access-key-id', 'google-api-key', 'stripe-secret-key', 'slack-bot-token'])
      expect(rules, id).toContain(id);
    expect(report.findings.some((f) => f.file === '(commit message)')).toBe(true);
    expect(report.findings.some((f) => f.file === 'deploy/server.pem')).toBe(true);
    const agent = MODES['agent-hook (Claude Code, a Write of a file with keys)']!;
    const denied = await runBuiltCli(agent.args, { cwd: repo.root, env: cliEnv(), input: agent.input ?? '' });
    expect(denied.stdout).toContain('"permissionDecision":"deny"');
    const merged = await runBuiltCli(['org', 'merge', join(work, 'org-reports')], { cwd: repo.root, env: cliEnv() });
    expect((JSON.parse(merged.stdout) as { totals: { findings: number } }).totals.findings).toBeGreaterThan(5);
    // and --show-secrets does show them: the windows are the right ones
    const shown = await runBuiltCli(['git', '--show-secrets'], { cwd: repo.root, env: cliEnv() });
    expect(shown.stdout).toContain(KEYS.openai.value);
  });

  test('keyscan baseline writes no key, to its file or its output', async () => {
    const out = join(tempTree(), 'baseline.json');
    const run = await runBuiltCli(['baseline', '-o', out], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(0);
    expect(leaks(run.stdout + run.stderr + readFileSync(out, 'utf8'))).toEqual([]);
    const history = await runBuiltCli(['baseline', `${base}..HEAD`, '-o', out], { cwd: repo.root, env: cliEnv() });
    expect(history.code).toBe(0);
    expect(leaks(history.stdout + history.stderr + readFileSync(out, 'utf8'))).toEqual([]);
  });
});
