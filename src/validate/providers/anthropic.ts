import { byStatus, jsonOf, pick } from '../shape.js';
import type { Validator } from '../types.js';

const ADMIN_RULE = 'anthropic-admin-key';

// API keys: GET /v1/models (read-only, free; names no one). Admin keys (sk-ant-admin01-) may not call
// it; they get GET /v1/organizations/me, which names the organisation. Both want x-api-key and
// anthropic-version. Claude Enterprise (Compliance API) keys, sk-ant-api01-, are left out: no
// documented read-only call says whether one is live, and a 401 from the wrong API would read as
// "invalid".
export const anthropic: Validator = {
  provider: 'anthropic',
  baseUrl: 'https://api.anthropic.com',
  hosts: ['api.anthropic.com'],
  rules: ['anthropic-api-key', ADMIN_RULE],
  request: (secret, ruleId) => ({
    method: 'GET',
    path: ruleId === ADMIN_RULE ? '/v1/organizations/me' : '/v1/models?limit=1',
    headers: { 'x-api-key': secret, 'anthropic-version': '2023-06-01' },
  }),
  interpret: (response, ruleId) =>
    byStatus(response, (r) => {
      if (ruleId !== ADMIN_RULE) return '';
      const body = jsonOf(r);
      const name = pick(body, 'name');
      return name === undefined ? '' : `organization ${name} (${pick(body, 'id') ?? 'no id'})`;
    }),
};
