import { describe, expect, test } from 'vitest';
import { compileRule } from '../src/rules/compile.js';
import { builtinDefinitions, findIn, ruleSetOf } from './helpers/rules.js';

const defs = builtinDefinitions();

// Inputs built to make a backtracking regex blow up near its keyword: long runs of characters the
// token alphabet accepts with no terminator, separators that almost match, and the keyword repeated.
function adversarialInputs(keyword: string): string[] {
  const size = 100 * 1024;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  return [
    fill(`${keyword}${'a1B2'.repeat(12)} `),
    `${keyword}${fill('A9zQ')}`,
    `${keyword}=${fill('-_')}`,
    `${keyword}: "${fill('=/+')}`,
    fill(`${keyword} = '`),
    fill(`${keyword}\n${'Zx9'.repeat(20)}\n`),
    `${keyword}${fill(' ')}x`,
  ];
}

describe.each(defs.map((d) => ({ id: d.id, def: d })))('lint $id', ({ def }) => {
  test('has a keyword of 3+ characters, a remediation and a provider', () => {
    expect(def.keywords.length).toBeGreaterThan(0);
    expect(Math.max(...def.keywords.map((k) => k.length))).toBeGreaterThanOrEqual(3);
    expect(def.remediation.length).toBeGreaterThan(20);
    expect(def.provider).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });

  test('uses no unbounded quantifier over a character class, and no m or s flag', () => {
    const source = compileRule(def).regex.source;
    // `]+`, `]*`, `.+`, `.*`, `\S+` and friends let a failed match rescan a whole window.
    expect(source).not.toMatch(/(?<!\\)(?:\]|\.|\\[sSdDwW])[+*]/);
    expect(compileRule(def).regex.flags).not.toMatch(/[ms]/);
  });

  // Catastrophic backtracking costs seconds to hours on 100 KB; a linear rule takes milliseconds.
  // The best of three runs keeps a busy CI machine from failing a sound rule.
  test('runs in linear time on adversarial input near its keywords', () => {
    const set = ruleSetOf([def]);
    for (const keyword of def.keywords) {
      for (const text of adversarialInputs(keyword)) {
        let best = Infinity;
        for (let run = 0; run < 3 && best >= 250; run++) {
          const started = performance.now();
          findIn(text, set);
          best = Math.min(best, performance.now() - started);
        }
        expect(best, `keyword ${keyword}`).toBeLessThan(250);
      }
    }
  });
});

test('every validator a rule names exists', async () => {
  const { VALIDATORS } = await import('../src/validate/registry.js');
  const missing = defs.filter((d) => d.validator !== undefined && !VALIDATORS.has(d.validator)).map((d) => `${d.id}: ${d.validator}`);
  expect(missing).toEqual([]);
});
