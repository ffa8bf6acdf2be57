import { firstLine, gitClone } from './git.js';

export interface CloneRequest {
  readonly url: string;
  readonly dir: string;
  /** Only the default branch's latest commit (a tree scan), else every branch's history. */
  readonly shallow: boolean;
  /** `Authorization` header value for the host it belongs to (`origin`), or none. */
  readonly auth?: { readonly origin: string; readonly header: string };
}

export type CloneOutcome = { readonly kind: 'cloned' } | { readonly kind: 'failed'; readonly reason: string };

/**
 * A bare clone (nothing checked out, so nothing in the repository runs or is written to disk as
 * files). Credentials reach git as config in the environment (GIT_CONFIG_COUNT), scoped to their
 * own host: never in the URL, never on the command line where other users could read them.
 */
export async function cloneRepository(request: CloneRequest, cwd: string): Promise<CloneOutcome> {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0' };
  if (request.auth) {
    env['GIT_CONFIG_COUNT'] = '1';
    env['GIT_CONFIG_KEY_0'] = `http.${request.auth.origin}/.extraHeader`;
    env['GIT_CONFIG_VALUE_0'] = `Authorization: ${request.auth.header}`;
  }
  const args = [
    'clone', '--bare', '--quiet', '--no-tags',
    ...(request.shallow ? ['--depth', '1', '--single-branch'] : []),
    '--', request.url, request.dir,
  ];
  const run = await gitClone(args, cwd, env);
  if (run.code === 0) return { kind: 'cloned' };
  // git's message names the URL as given (never with credentials: they were not in it)
  return { kind: 'failed', reason: firstLine(run.stderr.replace(/^fatal: /gm, '')) || `git clone exited ${run.code}` };
}
