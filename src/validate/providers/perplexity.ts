import { headerValidator, jsonOf } from '../shape.js';

// GET /v1/async/sonar lists the account's asynchronous requests: read-only, costs nothing, and needs a
// valid key (Perplexity's API reference, "List Async Chat Completions"). Perplexity has no key-info
// call; its model list is not tied to a key, and every completion call is billed.
export const perplexity = headerValidator({
  provider: 'perplexity',
  baseUrl: 'https://api.perplexity.ai',
  path: '/v1/async/sonar',
  detail: (r) => {
    const requests = jsonOf(r)?.['requests'];
    return Array.isArray(requests) ? `${requests.length} async request(s) listed` : '';
  },
});
