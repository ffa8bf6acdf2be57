import { describe, expect, test } from 'vitest';
import { gateSource } from '../../src/detect/gate.js';
import { builtinDefinitions, ruleSetOf } from '../helpers/rules.js';

describe('gateSource', () => {
  test('keeps the leading items before the first capture, without lookaheads', () => {
    expect(gateSource('(?<![a-z])(?!sha)[a-z_]{0,50}?(?:api_?key|token)[ \\t]{0,8}=[ \\t]{0,8}(?=x)(["\'])([^"\']{12,200})\\1')).toBe(
      '(?<![a-z])[a-z_]{0,50}?(?:api_?key|token)[ \\t]{0,8}=[ \\t]{0,8}',
    );
  });

  test('drops a quantified lookahead with its quantifier, and reads ( and ] inside a class as characters', () => {
    expect(gateSource('[(\\]]{0,4}abcdefghijklmnopq(?=x)?rs(z)')).toBe('[(\\]]{0,4}abcdefghijklmnopqrs');
  });

  test('keeps a lookbehind whole: a lookahead dropped inside a negative one would narrow the gate', () => {
    expect(gateSource('(?<!(?=a)b)abcdefghijklmnopqrstu(z)')).toBe('(?<!(?=a)b)abcdefghijklmnopqrstu');
  });

  test('no gate for a top-level alternation, a backreference or named group before the capture, or too little to check', () => {
    expect(gateSource('abcdefghijklmnopqrst|(x)')).toBeUndefined();
    expect(gateSource('(?:a)\\1abcdefghijklmnopqrst(x)')).toBeUndefined();
    expect(gateSource('(?<name>a)bcdefghijklmnopqrst(x)')).toBeUndefined();
    expect(gateSource('(?<![A-Za-z0-9_-])(x)')).toBeUndefined();
    expect(gateSource('(x)abcdefghijklmnopqrst')).toBeUndefined();
  });
});

test('built-in rules that share a gate run it once; every gate compiles; no window rule is gated', () => {
  const set = ruleSetOf(builtinDefinitions());
  const shared = new Map<number, string[]>();
  set.gateOf.forEach((g, r) => {
    if (g < 0) return;
    expect(set.rules[r]!.anchor).toBeDefined();
    shared.set(g, [...(shared.get(g) ?? []), set.rules[r]!.id]);
  });
  expect([...shared.values()].some((ids) => ids.includes('generic-secret-assignment') && ids.includes('generic-hex-secret'))).toBe(true);
  for (const ids of shared.values()) expect(ids.length).toBeGreaterThanOrEqual(2);
});
