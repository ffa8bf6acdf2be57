import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { batchesBySize, isOversized, sizeOnDisk, type BatchLimits } from '../src/batch-by-size.js';
import { tempTree } from './helpers/tmp.js';

const LIMITS: BatchLimits = { bytes: 100, files: 4 };

/** Files named by size, so a batch reads as the sizes in it. */
const entries = (sizes: readonly number[]) => sizes.map((size, i) => ({ abs: `/t/${i}`, rel: `${i}`, size }));

async function batchSizes(sizes: readonly number[], limits = LIMITS): Promise<{ sizes: number[]; bytes: number }[]> {
  const out = [];
  for await (const batch of batchesBySize(entries(sizes), (f) => f.size, limits)) out.push({ sizes: batch.files.map((f) => f.size), bytes: batch.bytes });
  return out;
}

describe('batchesBySize', () => {
  test('fills each batch up to the byte budget, never over it, in walk order', async () => {
    expect(await batchSizes([40, 40, 30, 50, 50, 10])).toEqual([
      { sizes: [40, 40], bytes: 80 },
      { sizes: [30, 50], bytes: 80 },
      { sizes: [50, 10], bytes: 60 },
    ]);
  });

  test('a file over the budget is a batch of its own, and the small files around it keep filling theirs', async () => {
    expect(await batchSizes([30, 500, 30, 100, 20])).toEqual([
      { sizes: [500], bytes: 500 },
      { sizes: [100], bytes: 100 },
      { sizes: [30, 30, 20], bytes: 80 },
    ]);
  });

  test('many tiny or empty files still make several batches', async () => {
    const batches = await batchSizes(new Array(10).fill(0));
    expect(batches.map((b) => b.sizes.length)).toEqual([4, 4, 2]);
  });

  test('every file lands in exactly one batch', async () => {
    const sizes = Array.from({ length: 200 }, (_, i) => (i * 37) % 150);
    const files = [];
    for await (const batch of batchesBySize(entries(sizes), (f) => f.size, LIMITS)) {
      expect(batch.bytes).toBe(batch.files.reduce((sum, f) => sum + f.size, 0));
      expect(batch.files.length === 1 || batch.bytes <= LIMITS.bytes).toBe(true);
      files.push(...batch.files.map((f) => f.rel));
    }
    expect(files.sort()).toEqual(entries(sizes).map((f) => f.rel).sort());
  });

  test('nothing in, no batch out', async () => {
    expect(await batchSizes([])).toEqual([]);
  });

  test('only a lone file at or over the budget counts as oversized', () => {
    expect(isOversized({ files: [], bytes: 100 }, LIMITS)).toBe(true);
    expect(isOversized({ files: [], bytes: 99 }, LIMITS)).toBe(false);
  });
});

describe('sizeOnDisk', () => {
  test('is the size stat gives, and 0 for a file gone since the walk', () => {
    const root = tempTree({ 'a.txt': 'x'.repeat(1234) });
    expect(sizeOnDisk({ abs: join(root, 'a.txt'), rel: 'a.txt' })).toBe(1234);
    expect(sizeOnDisk({ abs: join(root, 'gone.txt'), rel: 'gone.txt' })).toBe(0);
  });

  test('reads a name that is not UTF-8 by its bytes', () => {
    const root = tempTree();
    const abs = Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]);
    writeFileSync(abs, 'y'.repeat(77));
    expect(sizeOnDisk({ abs, rel: 'bad-\\xff\\xfe.txt' })).toBe(77);
  });
});
