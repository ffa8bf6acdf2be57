import { headerValidator } from '../shape.js';

// GET /openai/v1/models: read-only, free; the answer names no account.
export const groq = headerValidator({ provider: 'groq', baseUrl: 'https://api.groq.com', path: '/openai/v1/models' });
