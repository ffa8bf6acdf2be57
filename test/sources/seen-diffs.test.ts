import { describe, expect, test } from 'vitest';
import { seenDiffs } from '../../src/sources/seen-diffs.js';

const key = (n: number): string => `${n.toString(16).padStart(40, '0')}..${(n + 1).toString(16).padStart(40, '0')} src/file${n}.ts`;

describe('seenDiffs', () => {
  test('a diff is new once; the same blob pair at another path is another diff', () => {
    const isNew = seenDiffs();
    expect(isNew(key(1))).toBe(true);
    expect(isNew(key(1))).toBe(false);
    expect(isNew(key(1).replace('file1', 'copy1'))).toBe(true);
  });

  test('memory is bounded: a diff is forgotten two generations later, and one met again is kept', () => {
    const isNew = seenDiffs(4);
    expect(isNew(key(0))).toBe(true);
    expect(isNew(key(1))).toBe(true);
    for (let n = 2; n < 6; n++) expect(isNew(key(n))).toBe(true); // 0-3 fill a generation; 4, 5 start the next
    expect(isNew(key(1))).toBe(false); // in the older generation, remembered again in the newer
    for (let n = 6; n < 10; n++) isNew(key(n)); // the newer fills: 0-3 are dropped
    expect(isNew(key(0))).toBe(true); // scanned again: a time cost, never a lost finding
    expect(isNew(key(1))).toBe(false);
  });
});
