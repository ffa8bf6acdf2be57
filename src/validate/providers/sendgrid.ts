import { headerValidator, jsonOf, listed, strings } from '../shape.js';

// GET /v3/scopes: the scopes of the key itself; read-only.
export const sendgrid = headerValidator({
  provider: 'sendgrid',
  baseUrl: 'https://api.sendgrid.com',
  path: '/v3/scopes',
  detail: (r) => {
    if (r.status !== 200) return '';
    const scopes = strings(jsonOf(r)?.['scopes']);
    return `${scopes.length} scope(s)${scopes.includes('mail.send') ? ', can send mail' : ''}: ${listed(scopes)}`;
  },
});
