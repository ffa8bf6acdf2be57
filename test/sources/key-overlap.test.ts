import { describe, expect, test } from 'vitest';
import { canOverlap } from '../../src/sources/key-overlap.js';

describe('keys that may overlap', () => {
  test('one holding the other, or a start of one at the end of the other, may overlap; others may not', () => {
    expect(canOverlap('abcdef', 'bcd')).toBe(true);
    expect(canOverlap('bcd', 'abcdef')).toBe(true);
    expect(canOverlap('abcdef', 'defxyz')).toBe(true);
    expect(canOverlap('defxyz', 'abcdef')).toBe(true);
    expect(canOverlap('abcdef', 'fz')).toBe(true);
    expect(canOverlap('abcdef', 'xyzabq')).toBe(false);
    expect(canOverlap('abcdef', 'abcdef')).toBe(true);
  });

  // secretsAtHead compares each key grep did not report with each it did: at most 50 x 50 of its 100
  test('is linear: 50 x 50 keys of 10,000 characters from a hostile history are compared in moments', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `${'a'.repeat(9_990)}${String(i).padStart(10, 'b')}`);
    const started = Date.now();
    let overlapping = 0;
    for (const a of keys.slice(0, 50)) for (const b of keys.slice(50)) if (canOverlap(a, b)) overlapping++;
    expect(overlapping).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
