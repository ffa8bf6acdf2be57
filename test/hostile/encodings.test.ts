import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from '../helpers/cli.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// Text in any encoding a tool writes, files by whatever bytes name them, and targets keyscan cannot
// read: none of them may turn into a silent "No secrets found".

const KEY = fakeOpenAiProjectKey(1401);

const secretFiles = (run: CliRun): string[] =>
  (JSON.parse(run.stdout) as { findings: { kind: string; file: string }[] }).findings.filter((f) => f.kind === 'secret').map((f) => f.file).sort();

/** UTF-16 with a byte-order mark, big- or little-endian. */
function utf16(text: string, order: 'be' | 'le'): Buffer {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return order === 'le' ? le : Buffer.from(le).swap16();
}

describe('encodings', () => {
  test('UTF-16 BE and LE files with a byte-order mark are read as text', async () => {
    const root = tempTree({ 'be.env': utf16(`# settings\nOPENAI_API_KEY=${KEY}\n`, 'be'), 'le.env': utf16(`OPENAI_API_KEY=${KEY}\n`, 'le') });
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['be.env', 'le.env']);
    expect(run.stdout).not.toContain(KEY);
  });
});

describe('file names that are not UTF-8', () => {
  test('a file (and a directory) named with a 0xff byte is scanned, and shown with the byte escaped', async () => {
    const root = tempTree({ 'ok.txt': 'nothing here\n' });
    const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    writeFileSync(bytes(root, '/n', [0xff], 'me.env'), `OPENAI_API_KEY=${KEY}\n`);
    mkdirSync(bytes(root, '/d', [0xfe]));
    writeFileSync(bytes(root, '/d', [0xfe], '/app.env'), `OPENAI_API_KEY=${KEY}\n`);
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, env: cliEnv() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(secretFiles(run)).toEqual(['d\\xfe/app.env', 'n\\xffme.env']);
  });
});

describe('targets named on the command line that cannot be read', () => {
  // root reads anything: as root, the scan runs without the capabilities that bypass file modes
  const asUser = process.getuid?.() === 0 ? { wrapper: ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] } : {};

  test('an unreadable file is an error (exit 2), not "No secrets found"', async () => {
    const root = tempTree({ 'locked.env': `OPENAI_API_KEY=${KEY}\n` });
    chmodSync(join(root, 'locked.env'), 0o000);
    const run = await runBuiltCli(['locked.env'], { cwd: root, env: cliEnv(), ...asUser });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('keyscan: cannot read locked.env: permission denied\n');
    expect(run.stdout).not.toContain('No secrets found');
  });

  test('an unreadable directory is an error (exit 2)', async () => {
    const root = tempTree({ 'locked/app.env': `OPENAI_API_KEY=${KEY}\n` });
    chmodSync(join(root, 'locked'), 0o000);
    const run = await runBuiltCli(['locked'], { cwd: root, env: cliEnv(), ...asUser });
    chmodSync(join(root, 'locked'), 0o755); // so the temp dir can be removed
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('keyscan: cannot read locked: permission denied\n');
  });
});
