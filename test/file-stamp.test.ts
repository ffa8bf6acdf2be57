import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32OfBytes } from '../src/detect/checksum.js';
import { crc32Of } from '../src/file-stamp.js';

describe('the stamp of a build input', () => {
  test("is zlib's CRC-32, and the JS table gives the same value where Node has no zlib.crc32", () => {
    const inputs = [Buffer.alloc(0), Buffer.from('123456789'), Buffer.from('[[rules]]\nid = "x"\n'), randomBytes(70_000)];
    expect(crc32OfBytes(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    for (const bytes of inputs) {
      expect(crc32OfBytes(bytes)).toBe(crc32(bytes));
      expect(crc32Of(bytes)).toBe(crc32(bytes));
    }
  });

  test('continues from the CRC of what came before, as one pass over both would', () => {
    const [a, b] = [randomBytes(1000), randomBytes(333)];
    const whole = crc32(Buffer.concat([a, b]));
    expect(crc32Of(b, crc32Of(a))).toBe(whole);
    expect(crc32OfBytes(b, crc32OfBytes(a))).toBe(whole);
  });
});
