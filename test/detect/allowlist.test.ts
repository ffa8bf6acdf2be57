// Stage 4 tests a rule's allowlist as one stop-word regex and one alternation per flag set
// (src/detect/false-alarms.ts). These tests hold it to its first definition, stop word by stop word
// and regex by regex, on every built-in allowlist and on shapes the joining must leave apart.
import { describe, expect, test } from 'vitest';
import { isAllowedByRule } from '../../src/detect/false-alarms.js';
import { compileRule } from '../../src/rules/compile.js';
import type { Rule } from '../../src/types.js';
import { seeded } from '../helpers/fake-keys.js';
import { builtinDefinitions } from '../helpers/rules.js';

/** The allowlist check as first written: each stop word with includes, each regex on its own. */
function firstDefinition(rule: Rule, secret: string, match: string, line: () => string): boolean {
  const allow = rule.allowlist;
  if (allow.stopwords.length > 0) {
    const lower = secret.toLowerCase();
    if (allow.stopwords.some((w) => lower.includes(w))) return true;
  }
  if (allow.regexes.length === 0) return false;
  const target = allow.regexTarget === 'secret' ? secret : allow.regexTarget === 'match' ? match : line();
  return allow.regexes.some((r) => r.test(target));
}

const rules = builtinDefinitions()
  .map(compileRule)
  .filter((r) => r.allowlist.stopwords.length > 0 || r.allowlist.regexes.length > 0);

/** Examples, negatives, stop words inside random text (upper-cased too: Kelvin K, İ and long s lower-case oddly), and random strings. */
function samples(): string[] {
  const next = seeded(7);
  const alphabet = 'abcdefxyzABCDEFXYZ0123456789-_./:=&$+ \u212a\u0130\u017f';
  const random = (length: number): string => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  const out: string[] = [];
  for (const d of builtinDefinitions()) {
    for (const e of d.examples) out.push(e.secret, e.text);
    out.push(...d.negatives);
  }
  for (const rule of rules) for (const w of rule.allowlist.stopwords) out.push(`${random(6)}${w}${random(4)}`, `${random(3)}${w.toUpperCase()}`, w.slice(1));
  for (let i = 0; i < 3000; i++) out.push(random(1 + Math.floor(next() * 60)));
  return out;
}

describe('allowlists joined into fewer regexes', () => {
  test('every built-in allowlist gives the answers of its stop words and regexes one by one', () => {
    const texts = samples();
    let allowed = 0;
    const differ: string[] = [];
    for (const rule of rules) {
      for (const text of texts) {
        const line = (): string => `x = ${text}`;
        const expected = firstDefinition(rule, text, `k=${text}`, line);
        if (isAllowedByRule(rule, text, `k=${text}`, line) !== expected) differ.push(`${rule.id}: ${JSON.stringify(text)}`);
        if (expected) allowed++;
      }
    }
    expect(differ).toEqual([]);
    expect(allowed).toBeGreaterThan(1000); // both answers came up
  });

  test('regexes an alternation would change stay apart: backreferences, named groups, g and y, other flags', () => {
    const base = compileRule(builtinDefinitions().find((d) => d.allowlist?.regexes?.length)!);
    // the last: \1 with no group is an octal escape, read as a backreference and kept apart all the same
    const regexes = [/^(a)\1$/, /^(?<n>b)\k<n>$/, /c$/g, /^d/y, /^E$/i, /^e$/, /(x)(y)/, new RegExp(String.raw`^\1z$`)];
    const rule: Rule = { ...base, allowlist: { ...base.allowlist, stopwords: ['', 'q.*'], regexes, regexTarget: 'secret' } };
    const noEmpty: Rule = { ...rule, allowlist: { ...rule.allowlist, stopwords: ['q.*'] } };
    for (const text of ['aa', 'ab', 'bb', 'bc', 'xc', 'dx', 'xd', 'e', 'E', 'xy', 'z', '\u0001z', 'q.*', 'qq', 'Q.*', 'none']) {
      for (const r of [rule, noEmpty]) {
        for (const re of regexes) re.lastIndex = 0;
        const expected = firstDefinition(r, text, text, () => text);
        for (const re of regexes) re.lastIndex = 0;
        expect(isAllowedByRule(r, text, text, () => text), `${JSON.stringify(r.allowlist.stopwords)} ${text}`).toBe(expected);
      }
    }
  });
});
