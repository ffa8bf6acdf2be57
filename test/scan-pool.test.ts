import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { secretReport } from './helpers/report.js';
import { tempTree } from './helpers/tmp.js';

type Report = { findings: Record<string, unknown>[]; skipped: Record<string, unknown>[]; stats: { files: number; bytes: number } };

async function scanJson(cwd: string, threads: string): Promise<Report> {
  const run = await runBuiltCli(['.', '--format', 'json', '--threads', threads], { cwd, timeoutMs: 120_000 });
  expect(run.code, run.stderr).toBe(1);
  return secretReport<Report>(run.stdout);
}

/** About `bytes` of harmless code with a key on its last line. */
function bigFile(bytes: number, key: string): string {
  const line = 'export const answer = compute(42, "forty-two");\n';
  return `${line.repeat(Math.ceil(bytes / line.length))}const key = "${key}";\n`;
}

describe('the worker pool splits a scan by bytes', () => {
  test('a tree of large files and many small ones gives the same report with workers as in one thread', async () => {
    const files: Record<string, string> = {};
    // files over the 1 MB batch budget, each a batch of its own, among 300 small files
    files['a/huge.js'] = bigFile(6 * 1024 * 1024, fakeOpenAiProjectKey(1));
    files['m/large.js'] = bigFile(2 * 1024 * 1024, fakeOpenAiProjectKey(2));
    files['z/large.js'] = bigFile(1536 * 1024, fakeOpenAiProjectKey(3));
    for (let i = 0; i < 300; i++) files[`pkg${i % 12}/file${i}.ts`] = `export const v${i} = ${i};\n`.repeat(40 + (i % 7) * 200);
    for (const i of [5, 150, 299]) files[`pkg${i % 12}/leak${i}.env`] = `OPENAI_API_KEY=${fakeOpenAiProjectKey(100 + i)}\n`;
    const root = tempTree(files);
    // a name that is not UTF-8: stat'ed for its size by its bytes
    writeFileSync(Buffer.concat([Buffer.from(join(root, 'pkg3', 'odd-')), Buffer.from([0xff]), Buffer.from('.env')]), `K=${fakeOpenAiProjectKey(7)}\n`);

    const single = await scanJson(root, '0');
    expect(single.findings.map((f) => f['file'])).toEqual([
      'a/huge.js', 'm/large.js', 'pkg11/leak299.env', 'pkg3/odd-\\xff.env', 'pkg5/leak5.env', 'pkg6/leak150.env', 'z/large.js',
    ]);
    expect(single.stats.files).toBe(307);
    for (const threads of ['1', '2', '3']) {
      const pooled = await scanJson(root, threads);
      expect(pooled.findings, `--threads ${threads}`).toEqual(single.findings);
      expect(pooled.skipped).toEqual(single.skipped);
      expect(pooled.stats.files).toBe(single.stats.files);
      expect(pooled.stats.bytes).toBe(single.stats.bytes);
    }
  });

  test('a tree of only large files is scanned whole with one worker', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`big${i}.js`] = bigFile(1200 * 1024 + i, fakeOpenAiProjectKey(40 + i));
    const root = tempTree(files);
    const pooled = await scanJson(root, '1');
    expect(pooled.findings.map((f) => f['file'])).toEqual(['big0.js', 'big1.js', 'big2.js', 'big3.js', 'big4.js']);
    expect(pooled.stats.files).toBe(5);
  });
});
