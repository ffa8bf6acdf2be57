import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { secretsAtHead } from '../../src/sources/git.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { tempRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

const KEYS = Array.from({ length: 12 }, (_, i) => fakeOpenAiProjectKey(1400 + i));

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

  // the checkout is searched for speed: wherever it, or the index, is not HEAD, the answer must
  // still be HEAD's, as the search of HEAD's blobs (secretsAtHead(…, 0)) gives it
  test('a work tree or an index that differs from HEAD does not change the answer', async () => {
    const k = KEYS;
    const repo = tempRepo();
    repo.commitFiles(
      {
        'edited.env': `A=${k[0]}\n`,
        'deleted.env': `D=${k[3]}\n`,
        'unstaged-rm.env': `E=${k[4]}\n`,
        'we:ird\nname.env': `G=${k[6]}\n`,
        'assumed.env': `H=${k[7]}\n`,
        'staged-edit.env': `J=${k[9]}\n`,
      },
      'keys at HEAD',
    );
    repo.write({ 'edited.env': `B=${k[1]}\n` }); // A gone from disk only, B on disk only
    repo.write({ 'staged-new.env': `C=${k[2]}\n` });
    repo.stage('staged-new.env'); // staged, never committed
    repo.remove('deleted.env'); // deleted from disk, not staged
    repo.git(['rm', '-q', '--cached', 'unstaged-rm.env']); // deleted from the index, still on disk
    repo.write({ 'untracked.env': `F=${k[5]}\n` });
    repo.git(['update-index', '--assume-unchanged', 'assumed.env']);
    repo.write({ 'assumed.env': `I=${k[8]}\n` }); // git greps the index blob of an assumed file
    repo.write({ 'staged-edit.env': `K=${k[10]}\n` });
    repo.stage('staged-edit.env');
    const expected = [k[0], k[3], k[4], k[6], k[7], k[9]].sort();
    expect([...(await secretsAtHead(repo.root, KEYS, 0))!].sort()).toEqual(expected);
    expect([...(await secretsAtHead(repo.root, KEYS))!].sort()).toEqual(expected);
  });

  test('with many paths changed, or no work tree at all (HEAD searched whole), the answer is the same', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) files[`f${i}.txt`] = `line ${i}\n`;
    const repo = tempRepo();
    repo.commitFiles({ ...files, 'key.env': `A=${KEYS[0]}\n` }, 'many files');
    const edited: Record<string, string> = {};
    for (let i = 0; i < 250; i++) edited[`f${i}.txt`] = `line ${i} edited\n`;
    repo.write({ ...edited, 'key.env': `B=${KEYS[1]}\n` });
    expect([...(await secretsAtHead(repo.root, KEYS))!]).toEqual([KEYS[0]]);
    const bare = join(tempTree(), 'bare.git');
    repo.git(['clone', '-q', '--bare', repo.root, bare]);
    expect([...(await secretsAtHead(bare, KEYS))!]).toEqual([KEYS[0]]);
  });

  test('without a HEAD (no commit yet) it says it cannot tell', async () => {
    const repo = tempRepo({ 'a.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    expect(await secretsAtHead(repo.root, KEYS)).toBeUndefined();
    expect(await secretsAtHead(repo.root, KEYS, 0)).toBeUndefined();
  });
});
