import { basicAuth, byStatus, details, jsonOf, pick } from '../shape.js';
import type { Validator } from '../types.js';

// GET /v3/domains with HTTP Basic "api:<key>": read-only; how many sending domains, and the first.
// The US endpoint; account keys are not tied to one region.
export const mailgun: Validator = {
  provider: 'mailgun',
  baseUrl: 'https://api.mailgun.net',
  hosts: ['api.mailgun.net'],
  request: (secret) => ({ method: 'GET', path: '/v3/domains?limit=1', headers: { authorization: basicAuth('api', secret) } }),
  interpret: (response) => {
    const body = jsonOf(response);
    const items = Array.isArray(body?.['items']) ? (body['items'] as Record<string, unknown>[]) : [];
    return byStatus(response, () => details(pick(body, 'total_count') !== undefined && `${pick(body, 'total_count')} domain(s)`, items[0] && pick(items[0], 'name')));
  },
};
