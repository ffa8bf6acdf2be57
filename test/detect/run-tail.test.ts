// A follows check that ends in a search along the line runs that search as a loop
// (src/detect/run-tail.ts): head regex, then the loop, must say what the whole regex says, at
// every position of every text.
import { describe, expect, test } from 'vitest';
import { runTailHolds, splitRunTail } from '../../src/detect/run-tail.js';
import { compileRule } from '../../src/rules/compile.js';
import { builtinDefinitions } from '../helpers/rules.js';
import { seeded } from '../helpers/fake-keys.js';

/** Characters the checks care about (hex, quotes, operators, breaks) and some that fold oddly under `i`: Kelvin K, long s, İ. */
const ALPHABET = ['a', 'f', 'A', 'F', '0', '9', 'g', 'Z', 'k', 's', '"', "'", '`', '\n', '\r', '\t', ' ', '=', ':', '_', '-', '.', ',', ';', '(', ')', '[', ']', '\\', '\u212a', '\u017f', '\u0130', 'é'];
const HEX = '0123456789abcdefABCDEF';

/** Random lines with long runs of hex and of value characters now and then, so that both answers come up. */
function texts(count: number, seed: number): string[] {
  const next = seeded(seed);
  const pick = (s: string | readonly string[]): string => s[Math.floor(next() * s.length)]!;
  return Array.from({ length: count }, () => {
    let text = '';
    const length = Math.floor(next() * 260);
    while (text.length < length) {
      const r = next();
      if (r < 0.06) text += Array.from({ length: 8 + Math.floor(next() * 30) }, () => pick(HEX)).join('');
      else if (r < 0.1) text += `${pick('"\'`')}${Array.from({ length: 4 + Math.floor(next() * 12) }, () => pick('abcXYZ019_+/=.-')).join('')}`;
      else text += pick(ALPHABET);
    }
    return text;
  });
}

function wholeHolds(regex: RegExp, text: string, at: number): boolean {
  regex.lastIndex = at;
  return regex.test(text);
}

/** The positions of `text` where the split check and the whole regex disagree, and how often the whole one held. */
function disagreements(follows: RegExp, text: string): { at: number[]; held: number } {
  const { head, tail } = splitRunTail(follows);
  const at: number[] = [];
  let held = 0;
  for (let i = 0; i <= text.length; i++) {
    const whole = wholeHolds(follows, text, i);
    head.lastIndex = i;
    const eol = text.indexOf('\n', i);
    if ((head.test(text) && (tail === undefined || runTailHolds(tail, text, i, eol === -1 ? text.length : eol))) !== whole) at.push(i);
    if (whole) held++;
  }
  return { at, held };
}

const builtinFollows = [...new Map(builtinDefinitions().flatMap((d) => (d.follows === undefined ? [] : [[d.follows, compileRule(d).follows!] as const]))).values()];

describe('follows checks that end in a search along the line', () => {
  test("generic-hex-secret's check is split (its search was most of what a keyword hit cost)", () => {
    const hex = compileRule(builtinDefinitions().find((d) => d.id === 'generic-hex-secret')!).follows!;
    expect(splitRunTail(hex).tail).toMatchObject({ within: 200, length: 32 });
  });

  test('every built-in check says the same split and whole, at every position of random text', () => {
    let held = 0;
    let checked = 0;
    for (const follows of builtinFollows) {
      for (const text of texts(300, follows.source.length)) {
        const found = disagreements(follows, text);
        expect(found.at, `${follows.source} in ${JSON.stringify(text)}`).toEqual([]);
        held += found.held;
        checked += text.length + 1;
      }
    }
    // both answers came up often enough to mean something
    expect(held).toBeGreaterThan(checked / 100);
    expect(checked - held).toBeGreaterThan(checked / 10);
  });

  test('edges: a run at the last place allowed, one place too far, across a line break, after a line break, an empty head', () => {
    const cases: [string, string, string][] = [
      // [flags, source, …] checked over many texts below; here the sources
      ['y', '(?=[^\\n]{0,3}?[ab]{3})', 'xxxaaa|xxxxaaa|x\naaa|aab|ab\nb|\naaa|aaa'],
      ['y', '(?=x)(?<![a-z])(?=[^\\n]{0,2}?[ab]{2})', 'xab|xxab|xxxab|x=a|x\nab|xbaab|x\n=ab|yxab'],
      ['iy', '(?![0-9])(?<![a-z])(?=[^\\n]{0,0}?[A-F]{2})', 'ab|AB|aG|1a|x|'],
      ['iy', '(?=[^\\n]{0,4}?[^\\s"\'`k]{2})', '"ab|  "a b|\'\'xy|"\n"ab|x"\u212ak|\u017fs'],
      ['y', '(?=[^\\n]{0,8}?[\\s\\S]{3})', 'ab\ncd|\n\n\n|a'], // a run may hold line breaks; what comes before it may not
    ];
    for (const [flags, source, samples] of cases) {
      const follows = new RegExp(source, flags);
      expect(splitRunTail(follows).tail, source).toBeDefined();
      for (const text of [...samples.split('|'), ...texts(200, source.length)]) expect(disagreements(follows, text).at, `${source} in ${JSON.stringify(text)}`).toEqual([]);
    }
  });

  test('a check whose meaning the split would change stays one regex', () => {
    const whole = [
      ['y', 'x(?=[^\\n]{0,3}?[ab]{3})'], // the head consumes: the search would start elsewhere
      ['y', '(?=x)|(?=[^\\n]{0,3}?[ab]{3})'], // alternation: the search is one branch
      ['y', '(?=x)+(?=[^\\n]{0,3}?[ab]{3})'], // a quantified head
      ['uy', '(?=[^\\n]{0,3}?[ab]{3})'], // u: a class reads code points
      ['y', '(?=[^\\n]{0,3}[ab]{3})'], // greedy: the same meaning, but not the shape split here
      ['y', '(?=[^\\n]{0,3}?[ab]{3}x)'], // more after the run
      ['y', '(?=[^\\n]{0,3}?[:=][ab]{3})'], // a lead before the run: left to the regex
    ] as const;
    for (const [flags, source] of whole) expect(splitRunTail(new RegExp(source, flags)).tail, source).toBeUndefined();
  });
});
