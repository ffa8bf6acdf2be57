import { describe, expect, test } from 'vitest';
import { literalSearch } from '../../src/sources/literal-search.js';

const found = (literals: string[], files: (string | string[])[]): string[] => {
  const search = literalSearch(literals);
  for (const file of files) {
    for (const piece of typeof file === 'string' ? [file] : file) search.feed(Buffer.from(piece));
    search.endFile();
  }
  return [...search.found].sort();
};

describe('literalSearch', () => {
  test('finds each literal that occurs, and only those', () => {
    expect(found(['sk-live-aaaa1111', 'sk-live-bbbb2222', 'short', 'käy-ñ-ü'], ['x = "sk-live-aaaa1111";\nshort', 'nothing here', 'utf8: käy-ñ-ü!'])).toEqual(['käy-ñ-ü', 'short', 'sk-live-aaaa1111']);
  });

  test('a literal cut between two pieces of a file is found; one cut between two files is not', () => {
    expect(found(['abcdefghijklmnop'], [['xxabcdefg', 'hijklmnopyy']])).toEqual(['abcdefghijklmnop']);
    expect(found(['abcdefghijklmnop'], ['xxabcdefg', 'hijklmnopyy'])).toEqual([]);
    expect(found(['abcdefghijklmnop'], [['a', 'b', 'c', 'd', 'efghijklmno', 'p']])).toEqual(['abcdefghijklmnop']);
  });

  test('literals shorter than the hash width, sharing a prefix, at the very start and end', () => {
    expect(found(['ab', 'abcdefghij', 'abcdefghik', 'zz'], ['abcdefghik', 'ab', 'xzz'])).toEqual(['ab', 'abcdefghik', 'zz']);
  });

  test('tens of thousands of literals at once, sharing the bitmap and the hash buckets', () => {
    const keys = Array.from({ length: 35_000 }, (_, i) => `key_${i.toString(36).padStart(8, '0')}_${(i * 7919).toString(16)}`);
    const text = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `const value${i} = compute(${i}, "${i % 1000 === 0 ? keys[i / 1000]! : 'nothing'}");\n`).join(''));
    const search = literalSearch(keys);
    search.feed(text);
    expect([...search.found].sort()).toEqual(keys.filter((_, i) => i < 50).sort());
  });
});
