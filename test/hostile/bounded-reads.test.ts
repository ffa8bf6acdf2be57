import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from '../helpers/cli.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, tempRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// Nothing in a scanned tree may make keyscan read without bounds or wait forever: links leading out
// of the tree, /proc files whose size says 0, FIFOs, huge staged or committed files, one-line giants.

const INSIDE_KEY = fakeOpenAiProjectKey(1301);
const OUTSIDE_KEY = fakeOpenAiProjectKey(1302);
const BIG_KEY = fakeOpenAiProjectKey(1303);

interface Report {
  findings: { kind: string; file: string }[];
  stats: { files: number; skipped: number; skippedReasons: Record<string, number> };
}

const secretFiles = (run: CliRun): string[] =>
  (JSON.parse(run.stdout) as Report).findings.filter((f) => f.kind === 'secret').map((f) => f.file).sort();
const skippedReasons = (run: CliRun): Record<string, number> => (JSON.parse(run.stdout) as Report).stats.skippedReasons;

/** A preload for the built CLI that records its peak RSS at exit: NODE_OPTIONS for a run, and the last run's peak in KB. */
function peakRssProbe(): { readonly nodeOptions: string; kb(): number } {
  const work = tempTree();
  const rssOut = join(work, 'rss');
  const preload = join(work, 'rss.cjs');
  writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssOut)}, String(process.resourceUsage().maxRSS)));\n`);
  return { nodeOptions: `--require ${preload}`, kb: () => Number(readFileSync(rssOut, 'utf8')) };
}

describe('links out of the scanned tree', () => {
  test('a link to /proc/self/pagemap or to a file outside is skipped with its reason; the scan goes on', async () => {
    const outside = tempTree({ 'secret.env': `OPENAI_API_KEY=${OUTSIDE_KEY}\n` });
    const root = tempTree({ 'app.env': `OPENAI_API_KEY=${INSIDE_KEY}\n`, 'docs/readme.md': '# docs\n' });
    symlinkSync('/proc/self/pagemap', join(root, 'pagemap'));
    symlinkSync(join(outside, 'secret.env'), join(root, 'docs', 'linked.env'));
    symlinkSync('../app.env', join(root, 'docs', 'inside-link.env')); // inside: followed
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: cliEnv(), timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['app.env', 'docs/inside-link.env']);
    expect(skippedReasons(run)).toEqual({ 'symlink-outside': 2 });
    expect(run.stderr).toContain('keyscan: warning: skipped pagemap: link outside the scanned tree');
    expect(run.stderr).toContain('keyscan: warning: skipped docs/linked.env: link outside the scanned tree');
    expect(run.stdout + run.stderr).not.toContain(OUTSIDE_KEY);
  });

  test('with only the outside link, the scan is clean (exit 0) and says what it skipped', async () => {
    const outside = tempTree({ 'secret.env': `OPENAI_API_KEY=${OUTSIDE_KEY}\n` });
    const root = tempTree({ 'readme.md': '# hi\n' });
    symlinkSync(join(outside, 'secret.env'), join(root, 'linked.env'));
    const run = await runBuiltCli(['.'], { cwd: root, env: cliEnv() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 skipped (1 symlink outside)');
  });
});

describe('reads that would block or never end', () => {
  test('a FIFO in the tree, and a link to it, do not hang the walk', async () => {
    const root = tempTree({ 'app.env': `OPENAI_API_KEY=${INSIDE_KEY}\n` });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    symlinkSync('pipe', join(root, 'pipe-link'));
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: cliEnv(), timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['app.env']);
  });

  test('a FIFO or a device named on the command line is skipped without blocking', async () => {
    const root = tempTree();
    execFileSync('mkfifo', [join(root, 'pipe')]);
    for (const target of ['pipe', '/dev/zero']) {
      const run = await runBuiltCli([target, '--format', 'json'], { cwd: root, env: cliEnv(), timeoutMs: 20_000 });
      expect(run.code).toBe(0);
      expect(skippedReasons(run)).toEqual({ special: 1 });
    }
  });

  test('a /proc file (its size says 0) named on the command line is read no further than --max-file-size', async () => {
    const root = tempTree();
    // /proc/self/maps of the scanning process: far above 1 KB, yet stat says 0
    const run = await runBuiltCli(['/proc/self/maps', '--max-file-size', '1KB', '--format', 'json'], { cwd: root, env: cliEnv(), timeoutMs: 20_000 });
    expect(run.code).toBe(0);
    expect(skippedReasons(run)).toEqual({ 'too-large': 1 });
  });

  test('standard input is read no further than --max-file-size', async () => {
    const root = tempTree();
    const run = await runBuiltCli(['-', '--max-file-size', '1KB', '--format', 'json'], { cwd: root, env: cliEnv(), input: `OPENAI_API_KEY=${BIG_KEY}\n${'x'.repeat(4096)}\n` });
    expect(run.code).toBe(0);
    expect(skippedReasons(run)).toEqual({ 'too-large': 1 });
  });
});

describe('staged and committed files get the same size limit', () => {
  const big = `OPENAI_API_KEY=${BIG_KEY}\n${'// filler line\n'.repeat(400)}`; // ~6 KB
  const small = `OPENAI_API_KEY=${INSIDE_KEY}\n`;

  test('keyscan staged: a file diff adding more than --max-file-size is skipped with a reason', async () => {
    const repo = tempRepo({ 'big.env': big, 'small.env': small }, { stage: true });
    const run = await runBuiltCli(['staged', '--max-file-size', '2KB', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['small.env']);
    expect(skippedReasons(run)).toEqual({ 'too-large': 1 });
    const text = await runBuiltCli(['staged', '--max-file-size', '2KB'], { cwd: repo.root, env: cliEnv() });
    expect(text.stdout).toContain('1 skipped (1 too large)');
  });

  test('keyscan git: the same, per commit', async () => {
    const repo = tempRepo({ 'big.env': big, 'small.env': small }, { commit: 'both' });
    const run = await runBuiltCli(['git', '--max-file-size', '2KB', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['small.env']);
    expect(skippedReasons(run)).toEqual({ 'too-large': 1 });
  });

  test('a single line longer than the limit makes its file too large, and the next file is still scanned', async () => {
    const repo = tempRepo({ 'a-one-line.min.js': `var k="${BIG_KEY}";${'x'.repeat(8192)}`, 'b.env': small }, { stage: true });
    const run = await runBuiltCli(['staged', '--max-file-size', '2KB', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['b.env']);
    expect(skippedReasons(run)).toEqual({ 'too-large': 1 });
  });

  test('a staged 50 MB one-line file does not cost 50 MB of memory', async () => {
    const peak = peakRssProbe();
    const peakKb = async (cwd: string): Promise<number> => {
      const run = await runBuiltCli(['staged'], { cwd, env: cliEnv({ NODE_OPTIONS: peak.nodeOptions }) });
      expect(run.code).toBe(0);
      return peak.kb();
    };
    const baseline = tempRepo({ 'small.txt': 'hello\n' }, { stage: true });
    const giant = tempRepo();
    mkdirSync(join(giant.root, 'dist'));
    writeFileSync(join(giant.root, 'dist', 'bundle.js'), Buffer.alloc(50 * 1024 * 1024, 'a'));
    giant.stage();
    const extraMb = ((await peakKb(giant.root)) - (await peakKb(baseline.root))) / 1024;
    // measured: about 45 MB of stream buffers and garbage, whatever the file's size; 140 MB before
    expect(extraMb).toBeLessThan(90);
  }, 60_000);
});

describe('the search at HEAD for the keys a history scan found', () => {
  // git grep -o prints a key once per place: a file at HEAD that repeats a key found in history a
  // few hundred thousand times makes that output as large as the file
  test('a file at HEAD repeating a found key costs its size in git grep output, not in memory', async () => {
    const peak = peakRssProbe();
    const peakKb = async (cwd: string): Promise<number> => {
      const run = await runBuiltCli(['git', '--format', 'json'], { cwd, env: cliEnv({ NODE_OPTIONS: peak.nodeOptions }), timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      // still at HEAD, so not "gone from the tree but still in history"
      const findings = (JSON.parse(run.stdout) as { findings: { kind: string; practices?: string[] }[] }).findings;
      expect(findings.filter((f) => f.kind === 'secret').length).toBeGreaterThan(0);
      expect(findings.flatMap((f) => f.practices ?? [])).not.toContain('practice/leaked-in-history');
      return peak.kb();
    };
    const key = `OPENAI_API_KEY=${BIG_KEY}\n`;
    const baseline = tempRepo({ 'a.env': key }, { commit: 'a key' });
    baseline.commitFiles({ 'small.txt': `${BIG_KEY} `.repeat(10) }, 'the key, repeated a little');
    const repeated = tempRepo({ 'a.env': key }, { commit: 'a key' });
    repeated.commitFiles({ 'big.txt': `${BIG_KEY} `.repeat(400_000) }, 'the key, repeated 400,000 times (66 MB)');
    const extraMb = ((await peakKb(repeated.root)) - (await peakKb(baseline.root))) / 1024;
    // measured: about 66 MB more (the 66 MB diff read through git log, then dropped); 160-190 MB more when
    // the grep's output was held whole
    expect(extraMb).toBeLessThan(110);
  }, 90_000);
});

describe('settings files that would block', () => {
  test('a FIFO named .gitignore, .keyscanignore or .gitleaksignore neither hangs the scan nor hides a key', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    repo.write({ 'app.ts': `export const key = "${INSIDE_KEY}";\n` });
    for (const name of ['.gitignore', '.keyscanignore', '.gitleaksignore']) execFileSync('mkfifo', [join(repo.root, name)]);
    const started = Date.now();
    const run = await runBuiltCli(['.', '--format', 'json', '--validate', '--validate-endpoint', 'openai=http://127.0.0.1:9', '--validate-timeout', '1'], { cwd: repo.root, env: cliEnv(), timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['app.ts']);
  });

  // package.json tells which packages run in browsers (the client-side practice): it is read from
  // the tree as any other file is, so a FIFO there once made the pre-commit hook wait forever
  test('a FIFO named package.json hangs neither the hook, nor a scan, nor a history scan, and hides no key', async () => {
    const repo = tempRepo({ 'web/index.ts': `export const key = "${INSIDE_KEY}";\n` }, { commit: 'leak' });
    repo.write({ 'web/app.ts': `export const other = "${OUTSIDE_KEY}";\n` });
    repo.stage();
    execFileSync('mkfifo', [join(repo.root, 'package.json')]);
    execFileSync('mkfifo', [join(repo.root, 'web', 'package.json')]);
    for (const [args, files] of [
      [['staged'], ['web/app.ts']],
      [['.'], ['web/app.ts', 'web/index.ts']],
      [['git'], ['web/index.ts']],
    ] as const) {
      const started = Date.now();
      const run = await runBuiltCli([...args, '--format', 'json'], { cwd: repo.root, env: cliEnv(), timeoutMs: 20_000 });
      expect(Date.now() - started, args.join(' ')).toBeLessThan(15_000);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(1);
      expect(secretFiles(run)).toEqual(files);
    }
  }, 60_000);
});
