/**
 * What `keyscan ci` scans, from the CI system's environment: a pull request's commits, a push's
 * commits, or (outside a known CI, or when the range cannot be known) the branch against
 * origin/HEAD, else the tree. Pure: the caller reads the environment and the event file.
 */
export type CiPlan =
  | { readonly kind: 'range'; readonly range: string; readonly system: CiSystem; readonly why: string }
  | { readonly kind: 'tree'; readonly system: CiSystem; readonly why: string };

export type CiSystem = 'github' | 'gitlab' | 'other';

const ZERO_SHA = /^0+$/;

interface GithubEvent {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } };
  before?: string;
  after?: string;
}

export function ciSystem(env: Readonly<Record<string, string | undefined>>): CiSystem {
  if (env['GITHUB_ACTIONS'] === 'true') return 'github';
  if (env['GITLAB_CI'] === 'true') return 'gitlab';
  return 'other';
}

/**
 * @param event the parsed GITHUB_EVENT_PATH file, when there is one
 * @param hasOriginHead whether origin/HEAD resolves in the repository
 */
export function ciPlan(env: Readonly<Record<string, string | undefined>>, event: unknown, hasOriginHead: boolean): CiPlan {
  const system = ciSystem(env);
  if (system === 'github') {
    const e = (event ?? {}) as GithubEvent;
    const base = e.pull_request?.base?.sha;
    const head = e.pull_request?.head?.sha;
    if (base && head) return { kind: 'range', range: `${base}..${head}`, system, why: 'the pull request\'s commits' };
    if (e.before && e.after && !ZERO_SHA.test(e.before) && !ZERO_SHA.test(e.after))
      return { kind: 'range', range: `${e.before}..${e.after}`, system, why: 'the pushed commits' };
  }
  if (system === 'gitlab') {
    const base = env['CI_MERGE_REQUEST_DIFF_BASE_SHA'];
    if (base) return { kind: 'range', range: `${base}..HEAD`, system, why: 'the merge request\'s commits' };
    const before = env['CI_COMMIT_BEFORE_SHA'];
    if (before && !ZERO_SHA.test(before)) return { kind: 'range', range: `${before}..HEAD`, system, why: 'the pushed commits' };
  }
  if (hasOriginHead) return { kind: 'range', range: 'origin/HEAD..HEAD', system, why: 'the commits not on origin/HEAD' };
  return { kind: 'tree', system, why: 'no commit range is known here: the whole tree' };
}
