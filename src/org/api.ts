// Listing an organisation's repositories: the only network code besides validate/http.ts. The same
// rules hold: HTTPS (http only for loopback, for tests), no redirects followed (a redirect could
// carry the token elsewhere), a timeout, bounded bodies. The base URL comes from the environment or
// the command line only (GitHub Enterprise, GitLab self-managed, tests), never from a repository.
import { KeyscanError } from '../errors.js';
import { isLoopback } from '../validate/http.js';

const MAX_PAGE_BYTES = 16 * 1024 * 1024;
const MAX_PAGES = 1000;
const TIMEOUT_MS = 30_000;

export function checkApiBase(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeyscanError('USAGE', `${what} is not a URL`);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new KeyscanError('USAGE', `${what} uses http:// for a host that is not loopback: use https://`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new KeyscanError('USAGE', `${what} must be an https:// URL`);
  return url;
}

async function readBounded(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new KeyscanError('IO', `an API page was larger than ${MAX_PAGE_BYTES >> 20} MB`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Every item of a paginated JSON list: `first` page, then `?page=2…` until a page comes back
 * shorter than `perPage` (both GitHub and GitLab page that way). `headers` carry the token; no
 * message ever quotes them.
 */
export async function fetchAllPages(first: URL, headers: Record<string, string>, perPage: number): Promise<unknown[]> {
  const items: unknown[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const url = new URL(first);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(page));
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json', 'user-agent': 'keyscan (org plan)', ...headers }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const e = err as Error;
      throw new KeyscanError('IO', `cannot list repositories at ${url.origin}${url.pathname}: ${e.name === 'TimeoutError' ? 'timed out' : ((e.cause as Error | undefined)?.message ?? e.message)}`, { cause: err });
    }
    if (response.status >= 300) {
      await response.body?.cancel().catch(() => undefined);
      const hint = response.status === 401 || response.status === 403 ? ' (is GITHUB_TOKEN / GITLAB_TOKEN set, with read access?)' : response.status === 404 ? ' (no such organisation, user or group?)' : '';
      throw new KeyscanError('IO', `listing repositories at ${url.origin}${url.pathname} answered ${response.status}${hint}`);
    }
    let list: unknown;
    try {
      list = JSON.parse(await readBounded(response));
    } catch (err) {
      if (err instanceof KeyscanError) throw err;
      throw new KeyscanError('IO', `the API at ${url.origin} did not answer with JSON`, { cause: err });
    }
    if (!Array.isArray(list)) throw new KeyscanError('IO', `the API at ${url.origin}${url.pathname} did not answer with a list`);
    items.push(...list);
    if (list.length < perPage) return items;
  }
  throw new KeyscanError('IO', `more than ${MAX_PAGES} pages of repositories: narrow the listing with --include`);
}
