import { describe, expect, test } from 'vitest';
import { isPlaceholder } from '../../src/detect/placeholder.js';
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

// isPlaceholder as it was before its word and prefix checks were made faster (no toLowerCase, no
// match array): the reference the faster one must agree with, input for input.
const WORDS = ['example', 'sample', 'your', 'placeholder', 'dummy', 'redacted', 'changeme', 'change_me', 'insert', 'replace', 'fake', 'xxxx', 'here'];
const WORD_VARIANTS_OF = new Map(WORDS.map((w) => [w, [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]]));
const TEMPLATE_MARKS = ['${', '{{', '}}', '%s', '%(', '****', '...', '…', 'process.env', 'import.meta.env', 'os.getenv', 'os.environ', 'getenv(', 'env(', 'ENV[', 'ENV.fetch', 'secrets.', '$(', '](', '<%'];

/** Strips a token prefix such as `sk-proj-`, `ghp_` or `xoxb-` so only the random body is judged. */
function bodyOf(secret: string): string {
  const m = /^(?:[A-Za-z]{1,10}[-_]){1,3}/.exec(secret);
  return m && m[0].length < secret.length - 8 ? secret.slice(m[0].length) : secret;
}

// Counts per UTF-16 code unit for isRepetitive, reused (it is synchronous) and cleared after each call.
const counts = new Uint32Array(65536);

function isRepetitive(body: string): boolean {
  let distinct = 0;
  let most = 0;
  let longestRun = 1;
  let run = 1;
  let ascending = 1;
  let longestAscending = 1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const count = counts[c]! + 1;
    counts[c] = count;
    if (count === 1) distinct++;
    if (count > most) most = count;
    if (i === 0) continue;
    const prev = body.charCodeAt(i - 1);
    run = c === prev ? run + 1 : 1;
    ascending = c === prev + 1 ? ascending + 1 : 1;
    longestRun = Math.max(longestRun, run);
    longestAscending = Math.max(longestAscending, ascending);
  }
  for (let i = 0; i < body.length; i++) counts[body.charCodeAt(i)] = 0;
  if (distinct <= 3) return true;
  if (most / body.length >= 0.5) return true;
  // A key body that is mostly one run or counts up (abcdef…, 123456…) was typed, not generated.
  if (longestRun >= Math.max(8, body.length / 3)) return true;
  return longestAscending >= 6;
}

/** Every template mark holds one of these: a secret without any skips the marks. */
const TEMPLATE_MARK_CHARS = /[${}%*.…(\[\]<]/;
// a mark added without one of its characters above would never be looked for
if (!TEMPLATE_MARKS.every((mark) => TEMPLATE_MARK_CHARS.test(mark))) throw new Error('TEMPLATE_MARK_CHARS misses a character of a template mark');

function isPlaceholderAsFirstWritten(secret: string): boolean {
  if (TEMPLATE_MARK_CHARS.test(secret)) {
    for (const mark of TEMPLATE_MARKS) if (secret.includes(mark)) return true;
    if (secret.includes('<') && secret.includes('>')) return true;
    if (/^\$[A-Za-z_{]/.test(secret)) return true;
  }
  // A long or multi-line secret (a key block) spells a short word by chance too often to judge by words.
  if (secret.length <= 256 && !secret.includes('\n')) {
    // a variant (YOUR, Your) holds its word once lower-cased: most secrets hold none, and skip the variants
    const lower = secret.toLowerCase();
    for (const word of WORDS) if (lower.includes(word) && WORD_VARIANTS_OF.get(word)!.some((v) => secret.includes(v))) return true;
  }
  const body = bodyOf(secret);
  return body.length >= 4 && isRepetitive(body);
}

test('the faster word and prefix checks judge as the first ones did, beyond ASCII too', () => {
  // pieces that make words, near-words, prefixes of every length, marks and case-folding oddities (Kelvin K, İ, long s)
  const pieces = ['your', 'YOUR', 'Your', 'yOuR', 'fa', 'ke', 'fa\u212Ae', 'FAKE', 'xx', 'here', 'İ', 'ſ', 'example', 'sk', 'proj', 'abcdefghij', 'abcdefghijk', '-', '_', '-_', 'Q8z7', '0', 'x', '${', '<', '>', 'aaaa', '123456'];
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  let placeholders = 0;
  for (let i = 0; i < 20000; i++) {
    // half the pieces random letters and digits, so that both verdicts come often
    const alnum = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const piece = (): string => (next(2) === 0 ? pieces[next(pieces.length)]! : Array.from({ length: 1 + next(4) }, () => alnum[next(alnum.length)]).join(''));
    const text = Array.from({ length: 1 + next(14) }, piece).join('');
    const expected = isPlaceholderAsFirstWritten(text);
    if (expected) placeholders++;
    expect(isPlaceholder(text), text).toBe(expected);
  }
  // both verdicts were met many times
  expect(placeholders).toBeGreaterThan(1000);
  expect(placeholders).toBeLessThan(19000);
});
