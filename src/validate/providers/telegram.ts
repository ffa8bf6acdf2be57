import { jsonOf, pick } from '../shape.js';
import type { ProbeResponse, Validator, Verdict } from '../types.js';

function interpret(response: ProbeResponse): Verdict {
  const body = jsonOf(response);
  if (response.status === 200 && body?.['ok'] === true) {
    const username = pick(body, 'result.username');
    return { status: 'live', detail: username ? `bot @${username} (${pick(body, 'result.id') ?? 'no id'})` : '' };
  }
  // 401 Unauthorized for a well-formed token Telegram does not know, 404 for one it cannot parse
  if (response.status === 401 || response.status === 404) return { status: 'invalid', detail: `Telegram rejected the token (${response.status} ${pick(body, 'description') ?? ''})`.replace(' )', ')') };
  return { status: 'unknown', detail: `unexpected answer ${response.status}` };
}

// getMe: read-only, names the bot. The Bot API takes the token only in the URL path
// (https://api.telegram.org/bot<token>/METHOD).
export const telegram: Validator = {
  provider: 'telegram',
  baseUrl: 'https://api.telegram.org',
  hosts: ['api.telegram.org'],
  keyInUrl: 'the Bot API takes the token only in the path: /bot<token>/getMe',
  request: (secret) => ({ method: 'GET', path: `/bot${secret}/getMe`, headers: {} }),
  interpret,
};
