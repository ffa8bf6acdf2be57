import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI } from './cli.js';
import { tempTree } from './tmp.js';

export const AUTHOR = { name: 'Ada Tester', email: 'ada@example.test' } as const;

/**
 * The environment every git (and keyscan) run of the tests gets: none of the caller's GIT_* state
 * (a test run from a hook inherits GIT_INDEX_FILE), no global or system config, English messages.
 */
export function gitEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C', ...extra };
}

/** What runBuiltCli's env option needs: every inherited GIT_* variable unset, the rest as gitEnv. */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const unset: Record<string, undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('GIT_')) unset[k] = undefined;
  return { ...unset, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C', ...extra };
}

export interface GitResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommitOptions {
  /** Author and committer date, as git takes it (`2024-01-02T03:04:05Z`). */
  readonly date?: string;
  /** Skip the pre-commit hook (to plant a key in history). */
  readonly noVerify?: boolean;
}

export interface GitRepo {
  readonly root: string;
  /** Runs git in the repo (or `cwd` below it); throws with git's stderr when it fails. Returns stdout. */
  git(args: readonly string[], options?: { cwd?: string; env?: Record<string, string | undefined> }): string;
  /** Runs git and reports how it went, for commands expected to fail (a refused commit). */
  tryGit(args: readonly string[], options?: { cwd?: string; env?: Record<string, string | undefined> }): GitResult;
  write(files: Record<string, string | Buffer>): void;
  remove(...paths: string[]): void;
  stage(...paths: string[]): void;
  /** Stages everything and commits; returns the full sha of the new commit. */
  commit(message: string, options?: CommitOptions): string;
  /** Writes, stages and commits `files`; returns the sha. */
  commitFiles(files: Record<string, string | Buffer>, message: string, options?: CommitOptions): string;
  head(): string;
  revParse(rev: string): string;
}

function runGit(args: readonly string[], cwd: string, env: Record<string, string | undefined>): GitResult {
  const run = spawnSync('git', args, { cwd, env: gitEnv(env) as NodeJS.ProcessEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { code: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

/** A repository in the directory `root` (which must exist); `git init -b main` with a fixed identity. */
export function repoAt(root: string, options: { init?: boolean } = {}): GitRepo {
  const repo: GitRepo = {
    root,
    git(args, opts = {}) {
      const run = runGit(args, opts.cwd ?? root, opts.env ?? {});
      if (run.code !== 0) throw new Error(`git ${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
      return run.stdout;
    },
    tryGit(args, opts = {}) {
      return runGit(args, opts.cwd ?? root, opts.env ?? {});
    },
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        const abs = join(root, path);
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    },
    remove(...paths) {
      for (const path of paths) rmSync(join(root, path), { recursive: true, force: true });
    },
    stage(...paths) {
      repo.git(['add', '-A', '--', ...(paths.length > 0 ? paths : ['.'])]);
    },
    commit(message, opts = {}) {
      repo.git(['add', '-A']);
      const args = ['commit', '-q', '-m', message];
      if (opts.noVerify) args.push('--no-verify');
      const env = opts.date === undefined ? {} : { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date };
      repo.git(args, { env });
      return repo.head();
    },
    commitFiles(files, message, opts) {
      repo.write(files);
      return repo.commit(message, opts);
    },
    head() {
      return repo.revParse('HEAD');
    },
    revParse(rev) {
      return repo.git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).trim();
    },
  };
  if (options.init !== false) {
    execFileSync('git', ['init', '-q', '-b', 'main', root], { env: gitEnv() as NodeJS.ProcessEnv });
    for (const [key, value] of [
      ['user.name', AUTHOR.name],
      ['user.email', AUTHOR.email],
      ['commit.gpgsign', 'false'],
      ['tag.gpgsign', 'false'],
      ['core.autocrlf', 'false'],
    ] as const)
      repo.git(['config', key, value]);
  }
  return repo;
}

/**
 * A fresh repository in a temp dir (removed after the test file) holding `files`; with `commit`,
 * they are committed with that message; with `stage`, only staged.
 */
export function tempRepo(files: Record<string, string | Buffer> = {}, options: { commit?: string; stage?: boolean } = {}): GitRepo {
  const repo = repoAt(tempTree());
  repo.write(files);
  if (options.commit !== undefined) repo.commit(options.commit);
  else if (options.stage) repo.stage();
  return repo;
}

/**
 * A directory holding an executable `keyscan` that runs the built CLI, to put first on PATH: what
 * an installed hook finds with `command -v keyscan`.
 */
export function keyscanShimDir(): string {
  const dir = tempTree();
  const shim = join(dir, 'keyscan');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/** PATH with the keyscan shim first. */
export function pathWithShim(shimDir: string): string {
  return `${shimDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`;
}
