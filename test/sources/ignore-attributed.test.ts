import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { createAttributedFilter } from '../../src/sources/ignore-attributed.js';
import { workTreeSide } from '../../src/sources/trusted-side.js';

const root = mkdtempSync(join(tmpdir(), 'keyscan-ignore-attributed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

test('a verdict comes at once once its ignore files are read, and is the verdict the reading gave', async () => {
  write('.keyscanignore', '# top\n*.log\nvendor/\n!keep.log\n');
  write('src/.keyscanignore', 'generated/\nsecret.txt\n');
  write('src/deep/.keyscanignore', '!secret.txt\n');
  const paths = ['a.ts', 'x.log', 'keep.log', 'vendor/lib/k.ts', 'src/a.ts', 'src/secret.txt', 'src/generated/g.ts', 'src/deep/secret.txt', 'src/deep/more/secret.txt', 'docs/x.log'];
  const expected: Record<string, string | undefined> = {
    'a.ts': undefined,
    'x.log': '.keyscanignore line 2',
    'keep.log': undefined,
    'vendor/lib/k.ts': '.keyscanignore line 3',
    'src/a.ts': undefined,
    'src/secret.txt': 'src/.keyscanignore line 2',
    'src/generated/g.ts': 'src/.keyscanignore line 1',
    'src/deep/secret.txt': undefined,
    'src/deep/more/secret.txt': undefined,
    'docs/x.log': '.keyscanignore line 2',
  };
  const ignoredBy = createAttributedFilter(workTreeSide(root).read, '.keyscanignore');
  // first asked: a directory not read yet makes the verdict a promise
  expect(ignoredBy('a.ts')).toBeInstanceOf(Promise);
  for (const path of paths) expect(await ignoredBy(path), path).toBe(expected[path]);
  // asked again: every file it depends on is read, so the same verdict comes as a value
  for (const path of paths) {
    const again = ignoredBy(path);
    expect(again instanceof Promise, path).toBe(false);
    expect(again, path).toBe(expected[path]);
  }
  // a new path in a directory already read is judged at once too; one in a new directory waits
  expect(ignoredBy('src/other.log')).toBe('.keyscanignore line 2');
  expect(ignoredBy('lib/new.ts')).toBeInstanceOf(Promise);
});
