// Baselines and reports are written whole or not at all: a full disk or a directory the user may not
// write to is one line on stderr and exit 2, and the old baseline is left as it was.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLI, runBuiltCli } from '../helpers/cli.js';
import { fakeGithubToken } from '../helpers/fake-keys.js';
import { tempTree } from '../helpers/tmp.js';

const KEY = fakeGithubToken(21);
const OTHER = fakeGithubToken(22);
/** Root ignores file modes: the CLI runs without the capabilities that let it (as test/cli.test.ts does). */
const unprivileged = process.getuid?.() === 0 ? { wrapper: ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] } : {};

/** A 64 KiB tmpfs, filled to the last byte: a real ENOSPC. Mounting needs root; without it the tests say so and skip. */
let full: string | undefined;
beforeAll(() => {
  const dir = tempTree();
  const mnt = join(dir, 'full');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    console.warn('SKIPPED: cannot mount a tmpfs here (needs root): the ENOSPC tests of test/hostile/writes.test.ts did not run');
    return;
  }
  full = mnt;
});
afterAll(() => {
  if (full !== undefined) execFileSync('umount', [full]);
});

/** Writes the old file, then fills the file system so not one more block fits. */
function fillUp(dir: string, keep: Record<string, string>): void {
  for (const [name, text] of Object.entries(keep)) writeFileSync(join(dir, name), text);
  const chunk = Buffer.alloc(4096, 120);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch {
      break;
    }
  }
}

describe('a full disk', () => {
  test('keyscan baseline keeps the old baseline whole, says so in one line, exits 2', async (ctx) => {
    if (full === undefined) return ctx.skip();
    const old = `${JSON.stringify({ tool: 'keyscan', version: 1, findings: [] }, null, 2)}\n`;
    fillUp(full, { 'baseline.json': old });
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n`, 'b.ts': `const b = "${OTHER}";\n` });
    const out = join(full, 'baseline.json');
    for (const args of [['baseline', '-o', out], ['baseline', '--prune', '--baseline', out]]) {
      const run = await runBuiltCli(args, { cwd: root });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toBe(`keyscan: cannot write baseline ${out}: no space left on the device (ENOSPC)\n`);
      expect(readFileSync(out, 'utf8')).toBe(old);
      expect(readdirSync(full).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
    for (const n of readdirSync(full)) rmSync(join(full, n));
  });

  test('--output and --report leave no partial file behind', async (ctx) => {
    if (full === undefined) return ctx.skip();
    fillUp(full, {});
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n` });
    for (const args of [['.', '-o', join(full, 'out.txt')], ['.', '--report', `json=${join(full, 'r.json')}`]]) {
      const run = await runBuiltCli(args, { cwd: root });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^keyscan: cannot write report .*: no space left on the device \(ENOSPC\)\n$/);
    }
    expect(existsSync(join(full, 'out.txt'))).toBe(false);
    expect(existsSync(join(full, 'r.json'))).toBe(false);
    expect(readdirSync(full).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const n of readdirSync(full)) rmSync(join(full, n));
  });

  test('--output /dev/full: ENOSPC in one line, exit 2, and the device is not replaced', async () => {
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n` });
    const run = await runBuiltCli(['.', '-o', '/dev/full'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('keyscan: cannot write report /dev/full: no space left on the device (ENOSPC)\n');
    expect(execFileSync('stat', ['-c', '%F', '/dev/full'], { encoding: 'utf8' }).trim()).toBe('character special file');
  });
});

describe('permissions', () => {
  test('a read-only directory: EACCES in one line, exit 2', async () => {
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n`, 'ro/.keep': '' });
    chmodSync(join(root, 'ro'), 0o555);
    for (const args of [['baseline', '-o', 'ro/baseline.json'], ['.', '-o', 'ro/report.txt'], ['.', '--report', 'sarif=ro/r.sarif']]) {
      const run = await runBuiltCli(args, { cwd: root, ...unprivileged });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^keyscan: cannot write (baseline|report) ro\/\S+: permission denied \(EACCES\)\n$/);
    }
    expect(readdirSync(join(root, 'ro'))).toEqual(['.keep']);
  });

  test('a writable baseline in a read-only directory is still rewritten (in place)', async () => {
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n`, 'ro/baseline.json': '{}\n' });
    chmodSync(join(root, 'ro/baseline.json'), 0o666);
    chmodSync(join(root, 'ro'), 0o555);
    const run = await runBuiltCli(['baseline', '-o', 'ro/baseline.json'], { cwd: root, ...unprivileged });
    expect(run.code).toBe(0);
    expect((JSON.parse(readFileSync(join(root, 'ro/baseline.json'), 'utf8')) as { findings: unknown[] }).findings).toHaveLength(1);
  });
});

describe('whole files', () => {
  test('killed the moment it starts writing, keyscan baseline leaves the old baseline as it was', async () => {
    // 20 000 keys: a baseline of a few MB, so the write takes a while
    const lines = Array.from({ length: 20_000 }, (_, i) => `k${i} = "${fakeGithubToken(1000 + i)}"`).join('\n');
    const root = tempTree({ 'keys.txt': `${lines}\n`, 'out/.keep': '' });
    const old = `${JSON.stringify({ tool: 'keyscan', version: 1, findings: [] }, null, 2)}\n`;
    const out = join(root, 'out');
    writeFileSync(join(out, 'baseline.json'), old);
    const child = spawn(process.execPath, [CLI, 'baseline', '-o', 'out/baseline.json'], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // the first change in out/ (a temporary file, or the baseline itself) and the writer is killed
    const watcher = watch(out, () => child.kill('SIGKILL'));
    await exited;
    watcher.close();
    expect(readFileSync(join(out, 'baseline.json'), 'utf8')).toBe(old);
  });

  test('a baseline is replaced by rename: no temporary file is left, the content is complete JSON', async () => {
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n`, 'b.ts': `const b = "${OTHER}";\n` });
    const run = await runBuiltCli(['baseline'], { cwd: root });
    expect(run.code).toBe(0);
    expect((JSON.parse(readFileSync(join(root, '.keyscan-baseline.json'), 'utf8')) as { findings: unknown[] }).findings).toHaveLength(2);
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  test('-o /dev/stdout into a pipe still writes to the pipe (a device is never renamed over)', () => {
    const root = tempTree({ 'a.ts': `const a = "${KEY}";\n` });
    const out = execFileSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} . -o /dev/stdout --format json | cat`], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('"github-pat"');
  });
});
