import { jsonOf, pick } from '../shape.js';
import type { ProbeResponse, Validator, Verdict } from '../types.js';

/** The reason codes of a google.rpc error: API_KEY_INVALID, SERVICE_DISABLED, API_KEY_SERVICE_BLOCKED… */
function reasons(response: ProbeResponse): string[] {
  const details = jsonOf(response)?.['error'];
  const list = typeof details === 'object' && details !== null ? (details as Record<string, unknown>)['details'] : undefined;
  return Array.isArray(list) ? list.map((d) => pick(d as Record<string, unknown>, 'reason')).filter((r): r is string => r !== undefined) : [];
}

function interpret(response: ProbeResponse): Verdict {
  const why = reasons(response);
  if (response.status === 200) return { status: 'live', detail: 'the Generative Language (Gemini) API accepts it' };
  if (why.includes('API_KEY_INVALID') || (response.status === 400 && /API key not valid/i.test(pick(jsonOf(response), 'error.message') ?? '')))
    return { status: 'invalid', detail: 'Google says the API key is not valid (API_KEY_INVALID)' };
  // a key Google knows, but whose project has not enabled this API or whose restrictions forbid it
  if (response.status === 403)
    return { status: 'live', detail: `the key exists but may not call the Generative Language API${why.length > 0 ? ` (${why.join(', ')})` : ''}; it may work for other Google APIs` };
  return { status: 'unknown', detail: `unexpected answer ${response.status}${why.length > 0 ? ` (${why.join(', ')})` : ''}` };
}

// GET /v1beta/models with x-goog-api-key: read-only and free. An AIza key is a project's key for many
// Google APIs; this asks the Gemini one, whose answer tells a bad key (400 API_KEY_INVALID) from a
// good key that is not enabled or is restricted there (403).
export const google: Validator = {
  provider: 'google',
  baseUrl: 'https://generativelanguage.googleapis.com',
  hosts: ['generativelanguage.googleapis.com'],
  rules: ['google-api-key'],
  request: (secret) => ({ method: 'GET', path: '/v1beta/models?pageSize=1', headers: { 'x-goog-api-key': secret } }),
  interpret,
};
