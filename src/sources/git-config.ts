import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { KeyscanError } from '../errors.js';
import { configEntries, git } from './git.js';

export interface HookLocation {
  readonly root: string;
  /** Where git looks for hooks, absolute: core.hooksPath when set, else .git/hooks (worktrees share it). */
  readonly hooksDir: string;
  readonly hooksPathConfig: string | undefined;
}

export async function hookLocation(cwd: string): Promise<HookLocation> {
  const top = await git(['rev-parse', '--show-toplevel'], cwd);
  if (top.code !== 0) throw new KeyscanError('GIT', `not a git repository: ${cwd} (run keyscan install inside the repository)`);
  const root = top.stdout.trim();
  // core.hooksPath as the repository and the user set it, read from the config listing (the last
  // one wins): every git run pins it to /dev/null, so `rev-parse --git-path hooks` would say that
  const configured = (await configEntries(root)).filter((e) => e.scope !== 'command' && e.key === 'core.hookspath').at(-1)?.value ?? '';
  const hooks = configured !== '' ? configured.replace(/^~(?=\/)/, homedir()) : `${(await git(['rev-parse', '--git-common-dir'], root)).stdout.trim()}/hooks`;
  // relative: to the top of the work tree, where git runs hooks
  return { root, hooksDir: isAbsolute(hooks) ? hooks : join(root, hooks), hooksPathConfig: configured === '' ? undefined : configured };
}

/** Whether a revision names a commit here. By exit code: a quiet failure of rev-parse prints nothing. */
export async function commitExists(root: string, rev: string): Promise<boolean> {
  return (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], root)).code === 0;
}

export async function mergeBase(root: string, a: string, b: string): Promise<string | undefined> {
  const run = await git(['merge-base', '--end-of-options', a, b], root);
  return run.code === 0 ? run.stdout.trim() || undefined : undefined;
}
