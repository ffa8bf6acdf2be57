import { headerValidator, jsonOf, pick } from '../shape.js';

// GET /v1/account: the user or organisation the token belongs to.
export const replicate = headerValidator({
  provider: 'replicate',
  baseUrl: 'https://api.replicate.com',
  path: '/v1/account',
  detail: (r) => (pick(jsonOf(r), 'username') ? `${pick(jsonOf(r), 'type') ?? 'account'} ${pick(jsonOf(r), 'username')}` : ''),
});
