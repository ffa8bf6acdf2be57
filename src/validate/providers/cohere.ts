import { byStatus, details, headerValidator, jsonOf, pick } from '../shape.js';

// POST /v1/check-api-key: Cohere's own key check, with no side effect; it names the organisation.
export const cohere = headerValidator({
  provider: 'cohere',
  baseUrl: 'https://api.cohere.com',
  path: '/v1/check-api-key',
  method: 'POST',
  interpret: (response) => {
    const body = jsonOf(response);
    if (response.status === 200 && body?.['valid'] === false) return { status: 'invalid', detail: 'Cohere says the key is not valid' };
    return byStatus(response, () => details(pick(body, 'organization_id') && `organization ${pick(body, 'organization_id')}`, pick(body, 'owner_id') && `owner ${pick(body, 'owner_id')}`));
  },
});
