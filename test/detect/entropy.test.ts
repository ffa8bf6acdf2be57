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
