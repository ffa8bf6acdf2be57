import { headerValidator } from '../shape.js';

// GET /api/v1/validate with DD-API-KEY: 200 {"valid": true}, 403 for a bad key. A key works only on
// its own Datadog site; this asks the US1 site (api.datadoghq.com), the default of Datadog's clients.
// Application keys and access tokens need more than this call and are left out.
export const datadog = headerValidator({
  provider: 'datadog',
  baseUrl: 'https://api.datadoghq.com',
  path: '/api/v1/validate',
  header: { name: 'dd-api-key', value: '{key}' },
  rules: ['datadog-api-key'],
  interpret: (response) => {
    if (response.status === 200) return { status: 'live', detail: 'accepted by the US1 site (api.datadoghq.com)' };
    if (response.status === 401 || response.status === 403)
      return { status: 'invalid', detail: `rejected by the US1 site (${response.status}); a key of another Datadog site (EU, US3, US5, AP1, gov) is rejected there too and is not checked elsewhere` };
    return { status: 'unknown', detail: `unexpected answer ${response.status}` };
  },
});
