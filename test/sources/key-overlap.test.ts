import { describe, expect, test } from 'vitest';
import { canOverlap, nonOverlappingGroups } from '../../src/sources/key-overlap.js';

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

  test('groups hold no two keys that may overlap, and every key once, in order', () => {
    const keys = ['abcdef', 'bcd', 'xyzq', 'defxyz', 'mnop', 'qrst', 'fz'];
    const groups = nonOverlappingGroups(keys);
    for (const group of groups) for (const a of group) for (const b of group) if (a !== b) expect(canOverlap(a, b), `${a} ${b}`).toBe(false);
    expect(groups.flat().sort()).toEqual([...keys].sort());
    expect(groups[0]).toEqual(['abcdef', 'xyzq', 'mnop']);
    expect(nonOverlappingGroups(['k1-AAAA', 'k2-BBBB', 'k3-CCCC'])).toEqual([['k1-AAAA', 'k2-BBBB', 'k3-CCCC']]);
  });
});
