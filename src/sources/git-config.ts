import { simpleGit } from 'simple-git';
import { KeyscanError } from '../errors.js';

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

/** Whether a revision names a commit here. */
export async function commitExists(root: string, rev: string): Promise<boolean> {
  try {
    await simpleGit(root).revparse(['--verify', '--quiet', `${rev}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  try {
    return (await simpleGit(root).raw(['merge-base', a, b])).trim() || undefined;
  } catch {
    return undefined;
  }
}
