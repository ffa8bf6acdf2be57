import { details, headerValidator, jsonOf, pick } from '../shape.js';

// GET /v2/account: read-only; names the account's e-mail, team and status.
export const digitalocean = headerValidator({
  provider: 'digitalocean',
  baseUrl: 'https://api.digitalocean.com',
  path: '/v2/account',
  detail: (r) => {
    const body = jsonOf(r);
    return details(pick(body, 'account.email'), pick(body, 'account.team.name') && `team ${pick(body, 'account.team.name')}`, pick(body, 'account.status') && `status ${pick(body, 'account.status')}`);
  },
});
