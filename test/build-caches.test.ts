import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { buildPrefilter, type Prefilter } from '../src/detect/prefilter.js';
import { buildRuleSet } from '../src/detect/rule-set.js';
import { compileRule } from '../src/rules/compile.js';
import { cachedPrefilterTables, writePrefilterCache, type CacheFiles } from '../src/rules/prefilter-cache.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { packageCopy } from './helpers/pack.js';
import { builtinDefinitions } from './helpers/rules.js';
import { tempTree } from './helpers/tmp.js';

const PREFILTER_SOURCE = fileURLToPath(new URL('../src/detect/prefilter.ts', import.meta.url));
const KEYWORDS = ['sk-proj-', 'ghp_', 'token', 'api_key', 'he', 'she', 'hers'];
const TEXT = 'USHERS with a Token and GHP_x, sk-proj-abc; api_key=1 token';

function cacheFiles(): CacheFiles {
  return { cache: join(tempTree(), 'prefilter.bin'), code: PREFILTER_SOURCE };
}

function hits(prefilter: Prefilter, text: string): [number, number][] {
  const flat: number[] = [];
  prefilter.scan(text, flat);
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('the cached keyword automaton', () => {
  test('loads the very tables it was written from, and scans alike', () => {
    const files = cacheFiles();
    const built = buildPrefilter(KEYWORDS);
    writePrefilterCache(built, files);
    const tables = cachedPrefilterTables(KEYWORDS, files);
    expect(tables).toEqual(built.tables);
    const loaded = buildPrefilter(KEYWORDS, tables);
    expect(hits(loaded, TEXT)).toEqual(hits(built, TEXT));
    expect(hits(loaded, TEXT).length).toBeGreaterThan(5);
  });

  test('is not used for other keywords, nor for the same ones in another order', () => {
    const files = cacheFiles();
    writePrefilterCache(buildPrefilter(KEYWORDS), files);
    expect(cachedPrefilterTables([...KEYWORDS, 'xoxb-'], files)).toBeUndefined();
    expect(cachedPrefilterTables(KEYWORDS.slice(1), files)).toBeUndefined();
    expect(cachedPrefilterTables([...KEYWORDS].reverse(), files)).toBeUndefined();
  });

  test('is not used once the prefilter code changed', () => {
    const files = cacheFiles();
    writePrefilterCache(buildPrefilter(KEYWORDS), files);
    const otherCode = join(tempTree(), 'prefilter.js');
    writeFileSync(otherCode, `${readFileSync(PREFILTER_SOURCE, 'utf8')}\n// another build\n`);
    expect(cachedPrefilterTables(KEYWORDS, { ...files, code: otherCode })).toBeUndefined();
  });

  test('a missing, truncated or foreign file is no cache, never an error', () => {
    const files = cacheFiles();
    expect(cachedPrefilterTables(KEYWORDS, files)).toBeUndefined();
    writePrefilterCache(buildPrefilter(KEYWORDS), files);
    truncateSync(files.cache, readFileSync(files.cache).length - 4);
    expect(cachedPrefilterTables(KEYWORDS, files)).toBeUndefined();
    writeFileSync(files.cache, 'KSPF\u0004\u0000\u0000\u0000{{{{');
    expect(cachedPrefilterTables(KEYWORDS, files)).toBeUndefined();
    writeFileSync(files.cache, '{"key":"x"}');
    expect(cachedPrefilterTables(KEYWORDS, files)).toBeUndefined();
  });

  test('a rule set built with the cache finds what one built without it finds', () => {
    const files = cacheFiles();
    const rules = builtinDefinitions().map(compileRule);
    const fresh = buildRuleSet(rules);
    writePrefilterCache(fresh.prefilter, files);
    let asked = 0;
    const cached = buildRuleSet(rules, (keywords) => {
      asked++;
      return cachedPrefilterTables(keywords, files);
    });
    expect(asked).toBe(1);
    expect(cached.prefilter.tables).toEqual(fresh.prefilter.tables);
    const text = `const a = "${fakeOpenAiProjectKey(5)}"; GITHUB_TOKEN=ghp_x; xoxb-1 AKIA`;
    expect(hits(cached.prefilter, text)).toEqual(hits(fresh.prefilter, text));
  });
});

describe('the build', () => {
  test('writes dist/prefilter.bin for the built-in rules', async () => {
    // the compiled modules, as the CLI loads them (the pretest build made them)
    const dist = (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;
    const { loadBuiltinRules } = (await import(dist('rules/load.js'))) as typeof import('../src/rules/load.js');
    const { compileRule: compile } = (await import(dist('rules/compile.js'))) as typeof import('../src/rules/compile.js');
    const { buildRuleSet: build } = (await import(dist('detect/rule-set.js'))) as typeof import('../src/detect/rule-set.js');
    const cache = (await import(dist('rules/prefilter-cache.js'))) as typeof import('../src/rules/prefilter-cache.js');
    let found = false;
    const set = build(loadBuiltinRules().map(compile), (keywords) => {
      const tables = cache.cachedPrefilterTables(keywords);
      found = tables !== undefined;
      return tables;
    });
    expect(found).toBe(true);
    expect(set.prefilter.tables).toEqual(build(loadBuiltinRules().map(compile)).prefilter.tables);
  });

  test("a config's own rule is still found: its keyword is not in the cached automaton", async () => {
    const key = `zqx_${'Ab3dE5gH7jK9mN1pQ3sT'}`;
    const config = 'title = "t"\n[[rules]]\nid = "zqx-key"\ndescription = "zqx key"\nregex = \'\'\'zqx_[A-Za-z0-9]{20}\'\'\'\nkeywords = ["zqx_"]\n';
    const repo = tempRepo({ 'keyscan.toml': config, 'app.ts': `const k = "${key}";\n` }, { stage: true });
    const run = await runBuiltCli(['staged', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('zqx-key');
    expect(run.stdout).not.toContain(key);
  });
});

describe('the built rules cache', () => {
  test('holds every built-in rule as the TOML has it; its examples apart, for those who ask', async () => {
    const built = (await import(new URL('../dist/rules/load.js', import.meta.url).href)) as typeof import('../src/rules/load.js');
    const fromToml = builtinDefinitions(); // from src/: the TOML, parsed
    const withExamples = built.loadBuiltinRules();
    const forScan = built.builtinRulesWhere();
    // the build adds what it checked (secretGroup, checked); the rest is the TOML's
    expect(withExamples.map(({ secretGroup, checked, ...def }) => def)).toEqual(fromToml.map(({ secretGroup, checked, ...def }) => def));
    expect(forScan.map(({ examples, negatives, ...def }) => def)).toEqual(withExamples.map(({ examples, negatives, ...def }) => def));
    expect(forScan.every((def) => def.examples.length === 0 && def.negatives.length === 0)).toBe(true);
    expect(withExamples.filter((def) => def.examples.length > 0).length).toBeGreaterThan(400);
    // a scan's choice by id and keywords reads the same definitions
    const someOf = (id: string, keywords: readonly string[]): boolean => id.startsWith('a') || keywords.includes('ghp_');
    const chosen = built.builtinRulesWhere(someOf);
    expect(chosen.length).toBeGreaterThan(5);
    expect(chosen).toEqual(forScan.filter((def) => someOf(def.id, def.keywords)));
  });

  test('damaged after the build, fails with one line saying to reinstall, once a scan needs the damaged rule', async () => {
    const pkg = packageCopy();
    const cache = join(pkg, 'dist/rules.jsonl');
    const lines = readFileSync(cache, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.startsWith('{"id":"openai-project-key"'));
    expect(at).toBeGreaterThan(0);
    lines[at] = lines[at]!.slice(0, 40);
    writeFileSync(cache, lines.join('\n'));
    const repo = tempRepo({ 'app.env': `OPENAI_API_KEY=${fakeOpenAiProjectKey(7)}\n` }, { stage: true });
    const run = await runBuiltCli(['staged'], { cwd: repo.root, env: cliEnv(), cli: join(pkg, 'dist/cli.cjs') });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/rules cache .*rules\.jsonl is damaged: reinstall keyscan/)]);
    expect(run.stderr).not.toContain(fakeOpenAiProjectKey(7));
  });

  test('is not used once a rule file is edited, even to the same size', async () => {
    const pkg = packageCopy();
    const file = join(pkg, 'rules/openai.toml');
    const text = readFileSync(file, 'utf8');
    const repo = tempRepo({ 'app.env': `OPENAI_API_KEY=${fakeOpenAiProjectKey(7)}\n` });
    const ruleIds = async (): Promise<string[]> => {
      const run = await runBuiltCli(['.', '--format', 'json'], { cwd: repo.root, env: cliEnv(), cli: join(pkg, 'dist/cli.cjs') });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(1);
      return (JSON.parse(run.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    };
    expect(await ruleIds()).toContain('openai-project-key');
    writeFileSync(file, text.replace('id = "openai-project-key"', 'id = "openai-project-kez"'));
    expect(statSync(file).size).toBe(Buffer.byteLength(text));
    expect(await ruleIds()).toContain('openai-project-kez'); // read from the TOML
  });
});

test('the build leaves the bin executable: npx keyscan in a fresh clone runs dist/cli.cjs itself', () => {
  const mode = statSync(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url))).mode;
  expect(mode & 0o111).toBe(0o111);
});
