import type { ProbeResponse, Validator, Verdict } from './types.js';

/** The JSON body, or undefined when it is not JSON. */
export function jsonOf(response: ProbeResponse): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(response.body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Picks a string at a dotted path of a JSON body, for details such as the account name. */
export function pick(body: Record<string, unknown> | undefined, path: string): string | undefined {
  let value: unknown = body;
  for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The usual reading of an HTTP answer: 2xx live, 401 invalid, 403 live but not allowed this call. */
export function byStatus(response: ProbeResponse, detail: (r: ProbeResponse) => string = () => ''): Verdict {
  if (response.status >= 200 && response.status < 300) return { status: 'live', detail: detail(response) };
  if (response.status === 401) return { status: 'invalid', detail: 'the provider rejected the key (401)' };
  if (response.status === 403) return { status: 'live', detail: `accepted, but not allowed this read-only call (403)${detail(response) ? `; ${detail(response)}` : ''}` };
  return { status: 'unknown', detail: `unexpected answer ${response.status}` };
}

/** The strings of a JSON array (scopes, ACLs); [] when it is not one. */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A list for a detail line: the first `max` items, then how many more. */
export function listed(items: readonly string[], max = 8): string {
  if (items.length === 0) return '(none)';
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Detail parts joined; empty ones dropped. */
export function details(...parts: readonly (string | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('; ');
}

/** The value of an HTTP Basic Authorization header. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export interface HeaderValidatorSpec {
  readonly provider: string;
  readonly baseUrl: string;
  readonly path: string;
  /** GET unless the provider's check is a POST with no side effect (Slack auth.test, Cohere check-api-key). */
  readonly method?: 'GET' | 'POST';
  /** How the key is sent: a header name and a template with {key}. */
  readonly header?: { readonly name: string; readonly value: string };
  readonly extraHeaders?: Readonly<Record<string, string>>;
  readonly rules?: readonly string[];
  readonly detail?: (response: ProbeResponse) => string;
  readonly interpret?: (response: ProbeResponse) => Verdict;
}

/** A validator that sends the key in a header to one read-only endpoint. */
export function headerValidator(spec: HeaderValidatorSpec): Validator {
  const header = spec.header ?? { name: 'authorization', value: 'Bearer {key}' };
  return {
    provider: spec.provider,
    baseUrl: spec.baseUrl,
    hosts: [new URL(spec.baseUrl).hostname],
    ...(spec.rules ? { rules: spec.rules } : {}),
    request: (secret) => ({ method: spec.method ?? 'GET', path: spec.path, headers: { ...spec.extraHeaders, [header.name]: header.value.replace('{key}', () => secret) } }),
    interpret: (response) => (spec.interpret ? spec.interpret(response) : byStatus(response, spec.detail)),
  };
}
