import { describe, expect, test } from 'vitest';
import { buildRuleSet } from '../src/detect/rule-set.js';
import type { RuleDefinition } from '../src/rules/definition.js';
import { compileRule } from '../src/rules/compile.js';
import { inPlay, rulesInPlay } from '../src/rules-in-play.js';
import type { ScannedAutomaton } from '../src/detect/rule-set.js';
import { findingsIn, scanSetup } from '../src/scan-batch.js';
import type { KeywordAutomaton } from '../src/rules/prefilter-cache.js';
import type { Finding } from '../src/types.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { secretReport, type JsonReport } from './helpers/report.js';
import { builtinDefinitions, fileDefinitions, fragmentOf } from './helpers/rules.js';

const ALL = builtinDefinitions();
// the automaton the build caches, built here (from src/ there is no dist/prefilter.bin)
const BUILT: KeywordAutomaton = (() => {
  const { keywords, tables } = buildRuleSet(ALL.map(compileRule)).prefilter;
  return { keywords, tables };
})();
const automaton = (): KeywordAutomaton => BUILT;

const PRACTICES = { frontend: { browserPackages: [], serverFirstPackages: [], clientSidePaths: [] }, tracked: { kind: 'all' }, disabled: [] } as const;
const EVERY_RULE = scanSetup(buildRuleSet(ALL.map(compileRule)), Infinity, PRACTICES);

/** Every finding of the whole pipeline of one file (decoding and practices included), as comparable text. */
function findings(rules: readonly RuleDefinition[], text: string, path: string, within?: ScannedAutomaton): string[] {
  const setup = rules === ALL && within === undefined ? EVERY_RULE : scanSetup(buildRuleSet(rules.map(compileRule), undefined, within), Infinity, PRACTICES);
  const shown = (f: Finding): string => `${f.ruleId} ${f.at.line}:${f.at.column} ${f.kind === 'secret' ? f.secret.reveal() : f.evidence}`;
  return findingsIn(fragmentOf(text, path), setup).map(shown).sort();
}

const SAMPLES = ALL.flatMap((def) => [...def.examples.map((e) => ({ text: e.text, path: e.path ?? 'example.txt' })), ...def.negatives.map((text) => ({ text, path: 'example.txt' }))]);

describe('the rules a text can wake', () => {
  test('finding with them finds what finding with every rule finds, for every example and negative of every rule', () => {
    let narrowed = 0;
    for (const { text, path } of SAMPLES) {
      const rules = rulesInPlay(ALL, [text], automaton);
      if (rules.length < ALL.length) narrowed++;
      expect(findings(rules, text, path), text).toEqual(findings(ALL, text, path));
    }
    expect(narrowed).toBeGreaterThan(SAMPLES.length / 2);
  });

  test('and so does the automaton that chose them, its hits kept, in place of one of their own', () => {
    let within = 0;
    for (const { text, path } of SAMPLES) {
      const { rules, within: scanned } = inPlay(ALL, [text], automaton);
      if (scanned === undefined) continue;
      within++;
      const set = buildRuleSet(rules.map(compileRule), undefined, scanned);
      expect(set.prefilter).toBe(scanned.prefilter); // it holds every keyword of these rules
      expect(findings(rules, text, path, scanned), text).toEqual(findings(ALL, text, path));
    }
    expect(within).toBeGreaterThan(SAMPLES.length / 2);
  });

  test("a rule set keeps its own automaton when the one given lacks a rule's keyword (a config's own)", () => {
    const own = fileDefinitions('own.toml', "[[rules]]\nid = 'zqx-key'\nprovider = 'zqx'\ndescription = 'zqx'\nseverity = 'high'\nremediation = 'Rotate it.'\nregex = '''zqx_[a-z0-9]{20}'''\nkeywords = ['zqx_']\n");
    const text = 'const k = "zqx_k3j9x0q2m7v5b8n1c4w6";\n';
    const { rules, within } = inPlay([...ALL, ...own], [text], automaton);
    expect(rules.map((r) => r.id)).toEqual(['zqx-key']);
    const set = buildRuleSet(rules.map(compileRule), undefined, within);
    expect(set.prefilter).not.toBe(within?.prefilter);
    expect(findings(rules, text, 'a.ts', within)).toEqual(['zqx-key 1:12 zqx_k3j9x0q2m7v5b8n1c4w6']);
  });

  test('with many keys in one text too', () => {
    // the samples that wake few rules each (an encoded one wakes them all)
    const text = SAMPLES.filter((s) => rulesInPlay(ALL, [s.text], automaton).length < ALL.length)
      .slice(0, 400)
      .map((s) => s.text)
      .join('\n');
    const rules = rulesInPlay(ALL, [text], automaton);
    expect(rules.length).toBeLessThan(ALL.length);
    expect(findings(rules, text, 'all.txt')).toEqual(findings(ALL, text, 'all.txt'));
  });

  test('are only those whose keywords occur, in their order', () => {
    const key = fakeOpenAiProjectKey(9);
    const rules = rulesInPlay(ALL, ['nothing to see here\n', `const openai = "${key}";\n`], automaton);
    expect(rules.length).toBeLessThan(20);
    expect(rules.map((r) => r.id)).toContain('openai-project-key');
    expect(rules.map((r) => ALL.indexOf(r))).toEqual(rules.map((r) => ALL.indexOf(r)).sort((a, b) => a - b));
  });

  test('are every rule when a text holds an encoded token, which may hide any keyword', () => {
    const encoded = Buffer.from(`OPENAI_API_KEY=${fakeOpenAiProjectKey(3)}`).toString('base64');
    expect(rulesInPlay(ALL, [`data: ${encoded}\n`], automaton)).toBe(ALL);
  });

  test('keep a rule whose keyword the cached automaton does not know (a config rule)', () => {
    const own = fileDefinitions('own.toml', "[[rules]]\nid = 'zqx-key'\nprovider = 'zqx'\ndescription = 'zqx'\nseverity = 'high'\nremediation = 'Rotate it.'\nregex = '''zqx_[a-z0-9]{20}'''\nkeywords = ['zqx_']\n");
    const rules = rulesInPlay([...ALL, ...own], ['no keyword at all\n'], automaton);
    expect(rules.map((r) => r.id)).toEqual(['zqx-key']);
  });

  test('given by what gives them (the hook reads only the built-in rules it runs), are the same, and only those are given', () => {
    const encoded = Buffer.from(`OPENAI_API_KEY=${fakeOpenAiProjectKey(3)}`).toString('base64');
    const own = fileDefinitions('own.toml', "[[rules]]\nid = 'zqx-key'\nprovider = 'zqx'\ndescription = 'zqx'\nseverity = 'high'\nremediation = 'Rotate it.'\nregex = '''zqx_[a-z0-9]{20}'''\nkeywords = ['zqx_']\n");
    for (const texts of [['nothing to see here\n', `const openai = "${fakeOpenAiProjectKey(9)}";\n`], [`data: ${encoded}\n`], ['no keyword\n'], ['aws_secret token = 1\n']]) {
      const given: string[] = [];
      // as the hook's: the built-in rules filtered as read, a config's own rule added whole
      const rules = rulesInPlay((wakes) => [...ALL.filter((def) => wakes(def.keywords) && given.push(def.id) > 0), ...own], texts, automaton);
      expect(rules).toEqual(rulesInPlay([...ALL, ...own], texts, automaton));
      expect(given).toEqual(rules.filter((def) => def.id !== 'zqx-key').map((def) => def.id));
    }
  });

  test('are every rule without a cache, or past the size a commit usually has', () => {
    expect(rulesInPlay(ALL, ['no keyword\n'], () => undefined)).toBe(ALL);
    expect(rulesInPlay(ALL, ['x'.repeat(600 * 1024)], automaton)).toBe(ALL);
    expect(rulesInPlay(ALL, ['no keyword\n'], automaton)).toEqual([]);
  });
});

describe('keyscan staged with only the rules in play', () => {
  test('finds a key staged plain, and one staged base64-encoded', async () => {
    const plain = fakeOpenAiProjectKey(41);
    const encoded = Buffer.from(`OPENAI_API_KEY=${fakeOpenAiProjectKey(42)}`).toString('base64');
    const repo = tempRepo({ 'a.ts': `export const openai = "${plain}";\n`, 'b.yaml': `data:\n  env: ${encoded}\n` }, { stage: true });
    const run = await runBuiltCli(['staged', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(secretReport<JsonReport>(run.stdout).findings.map((f) => f.file).sort()).toEqual(['a.ts', 'b.yaml']);
    expect(run.stdout + run.stderr).not.toContain(plain);
  });
});
