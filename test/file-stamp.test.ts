import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { crc32InJs, crc32Of } from '../src/file-stamp.js';

describe('the stamp of a build input', () => {
  test("is zlib's CRC-32, and the JS table gives the same value where Node has no zlib.crc32", () => {
    const inputs = [Buffer.alloc(0), Buffer.from('123456789'), Buffer.from('[[rules]]\nid = "x"\n'), randomBytes(70_000)];
    expect(crc32InJs(Buffer.from('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    for (const bytes of inputs) {
      expect(crc32InJs(bytes)).toBe(crc32(bytes));
      expect(crc32Of(bytes)).toBe(crc32(bytes));
    }
  });

  test('continues from the CRC of what came before, as one pass over both would', () => {
    const [a, b] = [randomBytes(1000), randomBytes(333)];
    const whole = crc32(Buffer.concat([a, b]));
    expect(crc32Of(b, crc32Of(a))).toBe(whole);
    expect(crc32InJs(b, crc32InJs(a))).toBe(whole);
  });
});
