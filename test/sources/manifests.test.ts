import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { packageManifests } from '../../src/sources/manifests.js';
import { tempTree } from '../helpers/tmp.js';

// packageManifests lists what fast-glob '**/package.json' listed with dot: false, no symbolic links
// followed, node_modules ignored and deep: 8 (checked against fast-glob on this tree when written).
describe('packageManifests', () => {
  test('package.json files at most 8 path parts deep, outside dot-directories and node_modules, links not followed', async () => {
    const deep = Array.from({ length: 9 }, (_, i) => `d${i}/`);
    const files: Record<string, string> = { 'package.json': '{"name":"root"}' };
    for (let i = 1; i <= deep.length; i++) files[`${deep.slice(0, i).join('')}package.json`] = `{"depth":${i}}`;
    for (const dir of ['.hidden/', 'x/.cache/', 'node_modules/a/', 'x/node_modules/', 'x/Node_Modules/', 'we[i]rd (1)/', 'target/'])
      files[`${dir}package.json`] = '{}';
    Object.assign(files, { 'x/PACKAGE.JSON': '{}', '.package.json': '{}', 'dir/package.json/inner.txt': 'a directory named package.json' });
    const root = tempTree(files);
    symlinkSync(join(root, 'target'), join(root, 'x', 'linked-dir'));
    symlinkSync(join(root, 'target', 'package.json'), join(root, 'x', 'package.json'));
    mkdirSync(join(root, 'empty'));

    const manifests = await packageManifests(root);
    // in the order of their paths ('d0/d1/…/package.json' before 'd0/package.json')
    expect(manifests.map((m) => m.dir)).toEqual(['d0/d1/d2/d3/d4/d5/d6', 'd0/d1/d2/d3/d4/d5', 'd0/d1/d2/d3/d4', 'd0/d1/d2/d3', 'd0/d1/d2', 'd0/d1', 'd0', '', 'target', 'we[i]rd (1)', 'x/Node_Modules']);
    expect(manifests.find((m) => m.dir === '')?.text).toBe('{"name":"root"}');
  });

  test('a directory that cannot be listed lists nothing', async () => {
    expect(await packageManifests(join(tempTree(), 'missing'))).toEqual([]);
  });
});
