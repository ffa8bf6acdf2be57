import { Readable } from 'node:stream';
import { expect, test } from 'vitest';
import { run, type Io } from '../src/run.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { tempRepo } from './helpers/git-repo.js';

function io(cwd: string, stderrIsTTY: boolean, env: Record<string, string | undefined> = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdin: () => Readable.from([]), env, cwd, isTTY: false, stderrIsTTY };
}

test('keyscan git shows commits done / total on a terminal, and nothing in CI or to a pipe', async () => {
  const repo = tempRepo();
  for (let i = 0; i < 5; i++) repo.commitFiles({ [`f${i}.txt`]: `line ${i}\n` }, `c${i}`);
  repo.commitFiles({ 'k.env': `OPENAI_API_KEY=${fakeOpenAiProjectKey(61)}\n` }, 'leak', { noVerify: true });
  const terminal = io(repo.root, true);
  expect(await run(['git', '--format', 'json'], terminal)).toBe(1);
  expect(terminal.err.join('')).toMatch(/keyscan: \d+\/6 commits, [\d.]+ MB, [\d.]+ s/);
  const ci = io(repo.root, true, { CI: 'true' });
  await run(['git', '--format', 'json'], ci);
  expect(ci.err.join('')).toBe('');
  const piped = io(repo.root, false);
  await run(['git', '--format', 'json'], piped);
  expect(piped.err.join('')).toBe('');
});
