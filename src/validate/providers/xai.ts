import { details, jsonOf, listed, pick, strings } from '../shape.js';
import type { ProbeResponse, Validator, Verdict } from '../types.js';

function interpret(response: ProbeResponse): Verdict {
  const body = jsonOf(response);
  // xAI documents 400 for "an invalid API key"; 401 is taken the same way
  if (response.status === 400 || response.status === 401) return { status: 'invalid', detail: `xAI rejected the key (${response.status})` };
  if (response.status === 403) return { status: 'live', detail: 'accepted, but not allowed this read-only call (403)' };
  if (response.status !== 200 || body === undefined) return { status: 'unknown', detail: `unexpected answer ${response.status}` };
  const name = pick(body, 'name') && `key ${pick(body, 'name')}`;
  const blocked = ['api_key_blocked', 'api_key_disabled', 'team_blocked'].filter((flag) => body[flag] === true);
  if (blocked.length > 0) return { status: 'invalid', detail: details(name, blocked.join(', ')) };
  return { status: 'live', detail: details(name, pick(body, 'team_id') && `team ${pick(body, 'team_id')}`, `acls: ${listed(strings(body['acls']))}`) };
}

// GET /v1/api-key: information about the key itself (name, team, ACLs, blocked or disabled); read-only.
export const xai: Validator = {
  provider: 'xai',
  baseUrl: 'https://api.x.ai',
  hosts: ['api.x.ai'],
  request: (secret) => ({ method: 'GET', path: '/v1/api-key', headers: { authorization: `Bearer ${secret}` } }),
  interpret,
};
