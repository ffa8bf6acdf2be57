import { details, headerValidator, jsonOf, listed, pick, strings } from '../shape.js';
import type { Validator } from '../types.js';

// GET /api/v4/personal_access_tokens/self with PRIVATE-TOKEN: read-only; the token's name, scopes,
// owner and expiry. Personal, project and group access tokens (glpat-) all answer it. Only gitlab.com
// is asked: a token of a self-managed instance reads as invalid there, so instance-prefixed tokens
// ("acme-glpat-…"), which only self-managed instances issue, are not sent at all.
export const gitlab: Validator = {
  ...headerValidator({
    provider: 'gitlab',
    baseUrl: 'https://gitlab.com',
    path: '/api/v4/personal_access_tokens/self',
    header: { name: 'private-token', value: '{key}' },
    rules: ['gitlab-personal-access-token'],
    interpret: (response) => {
      const body = jsonOf(response);
      if (response.status === 401) return { status: 'invalid', detail: 'gitlab.com rejected the token (401): revoked, expired, or from a self-managed instance' };
      if (response.status === 200 && (body?.['active'] === false || body?.['revoked'] === true))
        return { status: 'invalid', detail: details(body?.['revoked'] === true ? 'revoked' : 'inactive', pick(body, 'name') && `token ${pick(body, 'name')}`) };
      if (response.status === 200)
        return {
          status: 'live',
          detail: details(
            pick(body, 'name') && `token ${pick(body, 'name')}`,
            `scopes: ${listed(strings(body?.['scopes']))}`,
            pick(body, 'user_id') && `user id ${pick(body, 'user_id')}`,
            pick(body, 'expires_at') && `expires ${pick(body, 'expires_at')}`,
          ),
        };
      if (response.status === 403) return { status: 'live', detail: 'accepted, but not allowed this read-only call (403)' };
      return { status: 'unknown', detail: `unexpected answer ${response.status}` };
    },
  }),
  skipReason: (secret: string) => (/^glpat-/.test(secret) ? undefined : 'an instance-prefixed token belongs to a self-managed GitLab; only gitlab.com is checked'),
};
