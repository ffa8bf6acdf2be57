import { describe, expect, test } from 'vitest';
import { applyPractices, DEFAULT_PRACTICE_CONTEXT } from '../src/practices/apply.js';
import { loadPracticeChecks } from '../src/rules/load.js';
import type { Finding } from '../src/types.js';
import { builtinDefinitions, fragmentOf, ruleSetOf } from './helpers/rules.js';
import { detect } from '../src/detect/detect.js';

// The practices checked in code prove themselves like rules do: each [[practices]] example file
// breaks its practice, each negative does not, through the real detector and practice checks.
const set = ruleSetOf(builtinDefinitions());
const rulesById = new Map(set.rules.map((r) => [r.id, r]));

function practicesIn(path: string, text: string): string[] {
  const fragment = fragmentOf(text, path);
  const findings: Finding[] = applyPractices(fragment, detect(fragment, set), rulesById, DEFAULT_PRACTICE_CONTEXT);
  return findings.flatMap((f) => (f.kind === 'practice' ? [f.practice] : f.practices.map((n) => n.id)));
}

const checks = loadPracticeChecks();

test('every practice checked in code has examples and negatives in a rule file', () => {
  expect(checks.map((c) => c.practice).sort()).toEqual(['broad-scope-key', 'client-side-exposure', 'dotenv-committed', 'hardcoded-key', 'key-in-url']);
  for (const c of checks) {
    expect(c.examples.length).toBeGreaterThan(0);
    expect(c.negatives.length).toBeGreaterThan(0);
  }
});

describe.each(checks)('$practice', (check) => {
  test.each(check.examples.map((e, i) => ({ i, ...e })))('example $i ($path) breaks it', ({ path, text }) => {
    expect(practicesIn(path, text)).toContain(check.practice);
  });
  test.each(check.negatives.map((e, i) => ({ i, ...e })))('negative $i ($path) does not', ({ path, text }) => {
    expect(practicesIn(path, text)).not.toContain(check.practice);
  });
});
