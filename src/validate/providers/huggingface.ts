import { details, headerValidator, jsonOf, pick } from '../shape.js';

// GET /api/whoami-v2: the user (or organisation) the token belongs to, the token's name and role.
export const huggingface = headerValidator({
  provider: 'huggingface',
  baseUrl: 'https://huggingface.co',
  path: '/api/whoami-v2',
  detail: (r) => {
    const body = jsonOf(r);
    return details(
      pick(body, 'name') && `${pick(body, 'type') ?? 'user'} ${pick(body, 'name')}`,
      pick(body, 'auth.accessToken.displayName') && `token ${pick(body, 'auth.accessToken.displayName')}`,
      pick(body, 'auth.accessToken.role') && `role ${pick(body, 'auth.accessToken.role')}`,
    );
  },
});
