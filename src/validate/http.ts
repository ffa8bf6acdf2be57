// The only network code in keyscan. Every safety rule of --validate is enforced here, not by each
// validator: HTTPS only, the request's host in the validator's allowlist (or an override given by
// the user through the environment or the command line), no redirects, timeouts, a global
// concurrency limit, a per-provider pace, and a bounded wait on 429 Retry-After.
import type { ProbeRequest, ProbeResponse, Validator, Verdict } from './types.js';

export interface ClientOptions {
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** provider → base URL, from KEYSCAN_VALIDATE_ENDPOINTS or --validate-endpoint only. */
  readonly overrides: ReadonlyMap<string, URL>;
  /** Longest Retry-After honoured before the answer becomes unknown. */
  readonly maxRetryAfterMs: number;
  /** Least time between two requests to one provider. */
  readonly providerIntervalMs: number;
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  timeoutMs: 10_000,
  concurrency: 4,
  overrides: new Map(),
  maxRetryAfterMs: 5_000,
  providerIntervalMs: 250,
};

const MAX_BODY_BYTES = 64 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parses `provider=baseURL,…`; http:// only for loopback addresses. Errors name the bad entry. */
export function parseEndpointOverrides(entries: readonly string[]): Map<string, URL> {
  const out = new Map<string, URL>();
  for (const entry of entries.flatMap((e) => e.split(',')).map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const provider = eq > 0 ? entry.slice(0, eq).trim() : '';
    let url: URL;
    try {
      url = new URL(entry.slice(eq + 1).trim());
    } catch {
      throw new Error(`endpoint override ${JSON.stringify(entry)} is not provider=URL`);
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(provider)) throw new Error(`endpoint override ${JSON.stringify(entry)} has no provider name before =`);
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new Error(`endpoint override for ${provider} uses http:// for a host that is not loopback: use https://`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`endpoint override for ${provider} must be an https:// URL`);
    out.set(provider, url);
  }
  return out;
}

export type Outcome = Verdict;

/** Where a probe goes: the validator's base URL, or the user's override; refuses anything else. */
/** Whether a hostname is one of `hosts`; `*.example.com` stands for one label before example.com. */
export function isAllowedHost(hostname: string, hosts: readonly string[]): boolean {
  return hosts.some((h) => (h.startsWith('*.') ? /^[a-z0-9][a-z0-9-]{0,62}$/.test(hostname.slice(0, -(h.length - 1))) && hostname.endsWith(h.slice(1)) : hostname === h));
}

export function targetUrl(validator: Validator, request: ProbeRequest, overrides: ReadonlyMap<string, URL>, context?: string): URL | string {
  // the path is appended to the base as text: one not starting with / could change the host or port
  if (!request.path.startsWith('/')) return 'refused: the request path does not start with /';
  const override = overrides.get(validator.provider);
  let base = validator.baseUrl;
  if (override === undefined && validator.hostFor !== undefined) {
    const host = validator.hostFor(context);
    if (host === undefined) return `needs the ${validator.provider} host found beside the key (none in the same file)`;
    base = `https://${host}`;
  }
  let url: URL;
  try {
    url = new URL((override ?? new URL(base)).href.replace(/\/$/, '') + request.path);
  } catch {
    return 'refused: not a valid URL';
  }
  if (override !== undefined) {
    // the user chose this endpoint; the provider's own paths are kept
    if (url.host !== override.host || url.protocol !== override.protocol) return 'the request left the overridden endpoint';
    return url;
  }
  if (url.protocol !== 'https:') return 'refused: not HTTPS';
  if (!isAllowedHost(url.hostname, validator.hosts)) return `refused: ${url.hostname} is not one of ${validator.provider}'s hosts`;
  return url;
}

async function readBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES);
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Why a request failed, without the key: fetch quotes a bad header value whole in its message
 * ('Headers.append: "Bearer …" is an invalid header value'), so every value sent is cut out.
 */
function failure(err: unknown, request: ProbeRequest, options: ClientOptions): string {
  const e = err as Error;
  if (e.name === 'TimeoutError') return `timed out after ${options.timeoutMs} ms`;
  let message = `network error: ${(e.cause as Error | undefined)?.message ?? e.message}`;
  for (const sent of [...Object.values(request.headers), request.body ?? '', request.path]) {
    if (sent.length >= 8) message = message.split(sent).join('[redacted]');
  }
  return message;
}

/** One probe, with the safety rules; never throws: failures are `unknown` with the reason. */
export async function probe(validator: Validator, request: ProbeRequest, ruleId: string, options: ClientOptions, context?: string): Promise<Verdict> {
  const url = targetUrl(validator, request, options.overrides, context);
  if (typeof url === 'string') return { status: 'unknown', detail: url };
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: { 'user-agent': 'keyscan (secret validation)', ...request.headers },
        body: request.body,
        redirect: 'manual', // a redirect could carry the key to another host
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (err) {
      return { status: 'unknown', detail: failure(err, request, options) };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      return { status: 'unknown', detail: `the provider answered with a redirect (${response.status}), not followed` };
    }
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers);
      await response.body?.cancel().catch(() => undefined);
      if (attempt === 0 && wait !== undefined && wait <= options.maxRetryAfterMs) {
        await sleep(wait);
        continue;
      }
      return { status: 'unknown', detail: `rate limited (429${wait === undefined ? '' : `, Retry-After ${Math.ceil(wait / 1000)} s`})` };
    }
    if (response.status >= 500) {
      await response.body?.cancel().catch(() => undefined);
      return { status: 'unknown', detail: `provider error ${response.status}` };
    }
    let body: string;
    try {
      body = await readBody(response);
    } catch (err) {
      // the timeout also covers the body: a provider that sends headers and then stalls ends here
      return { status: 'unknown', detail: `${failure(err, request, options)} while reading the answer` };
    }
    const answer: ProbeResponse = { status: response.status, headers: response.headers, body };
    try {
      return validator.interpret(answer, ruleId);
    } catch (err) {
      return { status: 'unknown', detail: `unexpected answer (${response.status}): ${(err as Error).message}` };
    }
  }
}
