import { headerValidator } from '../shape.js';

// GET /v1/models: read-only, free; the answer names no account.
export const mistral = headerValidator({ provider: 'mistral', baseUrl: 'https://api.mistral.ai', path: '/v1/models' });
