import { details, headerValidator, jsonOf } from '../shape.js';

// GET /user/balance: read-only; says whether the account can still make calls and what it holds.
export const deepseek = headerValidator({
  provider: 'deepseek',
  baseUrl: 'https://api.deepseek.com',
  path: '/user/balance',
  detail: (r) => {
    const body = jsonOf(r);
    const balances = Array.isArray(body?.['balance_infos']) ? (body['balance_infos'] as Record<string, unknown>[]) : [];
    const held = balances.map((b) => `${String(b['total_balance'] ?? '?')} ${String(b['currency'] ?? '')}`.trim());
    return details(held.length > 0 && `balance ${held.join(', ')}`, body?.['is_available'] === false && 'balance not available for API calls');
  },
});
