// What an organisation scan does, as data: which repositories, split into shards for a CI matrix.
// Pure: the listing comes in, the plan goes out.

export interface PlannedRepo {
  /** `owner/name` (GitHub), `group/sub/name` (GitLab), or the URL's path for a plain list. */
  readonly name: string;
  /** Without credentials: they go to git through its own mechanism, never in a URL. */
  readonly cloneUrl: string;
  /** In KB, as the APIs report it; 0 when unknown. */
  readonly sizeKb: number;
  readonly archived: boolean;
  readonly fork: boolean;
  readonly defaultBranch: string | undefined;
}

export interface Shard {
  readonly index: number;
  readonly sizeKb: number;
  readonly repos: readonly PlannedRepo[];
}

export interface Plan {
  readonly tool: 'keyscan';
  readonly kind: 'org-plan';
  readonly version: 1;
  readonly source: string;
  readonly shards: readonly Shard[];
}

export interface PlanFilters {
  readonly archived: boolean;
  readonly forks: boolean;
  readonly empty: boolean;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export const MAX_SHARDS = 256;

/** A glob over repository names: `*` is any run within a path segment, `**` crosses segments. */
export function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

export function selectRepos(repos: readonly PlannedRepo[], filters: PlanFilters): PlannedRepo[] {
  const include = filters.include.map(globRegex);
  const exclude = filters.exclude.map(globRegex);
  const seen = new Set<string>();
  return repos.filter((r) => {
    if (seen.has(r.name)) return false;
    seen.add(r.name);
    if (r.archived && !filters.archived) return false;
    if (r.fork && !filters.forks) return false;
    if (r.sizeKb === 0 && !filters.empty) return false;
    if (include.length > 0 && !include.some((g) => g.test(r.name))) return false;
    return !exclude.some((g) => g.test(r.name));
  });
}

/**
 * Largest first, each into the lightest shard so far: within 4/3 of the best split, and the same
 * input always gives the same plan. Shards that get nothing are dropped, so no matrix job idles.
 */
export function shardRepos(repos: readonly PlannedRepo[], count: number, source: string): Plan {
  const n = Math.max(1, Math.min(count, MAX_SHARDS, Math.max(1, repos.length)));
  const shards = Array.from({ length: n }, () => ({ sizeKb: 0, repos: [] as PlannedRepo[] }));
  const sorted = [...repos].sort((a, b) => b.sizeKb - a.sizeKb || (a.name < b.name ? -1 : 1));
  for (const repo of sorted) {
    let best = 0;
    for (let i = 1; i < n; i++) if (shards[i]!.sizeKb < shards[best]!.sizeKb || (shards[i]!.sizeKb === shards[best]!.sizeKb && shards[i]!.repos.length < shards[best]!.repos.length)) best = i;
    shards[best]!.repos.push(repo);
    // an empty or unknown size still costs a clone: count it as 1 KB
    shards[best]!.sizeKb += Math.max(1, repo.sizeKb);
  }
  return {
    tool: 'keyscan',
    kind: 'org-plan',
    version: 1,
    source,
    shards: shards.filter((s) => s.repos.length > 0).map((s, index) => ({ index, sizeKb: s.sizeKb, repos: s.repos })),
  };
}

/** The `strategy.matrix` for GitHub Actions (`include` of one job per shard); GitLab's parallel:matrix takes the same list. */
export function matrixOf(plan: Plan): { shard: number[] } {
  return { shard: plan.shards.map((s) => s.index) };
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A GitHub REST repository object (GET /orgs/{org}/repos, /users/{user}/repos). */
export function fromGithub(item: unknown): PlannedRepo | undefined {
  const r = item as Json;
  const name = str(r?.['full_name']);
  const cloneUrl = str(r?.['clone_url']);
  if (name === undefined || cloneUrl === undefined) return undefined;
  return { name, cloneUrl, sizeKb: Number(r['size']) || 0, archived: r['archived'] === true, fork: r['fork'] === true, defaultBranch: str(r['default_branch']) };
}

/** A GitLab project object (GET /groups/{id}/projects). */
export function fromGitlab(item: unknown): PlannedRepo | undefined {
  const r = item as Json;
  const name = str(r?.['path_with_namespace']);
  const cloneUrl = str(r?.['http_url_to_repo']);
  if (name === undefined || cloneUrl === undefined) return undefined;
  const stats = r['statistics'] as Json | undefined;
  // GitLab reports bytes (and only with statistics=true); 0 means unknown, not empty, there
  const sizeKb = stats && typeof stats['repository_size'] === 'number' ? Math.ceil(stats['repository_size'] / 1024) : 1;
  return { name, cloneUrl, sizeKb, archived: r['archived'] === true, fork: r['forked_from_project'] !== undefined && r['forked_from_project'] !== null, defaultBranch: str(r['default_branch']) };
}

/** A plain list: one clone URL a line, `#` comments; the name is the URL's path without `.git`. */
export function fromList(text: string): PlannedRepo[] {
  const out: PlannedRepo[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [url = '', size] = line.split(/\s+/);
    let name: string;
    try {
      const parsed = new URL(url);
      if (parsed.username !== '' || parsed.password !== '') throw new Error('credentials in a URL');
      name = parsed.pathname.replace(/^\/+/, '').replace(/\.git$/, '');
    } catch (err) {
      if ((err as Error).message === 'credentials in a URL') throw err;
      name = url.replace(/\/+$/, '').split('/').slice(-2).join('/').replace(/\.git$/, '');
    }
    // a plain list has no sizes unless given after the URL; every repository counts the same then
    out.push({ name, cloneUrl: url, sizeKb: size !== undefined && Number(size) >= 0 ? Number(size) : 1, archived: false, fork: false, defaultBranch: undefined });
  }
  return out;
}
