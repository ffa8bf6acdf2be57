import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { translateGoRegex } from '../src/rules/go-regex.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey, randomBody } from './helpers/fake-keys.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(31);
const GITLEAKS_FIXTURE = new URL('../fixtures/gitleaks/.gitleaks.toml', import.meta.url).pathname;

async function ruleIds(cwd: string, args: string[] = ['.']): Promise<{ code: number | null; ids: string[]; stderr: string }> {
  const run = await runBuiltCli([...args, '--format', 'json'], { cwd });
  const ids = run.stdout ? (JSON.parse(run.stdout) as { findings: { ruleId: string; kind: string }[] }).findings.filter((f) => f.kind === 'secret').map((f) => f.ruleId) : [];
  return { code: run.code, ids, stderr: run.stderr };
}

describe('keyscan.toml', () => {
  test('disables rules, adds custom rules, applies a global allowlist and practice settings', async () => {
    const token = `acme_${randomBody(24).toLowerCase()}`;
    const root = tempTree({
      'keyscan.toml': `[extend]\ndisabledRules = ["openai-project-key"]\n\n[[rules]]\nid = "acme-token"\nregex = '''(acme_[a-z0-9]{24})'''\nkeywords = ["acme_"]\n\n[allowlist]\npaths = ['''^vendor/''']\n\n[practices]\ndisable = ["broad-scope-key"]\n`,
      'app.ts': `const a = "${token}";\nconst b = "${KEY}";\n`,
      'vendor/lib.ts': `const a = "${token}";\n`,
    });
    const { code, ids } = await ruleIds(root);
    expect(code).toBe(1);
    expect(ids).toEqual(['acme-token']);
    const printed = await runBuiltCli(['config', '--print'], { cwd: root });
    expect(JSON.parse(printed.stdout)).toMatchObject({ source: 'keyscan.toml', disabledRules: ['openai-project-key'], customRules: ['acme-token'], practices: { disable: ['broad-scope-key'] } });
  });

  test.each([
    ['an unknown key', 'colour = "red"\n', /keyscan\.toml:1: colour is not a known setting/],
    ['a wrong type', '[practices]\nmaxKeyAge = "soon"\n', /keyscan\.toml:2: practices\.maxKeyAge must be a number of days/],
    ['an invalid regex', "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\nkeywords = [\"abc\"]\n", /keyscan\.toml: rule x: regex: invalid regex/],
    ['invalid TOML', '[[rules]\n', /keyscan\.toml:1:\d+: invalid TOML/],
    ['an unknown practice', '[practices]\ndisable = ["tidy-code"]\n', /names an unknown practice "tidy-code"/],
  ])('%s is a clear error naming the file, line and key (exit 2)', async (_, config, message) => {
    const root = tempTree({ 'keyscan.toml': config, 'a.txt': 'hello\n' });
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  test('--config names a config elsewhere; keyscan.toml wins over .gitleaks.toml', async () => {
    const root = tempTree({
      'keyscan.toml': '[extend]\ndisabledRules = []\n',
      '.gitleaks.toml': '[extend]\ndisabledRules = ["openai-project-key"]\n',
      'a.env': `K=${KEY}\n`,
      'other.toml': '[extend]\ndisabledRules = ["openai-project-key"]\n',
    });
    expect((await ruleIds(root)).ids).toEqual(['openai-project-key']);
    expect((await ruleIds(root, ['.', '--config', 'other.toml'])).ids).toEqual([]);
  });
});

test('practices.clientSidePaths marks more files as shipped to browsers', async () => {
  const root = tempTree({ 'keyscan.toml': "[practices]\nclientSidePaths = ['''^web/''']\n", 'web/config.js': `export const k = "${KEY}";\n`, 'srv/config.js': `export const k = "${KEY}";\n` });
  const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root });
  const findings = (JSON.parse(run.stdout) as { findings: { file: string; kind: string; practices?: string[] }[] }).findings.filter((f) => f.kind === 'secret');
  expect(findings.map((f) => [f.file, f.practices?.includes('practice/client-side-exposure')])).toEqual([
    ['srv/config.js', false],
    ['web/config.js', true],
  ]);
});

describe('gitleaks compatibility', () => {
  test('Go regex syntax is translated: (?P<name>), (?i:word), \\z; what cannot be is said', () => {
    expect(translateGoRegex('(?i)\\b(?P<x>ab)\\z')).toEqual({ pattern: '(?i)\\b(?<x>ab)$' });
    expect(translateGoRegex('(?i:key)=')).toEqual({ pattern: '(?:[kK][eE][yY])=' });
    expect(translateGoRegex('\\p{Lu}x')).toHaveProperty('untranslatable');
    expect(translateGoRegex('a(?s:.)b')).toHaveProperty('untranslatable');
  });

  test('a .gitleaks.toml at the root works unchanged: custom rules, rule and global allowlists, untranslatable rules named', async () => {
    const root = tempTree({
      'svc.env': `ACME=acme_svc_${randomBody(32).toLowerCase()}\n`,
      'legacy.ini': `legacy_key = "${randomBody(40, 'hex', 5)}"`,
      'allowed.ini': `LEGACY_KEY = "00000000${randomBody(32, 'hex', 6)}"`,
      'vendor/x.env': `ACME=acme_usr_${randomBody(32, 'b62', 7).toLowerCase()}\n`,
      'stop.env': `ACME=acme_svc_notasecret${randomBody(21, 'hex', 8)}\n`,
    });
    cpSync(GITLEAKS_FIXTURE, join(root, '.gitleaks.toml'));
    const { ids, stderr } = await ruleIds(root);
    expect(ids.sort()).toEqual(['acme-internal-token', 'acme-legacy-key']);
    expect(stderr).toMatch(/warning: \.gitleaks\.toml: rule acme-unicode-thing: Unicode classes/);
  });

  test('an OpenAI key is still found through useDefault = true', async () => {
    const root = tempTree({ 'a.env': `K=${KEY}\n` });
    cpSync(GITLEAKS_FIXTURE, join(root, '.gitleaks.toml'));
    expect((await ruleIds(root)).ids).toEqual(['openai-project-key']);
  });
});

describe('baseline', () => {
  test('write, rescan = 0 findings, a new key = exactly 1, a moved line and a renamed file = 0, prune', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => fakeOpenAiProjectKey(100 + i));
    const files: Record<string, string> = {};
    keys.forEach((k, i) => (files[`src/m${i}.ts`] = `export const k${i} = "${k}";\n`));
    const root = tempTree(files);
    const written = await runBuiltCli(['baseline'], { cwd: root });
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/wrote 20 findings to \.keyscan-baseline\.json/);
    const baseline = (await import('node:fs')).readFileSync(join(root, '.keyscan-baseline.json'), 'utf8');
    for (const k of keys) expect(baseline).not.toContain(k.slice(8, 40));

    const clean = await runBuiltCli(['.', '--baseline', '.keyscan-baseline.json'], { cwd: root });
    expect(clean.code).toBe(0);

    writeFileSync(join(root, 'src/new.ts'), `export const n = "${fakeOpenAiProjectKey(999)}";\n`);
    expect((await ruleIds(root, ['.', '--baseline', '.keyscan-baseline.json'])).ids).toEqual(['openai-project-key']);

    writeFileSync(join(root, 'src/new.ts'), '// gone\n');
    writeFileSync(join(root, 'src/m3.ts'), `\n\n// moved down\nexport const k3 = "${keys[3]}";\n`);
    (await import('node:fs')).renameSync(join(root, 'src/m4.ts'), join(root, 'src/renamed.ts'));
    expect((await ruleIds(root, ['.', '--baseline', '.keyscan-baseline.json'])).code).toBe(0);

    (await import('node:fs')).rmSync(join(root, 'src/m5.ts'));
    const pruned = await runBuiltCli(['baseline', '--prune'], { cwd: root });
    expect(pruned.stdout).toMatch(/kept 19 of 20 baseline entries/);
  });

  test('a missing or malformed baseline is a clear error', async () => {
    const root = tempTree({ 'bad.json': '{"tool":"other"}', 'a.txt': 'x\n' });
    const missing = await runBuiltCli(['.', '--baseline', 'nope.json'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read baseline nope\.json: no such file/);
    const bad = await runBuiltCli(['.', '--baseline', 'bad.json'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a keyscan baseline/);
  });
});

describe('--fail-on', () => {
  test('a severity gate: only findings at or above it fail the build; none never fails', async () => {
    const root = tempTree({ 'a.env': `K=${KEY}\n` });
    expect((await runBuiltCli(['.', '--fail-on', 'critical'], { cwd: root })).code).toBe(1);
    // the variable name is built here: the repository scans itself
    const low = tempTree({ 'cfg.ts': `const k = process.env.${['NEXT', 'PUBLIC', 'OPENAI', 'API', 'KEY'].join('_')};\n` });
    expect((await runBuiltCli(['.', '--fail-on', 'critical'], { cwd: low })).code).toBe(0);
    expect((await runBuiltCli(['.', '--fail-on', 'high'], { cwd: low })).code).toBe(1);
    expect((await runBuiltCli(['.', '--fail-on', 'none'], { cwd: root })).code).toBe(0);
  });
});

test('.gitleaksignore fingerprints (file:rule:line) are honoured', async () => {
  const root = tempTree({ 'a.env': `K=${KEY}\n`, 'b.env': `K=${fakeOpenAiProjectKey(32)}\n`, '.gitleaksignore': '# known\na.env:openai-project-key:1\n' });
  expect((await ruleIds(root)).ids).toEqual(['openai-project-key']);
  const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root });
  expect((JSON.parse(run.stdout) as { findings: { file: string; kind: string }[] }).findings.filter((f) => f.kind === 'secret').map((f) => f.file)).toEqual(['b.env']);
});
