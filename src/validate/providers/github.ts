import { headerValidator, jsonOf, pick } from '../shape.js';

// GET /user: the login and, for classic tokens, the scopes in X-OAuth-Scopes.
export const github = headerValidator({
  provider: 'github',
  baseUrl: 'https://api.github.com',
  path: '/user',
  extraHeaders: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
  detail: (r) => {
    const login = pick(jsonOf(r), 'login');
    const scopes = r.headers.get('x-oauth-scopes');
    return [login ? `user ${login}` : '', scopes !== null ? `scopes: ${scopes || '(none)'}` : ''].filter(Boolean).join('; ');
  },
});
