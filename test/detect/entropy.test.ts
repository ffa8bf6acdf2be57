import { expect, test } from 'vitest';
import { shannonEntropy } from '../../src/detect/entropy.js';

test('entropy is 0 for one repeated character and log2(n) for n distinct ones', () => {
  expect(shannonEntropy('')).toBe(0);
  expect(shannonEntropy('aaaaaaaa')).toBe(0);
  expect(shannonEntropy('ab')).toBe(1);
  expect(shannonEntropy('0123456789abcdef')).toBe(4);
});

test('a random-looking token scores higher than a word', () => {
  expect(shannonEntropy('q8Zt2Lp9Wc4Xv8Bn1Mk6Rj3Fs5Dg0Ay')).toBeGreaterThan(4);
  expect(shannonEntropy('passwordpassword')).toBeLessThan(3);
});

/** The definition as first written: a Map per call, summed in the order characters first occur. */
function entropyByMap(text: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) counts.set(text.charCodeAt(i), (counts.get(text.charCodeAt(i)) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return text.length === 0 ? 0 : bits;
}

test('the reused counts give the very bits of a fresh count per call, call after call, beyond ASCII too', () => {
  const pieces = ['a', 'Z', '0', '-', '_', 'é', '😀', 'İ', '\n', 'sk-proj-', 'session-', 'q8Zt2Lp9'];
  let seed = 1;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 2000; i++) {
    const text = Array.from({ length: next(20) }, () => pieces[next(pieces.length)]).join('');
    expect(Object.is(shannonEntropy(text), entropyByMap(text))).toBe(true);
  }
});
