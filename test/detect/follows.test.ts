// `follows` (rule data): a cheap check at each keyword hit that decides whether the rule runs for
// that hit. It must never keep a rule from a match it would have made: these tests compare every
// rule's raw matches with and without the checks over all rule examples and negatives, the
// fixtures and this repository's own sources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { confirmRules } from '../../src/detect/confirm.js';
import type { RuleSet } from '../../src/detect/rule-set.js';
import { keywordHits, windowsAround } from '../../src/detect/windows.js';
import { parseRuleTable } from '../../src/rules/definition.js';
import { builtinDefinitions, ruleSetOf } from '../helpers/rules.js';

const definitions = builtinDefinitions();
const withChecks = ruleSetOf(definitions);
const withoutChecks = ruleSetOf(definitions.map((d) => ({ ...d, follows: undefined })));

/** Every raw regex match (no filters: stage 4 keeps all), as rule:start-end, sorted. */
function rawMatches(text: string, set: RuleSet): string[] {
  const hits = keywordHits(text, set.prefilter, set.scratch.hits);
  if (hits.length === 0) return [];
  const touched = windowsAround(text, hits, set);
  return confirmRules(text, 'example.txt', set, touched, () => false)
    .map((m) => `${set.rules[m.rule]!.id}:${m.start}-${m.end}`)
    .sort();
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile() && statSync(path).size < 2_000_000) out.push(path);
  }
  return out;
}

describe('follows checks', () => {
  test('several generic rules carry one, and each compiles sticky', () => {
    const ids = definitions.filter((d) => d.follows !== undefined).map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['generic-secret-assignment', 'generic-password-assignment', 'generic-secret-env', 'generic-shell-default']));
    for (const check of withChecks.follows) expect(check.head.sticky).toBe(true);
  });

  test('every rule example and negative gives the same raw matches with and without them', () => {
    const texts = definitions.flatMap((d) => [...d.examples.map((e) => e.text), ...d.negatives]);
    expect(texts.length).toBeGreaterThan(1000);
    for (const text of texts) expect(rawMatches(text, withChecks), text).toEqual(rawMatches(text, withoutChecks));
  });

  test('fixtures and sources give the same raw matches with and without them', () => {
    const root = join(import.meta.dirname, '..', '..');
    const files = [...filesUnder(join(root, 'fixtures')), ...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'test'))];
    let matches = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const expected = rawMatches(text, withoutChecks);
      matches += expected.length;
      expect(rawMatches(text, withChecks), file).toEqual(expected);
    }
    expect(matches).toBeGreaterThan(50);
  });

  test('a name used without an assignment does not run the assignment rules', () => {
    const set = withChecks;
    const assignment = set.rules.findIndex((r) => r.id === 'generic-secret-assignment');
    const ran = (text: string): boolean => {
      const touched = windowsAround(text, keywordHits(text, set.prefilter, set.scratch.hits), set);
      const runs = touched.includes(assignment);
      confirmRules(text, 'x.ts', set, touched); // empties the scratch for the next text
      return runs;
    };
    expect(ran('function refreshToken(token: Token) { return token.refresh(); }\n')).toBe(false);
    expect(ran('const token = await signTestToken({ userId: "u_7" });\n')).toBe(false);
    expect(ran('const token = "Zq8vP2mN4xL7kR1tY6wB";\n')).toBe(true);
    expect(ran('#define API_TOKEN "Zq8vP2mN4xL7kR1tY6wB"\n')).toBe(true);
  });

  test('the checks of one keyword run as one regex per hit, unless a check has groups of its own', () => {
    const token = withChecks.prefilter.keywords.indexOf('token');
    expect(withChecks.plans[token]!.followsAll?.ids.length).toBeGreaterThanOrEqual(3);
    const base = { provider: 'acme', description: 'Acme key', severity: 'high', remediation: 'Rotate it.', keywords: ['acme'], examples: [], negatives: [] };
    const rule = (id: string, follows: string) => parseRuleTable({ ...base, id, regex: `acme${follows}_([a-z]{8})`, follows }, 'rules/acme.toml', 0);
    const joined = ruleSetOf([rule('a', '[ab]'), rule('b', 'c')]);
    expect(joined.plans[0]!.followsAll?.ids).toEqual([0, 1]);
    const apart = ruleSetOf([rule('a', '(a|b)'), rule('b', 'c')]);
    expect(apart.plans[0]!.followsAll).toBeUndefined();
    // a parenthesis in a class, escaped, or opening a non-capturing group or a lookaround is no group
    expect(ruleSetOf([rule('a', '[(]?(?:b)'), rule('b', '\\(?(?=c)c')]).plans[0]!.followsAll?.ids).toEqual([0, 1]);
    // both still judged right, joined or not
    for (const set of [joined, apart]) {
      const found = (text: string): string[] => rawMatches(text, set).map((m) => m.split(':')[0]!);
      expect(found('acmeb_abcdefgh acmec_abcdefgh acmed_abcdefgh')).toEqual(['a', 'b']);
    }
  });

  test('a rule file may carry one; a bad one names the rule and key', () => {
    const table = { id: 'acme', provider: 'acme', description: 'Acme key', severity: 'high', remediation: 'Rotate it.', regex: 'acme_([a-z]{8})', keywords: ['acme_'], follows: '[a-z]{8}', examples: [], negatives: [] };
    expect(parseRuleTable(table, 'rules/acme.toml', 0).follows).toBe('[a-z]{8}');
    expect(() => ruleSetOf([parseRuleTable({ ...table, follows: '(' }, 'rules/acme.toml', 0)])).toThrow(/rules\/acme\.toml: rule acme: follows: invalid regex/);
  });
});
