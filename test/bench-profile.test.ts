import { expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs bench script, without types
import { stageTimes } from '../bench/profile-summary.mjs';

const frame = (functionName: string, url = '') => ({ functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 });

test('a sample counts for the nearest detect() stage on its stack, by function and module', () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
      { id: 2, callFrame: frame('detect', 'file:///k/dist/detect/detect.js'), children: [3, 5] },
      { id: 3, callFrame: frame('confirmWindows', 'file:///k/dist/detect/confirm.js'), children: [4] },
      { id: 4, callFrame: frame('RegExp: (?:ghp_)[a-z]+'), children: [] },
      { id: 5, callFrame: frame('scan', 'file:///k/dist/detect/prefilter.js'), children: [] },
      // another module's `scan` is not the prefilter
      { id: 6, callFrame: frame('scan', 'file:///k/dist/scan.js'), children: [] },
      { id: 7, callFrame: frame('(garbage collector)'), children: [] },
    ],
    samples: [4, 4, 5, 6, 7, 2, 1],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  const ms = Object.fromEntries((stageTimes(profile) as { stage: string; ms: number }[]).map((r) => [r.stage, r.ms]));
  expect(ms['3 rule confirm (regex)']).toBe(2);
  expect(ms['1 keyword hits (prefilter)']).toBe(1);
  expect(ms['outside detect (walk, read, decode, practices, report, start-up)']).toBe(1);
  expect(ms['(garbage collector)']).toBe(1);
  expect(ms['detect() itself']).toBe(1);
});
