import { describe, expect, test } from 'vitest';
import { fileDefinitions, findIn, ruleFiles, ruleSetOf, shown } from './helpers/rules.js';

// Every rule proves itself: each example yields exactly its secret through the real detect(),
// and no rule at all reports any rule's negatives.
const files = ruleFiles();
const all = files.flatMap(({ name, text }) => {
  try {
    return fileDefinitions(name, text);
  } catch {
    return []; // reported by the file's own test below
  }
});
const allRules = ruleSetOf(all);

describe.each(files)('rules/$name', ({ name, text }) => {
  test('parses and compiles', () => {
    expect(() => ruleSetOf(fileDefinitions(name, text))).not.toThrow();
  });
});

const withExamples = all.filter((d) => d.examples.length > 0 || d.negatives.length > 0);

describe.each(all.map((d) => ({ id: d.id, def: d })))('$id', ({ def }) => {
  const own = ruleSetOf([def]);
  test('has examples and negatives', () => {
    expect(def.examples.length).toBeGreaterThan(0);
    expect(def.negatives.length).toBeGreaterThan(0);
  });
  test.each(def.examples.map((e, i) => ({ i, ...e })))('example $i yields its secret', ({ text, secret, path }) => {
    expect(findIn(text, own, path).map(shown)).toEqual([secret]);
  });
  test.each(def.examples.map((e, i) => ({ i, ...e })))('example $i is reported by this rule among all rules', ({ text, secret, path }) => {
    const found = findIn(text, allRules, path).filter((f) => shown(f) === secret);
    // practice rules report under their practice: practice/key-in-url for practice/key-in-url/…
    expect(found.map((f) => f.ruleId)).toEqual([def.practice === undefined ? def.id : `practice/${def.practice}`]);
  });
  test.each(def.negatives.map((text, i) => ({ i, text })))('negative $i is reported by no rule', ({ text }) => {
    expect(findIn(text, allRules).map((f) => `${f.ruleId}: ${shown(f)}`)).toEqual([]);
  });
});

test('rule files exist', () => {
  expect(withExamples.length).toBeGreaterThan(0);
});
