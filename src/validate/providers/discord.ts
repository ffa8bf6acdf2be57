import { byStatus, details, jsonOf, pick } from '../shape.js';
import type { ProbeRequest, ProbeResponse, Validator, Verdict } from '../types.js';

const WEBHOOK_RULE = 'discord-webhook-url';
const WEBHOOK = /^https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/(\d{17,20})\/([A-Za-z0-9_-]{60,80})$/;

function interpretWebhook(response: ProbeResponse): Verdict {
  if (response.status === 401 || response.status === 404)
    return { status: 'invalid', detail: `Discord does not know this webhook or its token (${response.status}): deleted or reset` };
  const body = jsonOf(response);
  return byStatus(response, () =>
    details(pick(body, 'name') && `webhook ${pick(body, 'name')}`, pick(body, 'guild_id') && `guild ${pick(body, 'guild_id')}`, pick(body, 'channel_id') && `channel ${pick(body, 'channel_id')}`),
  );
}

// Bot tokens: GET /users/@me with "Authorization: Bot <token>", which names the bot. Webhook URLs:
// GET on the webhook itself, which reads it and posts nothing; the token is part of that URL, and
// the request always goes to discord.com whatever Discord host the URL named.
export const discord: Validator = {
  provider: 'discord',
  baseUrl: 'https://discord.com',
  hosts: ['discord.com'],
  keyInUrl: 'a webhook URL carries its token in its path, and Discord reads a webhook only there (bot tokens go in the Authorization header)',
  rules: ['discord-bot-token', 'discord-bot-token-bare', WEBHOOK_RULE],
  skipReason: (secret, ruleId) => (ruleId === WEBHOOK_RULE && !WEBHOOK.test(secret) ? 'not a discord.com or discordapp.com webhook URL' : undefined),
  request: (secret, ruleId): ProbeRequest => {
    if (ruleId !== WEBHOOK_RULE) return { method: 'GET', path: '/api/v10/users/@me', headers: { authorization: `Bot ${secret}` } };
    const [, id, token] = WEBHOOK.exec(secret) ?? [];
    return { method: 'GET', path: `/api/v10/webhooks/${id}/${token}`, headers: {} };
  },
  interpret: (response, ruleId) => {
    if (ruleId === WEBHOOK_RULE) return interpretWebhook(response);
    const body = jsonOf(response);
    return byStatus(response, () => (pick(body, 'username') ? `bot ${pick(body, 'username')} (${pick(body, 'id') ?? 'no id'})` : ''));
  },
};
