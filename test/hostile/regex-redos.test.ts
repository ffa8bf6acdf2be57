// A repository's config brings regexes that JavaScript runs by backtracking: one that is plainly
// exponential is refused when the config loads; one the checker lets through but that runs long is
// stopped by the per-fragment time budget, and the scan still finds the real key elsewhere.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// each run its own verdict cache: a verdict cached by another test must not decide this one
const env = (extra: Record<string, string> = {}): Record<string, string | undefined> =>
  cliEnv({ XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'keyscan-cache-')), ...extra });

const CATASTROPHIC = "acme_(a+)+$";
const ruleToml = (id: string, regex: string): string => `[[rules]]\nid = "${id}"\nregex = '''${regex}'''\nkeywords = ["acme_"]\n`;
/** Exponential, but with a backreference, which recheck's automaton cannot read: the load-time check lets it through. */
const SLOW_BUT_ACCEPTED = 'acme_(a|a)+\\1$';
const TRIGGER = `acme_${'a'.repeat(34)}!\n`;

describe('a catastrophic regex in a repository config is refused when the config loads', () => {
  test.each([
    ['keyscan.toml', 'rule nested-repeat: regex', ruleToml('nested-repeat', CATASTROPHIC)],
    ['.keyscan.toml', 'rule nested-repeat: regex', ruleToml('nested-repeat', CATASTROPHIC)],
    ['.gitleaks.toml', 'rule nested-repeat: regex', `[extend]\nuseDefault = true\n\n${ruleToml('nested-repeat', CATASTROPHIC)}`],
    ['keyscan.toml', 'rule in-lookahead: regex', ruleToml('in-lookahead', 'acme_(?=(a|a)+$)(a+)')],
    ['keyscan.toml', 'rule bounded: regex', ruleToml('bounded', 'acme_(a{1,30}){1,30}$')],
    ['keyscan.toml', 'allowlist regexes[0]', `[allowlist]\nregexes = ['''^(x+x+)+y$''']\n`],
    ['keyscan.toml', 'allowlist paths[0]', `[allowlist]\npaths = ['''^(\\w+\\s?)*$''']\n`],
    ['keyscan.toml', 'practices.clientSidePaths[0]', `[practices]\nclientSidePaths = ['''^(a|a)*\\.js$''']\n`],
    ['keyscan.toml', 'rule bad-follows: follows', `[[rules]]\nid = "bad-follows"\nregex = '''acme_([a-z]{8})'''\nkeywords = ["acme_"]\nfollows = '''(a|a)*$'''\n`],
    ['keyscan.toml', 'rule bad-allow: allowlist regexes[0]', `${ruleToml('bad-allow', 'acme_([a-z]{8})')}\n[rules.allowlist]\nregexes = ['''(?:[a-z]+[0-9]*)+!''']\n`],
  ])('%s: %s', async (name, where, toml) => {
    const root = tempTree({ [name]: toml, 'a.txt': TRIGGER });
    const started = Date.now();
    const run = await runBuiltCli(['.'], { cwd: root, env: env(), timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${name}: ${where}`);
    expect(run.stderr).toContain('can backtrack exponentially');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  test('keyscan staged and keyscan git refuse it too', async () => {
    const repo = tempRepo({ 'keyscan.toml': ruleToml('nested-repeat', CATASTROPHIC), 'a.txt': TRIGGER }, { commit: 'hostile config' });
    repo.write({ 'b.txt': TRIGGER });
    repo.stage();
    for (const args of [['staged'], ['git']]) {
      const run = await runBuiltCli(args, { cwd: repo.root, env: env(), timeoutMs: 30_000 });
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toContain('keyscan.toml: rule nested-repeat: regex');
    }
  });

  test('an ordinary custom rule is accepted', async () => {
    const root = tempTree({ 'keyscan.toml': ruleToml('acme', 'acme_([a-z0-9]{24})'), 'a.txt': `token = acme_${'k3y9'.repeat(6)}\n` });
    const run = await runBuiltCli(['.'], { cwd: root, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('acme');
    expect(run.stderr).toBe('');
  });
});

describe('a regex that passes the check but runs long is stopped, and the scan goes on', () => {
  const budget = { KEYSCAN_REGEX_BUDGET_MS: '300' };
  const key = fakeGithubToken(11);

  test('tree mode: the slow rule is skipped on that file with a warning; the real key elsewhere is found', async () => {
    const root = tempTree({ 'keyscan.toml': ruleToml('slow-rule', SLOW_BUT_ACCEPTED), 'slow.txt': TRIGGER, 'app.ts': `const token = "${key}";\n` });
    const started = Date.now();
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: env(budget), timeoutMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"github-pat"');
    expect(run.stdout).toContain('app.ts');
    expect(run.stderr).toMatch(/warning: rule slow-rule \(keyscan\.toml\) ran longer than \d+ ms on slow\.txt and was stopped/);
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  // a follows check runs at each keyword hit before the rule's regex: it is a config regex like any other
  test('a slow follows check is stopped too, in the tree and in history, and the real key is found', async () => {
    // the second shares its keyword with built-in rules, whose checks are joined into one regex per
    // keyword of the same flags; it is polynomial (cubic) and has no group, so the load-time check and
    // a join would both accept it
    const toml =
      `[[rules]]\nid = "slow-follows"\nregex = '''acme_([a-z]{8})'''\nkeywords = ["acme_"]\nfollows = '''${SLOW_BUT_ACCEPTED.slice('acme_'.length)}'''\n\n` +
      `[[rules]]\nid = "slow-follows-shared"\nregex = '''token([a-z]{8})'''\nkeywords = ["token"]\nfollows = '''(?i)(?:a|b)*(?:a|c)*(?:a|d)*!x'''\n\n` +
      // the third ends in a search along the line, which is split from the rest of a check
      `[[rules]]\nid = "slow-follows-split"\nregex = '''acmf_([a-z]{8})'''\nkeywords = ["acmf_"]\nfollows = '''(?=(?:a|b)*(?:a|c)*(?:a|d)*!x)(?=[^\\n]{0,5}?[a]{3})'''\n`;
    const files = { 'keyscan.toml': toml, 'slow.txt': TRIGGER, 'shared.txt': `token${'a'.repeat(3000)}\n`, 'split.txt': `acmf_${'a'.repeat(3000)}\n`, 'app.ts': `const token = "${key}";\n` };
    const repo = tempRepo(files, { commit: 'all' });
    for (const args of [['.', '--format', 'json'], ['git', '--format', 'json']]) {
      const started = Date.now();
      const run = await runBuiltCli(args, { cwd: repo.root, env: env(budget), timeoutMs: 60_000 });
      expect(Date.now() - started, args[0]).toBeLessThan(15_000);
      expect(run.code, args[0]).toBe(1);
      expect(run.stdout).toContain('"github-pat"');
      expect(run.stderr).toMatch(/warning: rule slow-follows \(keyscan\.toml\) ran longer than \d+ ms on slow\.txt and was stopped/);
      expect(run.stderr).toMatch(/warning: rule slow-follows-shared \(keyscan\.toml\) ran longer than \d+ ms on shared\.txt and was stopped/);
      expect(run.stderr).toMatch(/warning: rule slow-follows-split \(keyscan\.toml\) ran longer than \d+ ms on split\.txt and was stopped/);
    }
  });

  // stage 4 joins a rule's allowlist regexes of the same flags into one: a config's must stay timed
  test('a slow allowlist regex beside another is stopped too, and the real key is found', async () => {
    const slow = '(?:a|b)*(?:a|c)*(?:a|d)*(?:a|e)*!x'; // quartic on runs of a, no group: the load-time check accepts it
    const toml = `[[rules]]\nid = "slow-allow"\nregex = '''acme_([a-z]{100,600})'''\nkeywords = ["acme_"]\n[rules.allowlist]\nregexes = ['''^zzz''', '''${slow}''']\n`;
    // runs of a for the regex to chew on, too few and too short for the placeholder check to drop the match first
    const filler = 'qzxwvmkprtsnhgjlyqzmwkxvlpqrstvwxyzhgfjklmnpq';
    const reversed = [...filler].reverse().join('');
    const secret = `${'a'.repeat(120)}${filler}${reversed}${filler.slice(2)}${'a'.repeat(120)}${filler.slice(5)}${reversed.slice(3)}${filler.slice(9)}${reversed.slice(1)}`;
    const root = tempTree({ 'keyscan.toml': toml, 'slow.txt': `acme_${secret}\n`, 'app.ts': `const token = "${key}";\n` });
    const started = Date.now();
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: env(budget), timeoutMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"github-pat"');
    expect(run.stderr).toContain(`config regex ${JSON.stringify(slow)} ran longer than`);
  });

  test('tree mode with worker threads: each thread stops it, the key is found', async () => {
    const files: Record<string, string> = { 'keyscan.toml': ruleToml('slow-rule', SLOW_BUT_ACCEPTED), 'app.ts': `const token = "${key}";\n` };
    for (let i = 0; i < 40; i++) files[`f${i}.txt`] = TRIGGER;
    const root = tempTree(files);
    const run = await runBuiltCli(['.', '--threads', '2', '--format', 'json'], { cwd: root, env: env(budget), timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"github-pat"');
    expect(run.stderr).toContain('rule slow-rule (keyscan.toml) ran longer than');
    expect(run.stderr).toContain('is not used for the rest of the scan');
  });

  test('keyscan staged: stopped, and the staged key still blocks the commit', async () => {
    const repo = tempRepo({ 'keyscan.toml': ruleToml('slow-rule', SLOW_BUT_ACCEPTED) }, { commit: 'config' });
    repo.write({ 'slow.txt': TRIGGER, 'app.ts': `const token = "${key}";\n` });
    repo.stage();
    const started = Date.now();
    const run = await runBuiltCli(['staged'], { cwd: repo.root, env: env(budget), timeoutMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('github-pat');
    expect(run.stderr).toContain('rule slow-rule (keyscan.toml) ran longer than');
    expect(run.stderr).toContain('slow.txt');
  });

  test('keyscan git: stopped, and the committed key is found', async () => {
    const repo = tempRepo({ 'keyscan.toml': ruleToml('slow-rule', SLOW_BUT_ACCEPTED), 'slow.txt': TRIGGER, 'app.ts': `const token = "${key}";\n` }, { commit: 'all' });
    const started = Date.now();
    const run = await runBuiltCli(['git'], { cwd: repo.root, env: env(budget), timeoutMs: 60_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('github-pat');
    expect(run.stderr).toContain('rule slow-rule (keyscan.toml) ran longer than');
  });

  test('a slow practices.clientSidePaths regex is stopped too, and the key in that very file is still found', async () => {
    const name = `${'a'.repeat(34)}!.js`;
    const root = tempTree({ 'keyscan.toml': `[practices]\nclientSidePaths = ['''^(a|a)+\\1$''']\n`, [name]: `const token = "${key}";\n` });
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: env(budget), timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"github-pat"');
    expect(run.stderr).toContain(`config regex ${JSON.stringify('^(a|a)+\\1$')} ran longer than`);
  });

  test('only config regexes are timed: built-in rules on a large file never use up the budget', async () => {
    // 4 MB of lines full of built-in keywords, and a quick custom rule: with a 50 ms budget nothing is stopped
    const big = `${'password = "hunter2" token = "abc" api_key = secret aws_access_key_id\n'.repeat(60_000)}const token = "${key}";\n`;
    const root = tempTree({ 'keyscan.toml': ruleToml('quick', 'acme_([a-z0-9]{24})'), 'big.txt': big });
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: env({ KEYSCAN_REGEX_BUDGET_MS: '50' }), timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"github-pat"');
  });

  test('with the default budget, a tree where every file triggers it is done in seconds: the rule is dropped after two overruns', async () => {
    const files: Record<string, string> = { 'keyscan.toml': ruleToml('slow-rule', SLOW_BUT_ACCEPTED), 'app.ts': `const token = "${key}";\n` };
    // about 1 MB: 400 files of 2.5 KB, each with the trigger
    for (let i = 0; i < 400; i++) files[`src/f${i}.txt`] = `${'filler line of text\n'.repeat(125)}${TRIGGER}`;
    const root = tempTree(files);
    const started = Date.now();
    const run = await runBuiltCli(['.'], { cwd: root, env: env(), timeoutMs: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('github-pat');
    expect(run.stderr).toContain('rule slow-rule (keyscan.toml) is not used for the rest of the scan');
    // the bound that does not depend on the machine's load: two overruns of one budget each
    expect(run.stderr.match(/ran longer than/g)).toHaveLength(2);
    expect(seconds).toBeLessThan(20);
  });
});
