// Fake keys for tests, made at run time from a seeded generator: the repo's own scan never sees
// a key-shaped literal in test sources, and every run uses the same keys.
import { base62, crc32 } from '../../src/detect/checksum.js';

const ALPHABETS = {
  b62: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  b64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  hex: '0123456789abcdef',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
} as const;

/** mulberry32: small, seeded, good enough to make key bodies look random. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBody(length: number, alphabet: keyof typeof ALPHABETS = 'b62', seed = length): string {
  const next = seeded(seed * 7919 + alphabet.length);
  const chars = ALPHABETS[alphabet];
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)];
  return out;
}

export function fakeOpenAiProjectKey(seed = 1): string {
  return ['sk', 'proj', `${randomBody(74, 'b64url', seed)}T3BlbkFJ${randomBody(74, 'b64url', seed + 1)}`].join('-');
}

export function fakeGithubToken(seed = 1, prefix = 'ghp'): string {
  const random = randomBody(30, 'b62', seed);
  return `${prefix}_${random}${base62(crc32(random), 6)}`;
}

export function fakeAwsKeyId(seed = 1): string {
  return ['AKIA', randomBody(16, 'upper', seed)].join('');
}
