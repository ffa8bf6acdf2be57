import { basicAuth, byStatus, details, jsonOf, pick } from '../shape.js';
import type { Validator } from '../types.js';

const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;

// GET /2010-04-01/Accounts/<SID>.json with HTTP Basic "<Account SID>:<auth token>": read-only; the
// account's name, status and type. The auth token is checked with the Account SID found nearest to it
// in the same file. API key secrets are left out: standard API keys may not read the Accounts resource.
export const twilio: Validator = {
  provider: 'twilio',
  baseUrl: 'https://api.twilio.com',
  hosts: ['api.twilio.com'],
  rules: ['twilio-auth-token'],
  pairedWith: 'twilio-account-sid',
  skipReason: (_secret, _ruleId, sid) => (sid === undefined || ACCOUNT_SID.test(sid) ? undefined : 'the Account SID next to it is not one'),
  request: (secret, _ruleId, sid) => ({ method: 'GET', path: `/2010-04-01/Accounts/${sid}.json`, headers: { authorization: basicAuth(sid ?? '', secret) } }),
  interpret: (response) => {
    // the answer also holds the auth token itself: only these fields are read
    const body = jsonOf(response);
    return byStatus(response, () => details(pick(body, 'friendly_name') && `account ${pick(body, 'friendly_name')}`, pick(body, 'status') && `status ${pick(body, 'status')}`, pick(body, 'type') && `type ${pick(body, 'type')}`));
  },
};
