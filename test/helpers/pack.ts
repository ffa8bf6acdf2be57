import { spawn } from 'node:child_process';
import { cpSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitEnv } from './git-repo.js';
import { tempTree } from './tmp.js';

export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A copy of the built package (dist/, rules/, package.json; node_modules linked) that a test may
 * damage. Files are copied in that order with new dates: each rule file is newer than dist/rules.jsonl.
 */
export function packageCopy(): string {
  const dir = tempTree();
  cpSync(join(PACKAGE_DIR, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(PACKAGE_DIR, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(join(PACKAGE_DIR, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(PACKAGE_DIR, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export interface ShellRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A user's shell environment for npm, npx and git: node and the system's programs on PATH (no
 * node_modules/.bin of this checkout, no keyscan), none of the npm_* variables `npm test` sets,
 * packages from the local npm cache when it has them, git without global or system config.
 */
export function userEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(gitEnv())) if (!/^npm_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    ...extra,
  });
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  return clean;
}

/** Runs a command line with sh, as a user types it; never throws on a non-zero exit. */
export function sh(command: string, options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface PackedFile {
  readonly path: string;
  readonly mode: number;
}

/**
 * `npm pack` of this checkout, as published: returns the tarball and its listing. --ignore-scripts:
 * `npm test` built dist/ already, and rebuilding it here would pull it from under the other tests.
 */
export async function packTarball(): Promise<{ tarball: string; files: readonly PackedFile[] }> {
  const dest = tempTree();
  const run = await sh(`npm pack --ignore-scripts --json --pack-destination '${dest}'`, { cwd: PACKAGE_DIR, env: userEnv() });
  if (run.code !== 0) throw new Error(`npm pack exited ${run.code}: ${run.stderr}`);
  const [info] = JSON.parse(run.stdout) as [{ filename: string; files: PackedFile[] }];
  return { tarball: join(dest, info.filename), files: info.files };
}
