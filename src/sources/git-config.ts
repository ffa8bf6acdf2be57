import { simpleGit } from 'simple-git';
import { KeyscanError } from '../errors.js';
import { git } from './git.js';

export interface HookLocation {
  readonly root: string;
  /** Where git looks for hooks, absolute: core.hooksPath when set, else .git/hooks (worktrees share it). */
  readonly hooksDir: string;
  readonly hooksPathConfig: string | undefined;
}

// simple-git is for the slow, occasional questions (install, range checks); the hook path spawns git itself.
export async function hookLocation(cwd: string): Promise<HookLocation> {
  const git = simpleGit(cwd);
  let root: string;
  try {
    root = (await git.revparse(['--show-toplevel'])).trim();
  } catch (err) {
    throw new KeyscanError('GIT', `not a git repository: ${cwd} (run keyscan install inside the repository)`, { cause: err });
  }
  const top = simpleGit(root);
  const hooks = (await top.revparse(['--git-path', 'hooks'])).trim();
  const configured = (await top.raw(['config', '--get', 'core.hooksPath']).catch(() => '')).trim();
  return { root, hooksDir: hooks.startsWith('/') ? hooks : `${root}/${hooks}`, hooksPathConfig: configured === '' ? undefined : configured };
}


export async function isShallowRepository(root: string): Promise<boolean> {
  return (await simpleGit(root).revparse(['--is-shallow-repository'])).trim() === 'true';
}

/** Whether a revision names a commit here. By exit code: a quiet failure of rev-parse prints nothing, which simple-git takes for success. */
export async function commitExists(root: string, rev: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], root)).code === 0;
}

export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const run = await git(['merge-base', '--end-of-options', a, b], root);
  return run.code === 0 ? run.stdout.trim() || undefined : undefined;
}
