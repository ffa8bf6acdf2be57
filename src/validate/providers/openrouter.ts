import { details, headerValidator, jsonOf, pick } from '../shape.js';

// GET /api/v1/key: the key's label, spend and limit; read-only.
export const openrouter = headerValidator({
  provider: 'openrouter',
  baseUrl: 'https://openrouter.ai',
  path: '/api/v1/key',
  detail: (r) => {
    if (r.status !== 200) return '';
    const body = jsonOf(r);
    return details(
      pick(body, 'data.label') && `key ${pick(body, 'data.label')}`,
      pick(body, 'data.usage') !== undefined && `usage $${pick(body, 'data.usage')}`,
      pick(body, 'data.limit') !== undefined ? `limit $${pick(body, 'data.limit')}` : 'no spending limit',
      (body?.['data'] as Record<string, unknown> | undefined)?.['is_free_tier'] === true && 'free tier',
    );
  },
});
