import { headerValidator, jsonOf, pick } from '../shape.js';

// GET /-/whoami on the public registry: the username the token belongs to (what `npm whoami` asks).
export const npm = headerValidator({
  provider: 'npm',
  baseUrl: 'https://registry.npmjs.org',
  path: '/-/whoami',
  detail: (r) => (pick(jsonOf(r), 'username') ? `user ${pick(jsonOf(r), 'username')}` : ''),
});
