import { describe, expect, test } from 'vitest';
import { buildPrefilter } from '../../src/detect/prefilter.js';

function hits(keywords: string[], text: string): [string, number][] {
  const flat: number[] = [];
  buildPrefilter(keywords).scan(text, flat);
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([keywords[flat[i]!]!, flat[i + 1]!]);
  return out;
}

describe('keyword prefilter', () => {
  test('finds every keyword in one pass, in order of where each ends', () => {
    expect(hits(['he', 'she', 'his', 'hers'], 'ushers')).toEqual([
      ['she', 4],
      ['he', 4],
      ['hers', 6],
    ]);
  });

  test('folds ASCII case both ways', () => {
    expect(hits(['sk-proj-', 'ghp_'], 'SK-PROJ-x GhP_y')).toEqual([
      ['sk-proj-', 8],
      ['ghp_', 14],
    ]);
  });

  test('reports overlapping and repeated occurrences', () => {
    expect(hits(['aa'], 'aaaa').map(([, end]) => end)).toEqual([2, 3, 4]);
  });

  test('a text without keywords gives no hits, non-ASCII included', () => {
    expect(hits(['token'], 'tökén tokeN… 🔑 toke n')).toEqual([['token', 11]]);
  });

  test('a keyword that is a suffix of another is found through the failure links', () => {
    expect(hits(['api_key', 'key'], 'my_api_key=1').map(([k]) => k)).toEqual(['api_key', 'key']);
  });
});
