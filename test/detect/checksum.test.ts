import { expect, test } from 'vitest';
import { base62, crc32, passesChecksum } from '../../src/detect/checksum.js';
import { fakeGithubToken } from '../helpers/fake-keys.js';

test('crc32 matches the standard check value', () => {
  expect(crc32('123456789')).toBe(0xcbf43926);
});

test('base62 encodes with digits, then upper, then lower case, padded to the width', () => {
  expect(base62(0x2a95ee6d, 6)).toBe('0mLq17');
  expect(base62(0, 6)).toBe('000000');
});

test('a GitHub-style token passes only with its checksum', () => {
  const token = fakeGithubToken(7);
  expect(passesChecksum('github-crc32', token)).toBe(true);
  const broken = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  expect(passesChecksum('github-crc32', broken)).toBe(false);
});

test('a JWT needs a JSON header naming an algorithm, a JSON payload and a signature', () => {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signature = 'Zk3mQ9wE7rT4yU6iO0pA2sD8fG5hJ3kL';
  expect(passesChecksum('jwt', `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '1' })}.${signature}`)).toBe(true);
  expect(passesChecksum('jwt', `${b64({ alg: 'none' })}.${b64({ sub: '1' })}.${signature}`)).toBe(false);
  expect(passesChecksum('jwt', `${b64({ alg: 'HS256' })}.${b64({ sub: '1' })}.`)).toBe(false);
  expect(passesChecksum('jwt', `eyJub3QganNvbg.${b64({ sub: '1' })}.${signature}`)).toBe(false);
});
