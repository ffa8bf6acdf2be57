import { describe, expect, test } from 'vitest';
import { bodyOf, hasPlaceholderWord, isPlaceholder } from '../../src/detect/placeholder.js';
import { randomBody } from '../helpers/fake-keys.js';

describe('placeholder filter', () => {
  test.each([
    'YOUR_API_KEY',
    'your-api-key-here',
    '<your-key>',
    '<OPENAI_API_KEY>',
    '${OPENAI_API_KEY}',
    '{{ .Values.apiKey }}',
    'process.env.OPENAI_API_KEY',
    'os.getenv("OPENAI_API_KEY")',
    'os.environ["OPENAI_API_KEY"]',
    '$OPENAI_API_KEY',
    'sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
    'ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'sk_live_0000000000000000000000000000',
    'sk_live_1234567890abcdefghij',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'sk-ant-api03-REDACTED',
    'changeme123456',
    'sk-****************************abcd',
    'sk-...abcd',
  ])('%s is a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  test.each([randomBody(40), randomBody(64, 'b64url'), `ghp_${randomBody(36)}`, `sk_live_${randomBody(24)}`, randomBody(40, 'hex')])(
    'random body %s is not a placeholder',
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
    },
  );

  test('placeholder words do not fire on thousands of random key bodies', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 5000; seed++) if (isPlaceholder(`sk-proj-${randomBody(120, 'b64url', seed)}`)) flagged++;
    expect(flagged).toBeLessThanOrEqual(5); // < 0.1 %: a lost real key costs more than a decoy
  });

  test('words count in the case variants people write, not in any mix of cases', () => {
    for (const value of ['key-Your-Q8z7Lp9Wc4', 'key-YOUR-Q8z7Lp9Wc4', 'key-your-Q8z7Lp9Wc4', 'Q8z7Lp9Wc4_Example']) expect(isPlaceholder(value)).toBe(true);
    for (const value of ['key-yOuR-Q8z7Lp9Wc4', 'key-yoUR-Q8z7Lp9Wc4', 'Q8z7Lp9Wc4_eXAMPLE']) expect(isPlaceholder(value)).toBe(false);
  });
});

// The word and prefix checks as they were before they were made faster (toLowerCase first, a
// regex's match for the prefix): the references the faster ones must agree with, input for input.
const WORDS = ['example', 'sample', 'your', 'placeholder', 'dummy', 'redacted', 'changeme', 'change_me', 'insert', 'replace', 'fake', 'xxxx', 'here'];
function hasWordAsFirstWritten(secret: string): boolean {
  const lower = secret.toLowerCase();
  return WORDS.some((w) => lower.includes(w) && [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)].some((v) => secret.includes(v)));
}
function bodyAsFirstWritten(secret: string): string {
  const m = /^(?:[A-Za-z]{1,10}[-_]){1,3}/.exec(secret);
  return m && m[0].length < secret.length - 8 ? secret.slice(m[0].length) : secret;
}

test('the faster word and prefix checks judge as the first ones did, beyond ASCII too', () => {
  // pieces that make words, near-words, prefixes of every length and case-folding oddities (Kelvin K, İ, long s)
  const pieces = ['your', 'YOUR', 'Your', 'yOuR', 'fa', 'ke', 'fa\u212Ae', 'FAKE', 'xx', 'here', 'İ', 'ſ', 'example', 'sk', 'proj', 'abcdefghij', 'abcdefghijk', '-', '_', '-_', 'Q8z7', '0'];
  const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  // half the pieces random letters and digits, so that both answers come often
  const piece = (): string => (next(2) === 0 ? pieces[next(pieces.length)]! : Array.from({ length: 1 + next(4) }, () => alnum[next(alnum.length)]).join(''));
  let words = 0;
  let stripped = 0;
  for (let i = 0; i < 20000; i++) {
    const text = Array.from({ length: 1 + next(14) }, piece).join('');
    const word = hasWordAsFirstWritten(text);
    if (word) words++;
    expect(hasPlaceholderWord(text), text).toBe(word);
    const body = bodyAsFirstWritten(text);
    if (body !== text) stripped++;
    expect(bodyOf(text), text).toBe(body);
  }
  // both answers met many times
  for (const count of [words, stripped]) {
    expect(count).toBeGreaterThan(1000);
    expect(count).toBeLessThan(19000);
  }
});
