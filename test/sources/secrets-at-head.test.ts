import { describe, expect, test } from 'vitest';
import { secretsAtHead } from '../../src/sources/git.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { tempRepo } from '../helpers/git-repo.js';

const KEYS = Array.from({ length: 6 }, (_, i) => fakeOpenAiProjectKey(1400 + i));

describe('secretsAtHead', () => {
  test('a few keys through git grep and many through the blob search find the same ones', async () => {
    const filler = Array.from({ length: 3000 }, (_, i) => `LINE_${i} = ${i}  # ${'-'.repeat(60)}`).join('\n');
    const repo = tempRepo();
    repo.commitFiles({ 'gone.txt': `key = "${KEYS[4]}"\n` }, 'a key, later removed');
    repo.git(['rm', '-q', 'gone.txt']);
    repo.commitFiles(
      {
        'a.env': `OPENAI_API_KEY=${KEYS[0]}\n`,
        // ~200 KB, read from git in several pieces: a key may be cut between two of them
        'big/settings.py': `${filler}\nKEY = "${KEYS[1]}"\n${filler}\nLAST = "${KEYS[2]}"`,
        // binary (a NUL in its first 8,000 bytes): skipped, as git grep -I does
        'image.bin': Buffer.concat([Buffer.from([0, 1, 2, 3]), Buffer.from(`"${KEYS[3]}"`)]),
      },
      'files at HEAD',
    );
    const expected = [KEYS[0], KEYS[1], KEYS[2]].sort();
    expect([...(await secretsAtHead(repo.root, KEYS))!].sort()).toEqual(expected);
    expect([...(await secretsAtHead(repo.root, KEYS, 0))!].sort()).toEqual(expected);
  });

  // git grep -o reports one match per place: grepped together, a key that HEAD holds only inside
  // another key (or running into one) would go unreported and count as gone from HEAD
  test('a key that HEAD holds only inside another, or overlapping one, is still found, by both searches', async () => {
    const a = KEYS[0]!.slice(0, 60);
    const b = KEYS[0]!;
    const c = KEYS[1]!;
    const d = `${c.slice(-20)}${KEYS[2]!.slice(0, 60)}`;
    const repo = tempRepo();
    repo.commitFiles({ 'a.env': `OPENAI_API_KEY=${b}\n`, 'c.env': `OTHER=${c}${d.slice(20)}\n` }, 'overlapping keys');
    const keys = [a, b, c, d, KEYS[5]!];
    const expected = [a, b, c, d].sort();
    expect([...(await secretsAtHead(repo.root, keys))!].sort()).toEqual(expected);
    expect([...(await secretsAtHead(repo.root, [...keys].reverse()))!].sort()).toEqual(expected);
    expect([...(await secretsAtHead(repo.root, keys, 0))!].sort()).toEqual(expected);
  });

  test('without a HEAD (no commit yet) it says it cannot tell', async () => {
    const repo = tempRepo({ 'a.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    expect(await secretsAtHead(repo.root, KEYS)).toBeUndefined();
    expect(await secretsAtHead(repo.root, KEYS, 0)).toBeUndefined();
  });
});
