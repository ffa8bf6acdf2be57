import { byStatus, jsonOf } from '../shape.js';
import type { Validator } from '../types.js';

// GET /v1/balance (bearer auth, which Stripe documents beside Basic): read-only. A restricted key
// without balance access answers 403 and is live all the same. Says whether the key is live-mode.
export const stripe: Validator = {
  provider: 'stripe',
  baseUrl: 'https://api.stripe.com',
  hosts: ['api.stripe.com'],
  rules: ['stripe-secret-key', 'stripe-restricted-key', 'stripe-test-key'],
  request: (secret) => ({ method: 'GET', path: '/v1/balance', headers: { authorization: `Bearer ${secret}` } }),
  interpret: (response) =>
    byStatus(response, (r) => {
      const mode = r.status === 200 ? jsonOf(r)?.['livemode'] : undefined;
      return mode === true ? 'live mode' : mode === false ? 'test mode' : '';
    }),
};
