import { details, jsonOf, pick } from '../shape.js';
import type { ProbeResponse, Validator, Verdict } from '../types.js';

// Answers of auth.test that mean the token does not work (any other error says nothing about it)
const DEAD = new Set(['invalid_auth', 'token_revoked', 'token_expired', 'account_inactive']);

function interpret(response: ProbeResponse): Verdict {
  const body = jsonOf(response);
  if (response.status !== 200 || body === undefined) return { status: 'unknown', detail: `unexpected answer ${response.status}` };
  if (body['ok'] === true) {
    const scopes = response.headers.get('x-oauth-scopes');
    return {
      status: 'live',
      detail: details(
        pick(body, 'team') && `team ${pick(body, 'team')}${pick(body, 'team_id') ? ` (${pick(body, 'team_id')})` : ''}`,
        pick(body, 'user') && `user ${pick(body, 'user')}`,
        pick(body, 'bot_id') && `bot ${pick(body, 'bot_id')}`,
        scopes !== null && `scopes: ${scopes || '(none)'}`,
      ),
    };
  }
  const error = pick(body, 'error') ?? 'no error code';
  // invalid_auth is also Slack's answer for a token used from an IP address it is not allowed
  if (DEAD.has(error)) return { status: 'invalid', detail: `Slack rejected the token (${error})` };
  return { status: 'unknown', detail: `Slack answered ${error}` };
}

// POST auth.test with the token as a Bearer header: checks the token and names the workspace and user,
// changing nothing. Slack answers HTTP 200 either way; "ok" says which. Webhook URLs are not checked:
// the only way to test one is to post to it.
export const slack: Validator = {
  provider: 'slack',
  baseUrl: 'https://slack.com',
  hosts: ['slack.com'],
  rules: ['slack-bot-token', 'slack-user-token', 'slack-rotating-token', 'slack-app-token', 'slack-legacy-workspace-token'],
  // xoxr- (a legacy workspace app's refresh token) only buys access tokens: auth.test would call it invalid
  skipReason: (secret) => (secret.startsWith('xoxr-') ? 'a refresh token cannot call auth.test; not checked' : undefined),
  request: (secret) => ({
    method: 'POST',
    path: '/api/auth.test',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  }),
  interpret,
};
