// Fake keys for every validated rule, made at run time (the repo scans itself, so no test source may
// hold a key-shaped literal). Each has the shape its rule matches; `seed` tells keys of one rule apart.
import { base62, crc32 } from '../../src/detect/checksum.js';
import { fakeGithubToken, fakeOpenAiProjectKey, randomBody, seeded } from './fake-keys.js';

function digits(length: number, seed: number): string {
  const next = seeded(seed * 104729 + length);
  let out = String(1 + Math.floor(next() * 9));
  while (out.length < length) out += String(Math.floor(next() * 10));
  return out;
}

// the length is part of the seed: a short body must not be the start of a longer one
const hex = (length: number, seed: number): string => randomBody(length, 'hex', seed * 977 + length);
const b62 = (length: number, seed: number): string => randomBody(length, 'b62', seed * 977 + length);
const b64url = (length: number, seed: number): string => randomBody(length, 'b64url', seed * 977 + length).replace(/^[-_]/, 'Q');
const join = (...parts: string[]): string => parts.join('');

const MAKERS: Record<string, (seed: number) => string> = {
  'anthropic-api-key': (s) => join('sk-ant-', 'api03-', b64url(91, s), 'AA'),
  'anthropic-admin-key': (s) => join('sk-ant-', 'admin01-', b64url(91, s), 'AA'),
  'aws-access-key-id': (s) => join('AK', 'IA', randomBody(16, 'upper', s)),
  'aws-secret-access-key': (s) => b62(40, s + 500),
  'cohere-api-key': (s) => b62(40, s),
  'datadog-api-key': (s) => hex(32, s),
  'deepseek-api-key': (s) => join('sk', '-', hex(32, s)),
  'digitalocean-personal-access-token': (s) => join('dop', '_v1_', hex(64, s)),
  'discord-bot-token': (s) => join('M', b64url(25, s), '.', b64url(6, s + 1), '.', b64url(38, s + 2)),
  'discord-webhook-url': (s) => join('https://', 'discord.com/api/webhooks/', digits(18, s), '/', b64url(68, s)),
  'github-pat': (s) => fakeGithubToken(s),
  'gitlab-personal-access-token': (s) => join('gl', 'pat-', b62(20, s)),
  'google-api-key': (s) => join('AI', 'za', b64url(35, s)),
  'groq-api-key': (s) => join('gsk', '_', b62(52, s)),
  'huggingface-access-token': (s) => join('hf', '_', b62(34, s)),
  'mailgun-api-key': (s) => join('key', '-', hex(32, s)),
  'mistral-api-key': (s) => b62(32, s),
  'npm-access-token': (s) => {
    const random = b62(30, s);
    return join('npm', '_', random, base62(crc32(random), 6));
  },
  'openai-project-key': (s) => fakeOpenAiProjectKey(s),
  'openrouter-api-key': (s) => join('sk-or', '-v1-', hex(64, s)),
  'perplexity-api-key': (s) => join('pplx', '-', b62(48, s)),
  'replicate-api-token': (s) => join('r8', '_', b62(37, s)),
  'shopify-access-token': (s) => join('shp', 'at_', hex(32, s)),
  'sendgrid-api-key': (s) => join('S', 'G.', b64url(22, s), '.', b64url(43, s + 1)),
  'slack-bot-token': (s) => join('xo', 'xb-', digits(12, s), '-', digits(13, s + 1), '-', b62(24, s)),
  'stripe-secret-key': (s) => join('sk', '_live_', b62(99, s)),
  'stripe-restricted-key': (s) => join('rk', '_live_', b62(99, s)),
  'telegram-bot-token': (s) => join(digits(10, s), ':', 'AA', b64url(33, s)),
  'twilio-account-sid': (s) => join('A', 'C', hex(32, s)),
  'twilio-auth-token': (s) => hex(32, s + 900),
  'xai-api-key': (s) => join('xai', '-', b62(80, s)),
};

/** A fake key that the rule `ruleId` matches. */
export function fakeKey(ruleId: string, seed = 1): string {
  const make = MAKERS[ruleId];
  if (make === undefined) throw new Error(`no fake key maker for ${ruleId}`);
  // each rule draws from its own seeds, so no two rules' keys share a body
  return make(seed * 7 + (crc32(ruleId) % 100_000) * 1000);
}

/** A temporary (ASIA) AWS access key ID, which needs a session token. */
export function fakeAwsTemporaryKeyId(seed = 1): string {
  return join('AS', 'IA', randomBody(16, 'upper', seed));
}
