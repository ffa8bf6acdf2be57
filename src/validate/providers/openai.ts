import { headerValidator } from '../shape.js';

// GET /v1/models: read-only, free; the answer does not name the organisation.
export const openai = headerValidator({ provider: 'openai', baseUrl: 'https://api.openai.com', path: '/v1/models' });
