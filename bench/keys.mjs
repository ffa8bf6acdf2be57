// Fake keys in the shapes providers issue, and the decoys real config is full of. Every key body
// comes from the seeded PRNG at run time: no key-shaped literal lives in this repository.
import { ALNUM, BASE32, BASE64, DIGITS, HEX, LOWER, URL_SAFE, UPPER_ALNUM } from './prng.mjs';

/** Real-shaped keys: `env` is the variable a project would keep it in. */
export const KEY_KINDS = [
  { provider: 'openai', env: 'OPENAI_API_KEY', make: (r) => `sk-proj-${r.chars(URL_SAFE, 74)}T3BlbkFJ${r.chars(URL_SAFE, 74)}` },
  { provider: 'openai', env: 'OPENAI_SERVICE_KEY', make: (r) => `sk-svcacct-${r.chars(URL_SAFE, 74)}T3BlbkFJ${r.chars(URL_SAFE, 74)}` },
  { provider: 'openai', env: 'OPENAI_ADMIN_KEY', make: (r) => `sk-admin-${r.chars(URL_SAFE, 74)}T3BlbkFJ${r.chars(URL_SAFE, 74)}` },
  { provider: 'openai', env: 'OPENAI_KEY', make: openaiLegacyKey },
  { provider: 'github', env: 'GITHUB_TOKEN', make: githubToken },
  { provider: 'github', env: 'GH_PAT', make: (r) => `github_pat_${r.chars(ALNUM, 22)}_${r.chars(ALNUM, 59)}` },
  { provider: 'aws', env: 'AWS_ACCESS_KEY_ID', make: awsAccessKeyId },
  { provider: 'slack', env: 'SLACK_BOT_TOKEN', make: slackBotToken },
  { provider: 'google', env: 'GOOGLE_API_KEY', make: googleApiKey },
  { provider: 'stripe', env: 'STRIPE_SECRET_KEY', make: stripeLiveKey },
  { provider: 'gitlab', env: 'GITLAB_TOKEN', make: (r) => `glpat-${r.chars(URL_SAFE, 20)}` },
  { provider: 'huggingface', env: 'HF_TOKEN', make: (r) => `hf_${r.chars(`${LOWER}${LOWER.toUpperCase()}`, 34)}` },
  { provider: 'groq', env: 'GROQ_API_KEY', make: (r) => `gsk_${r.chars(ALNUM, 52)}` },
  { provider: 'anthropic', env: 'ANTHROPIC_API_KEY', make: (r) => `sk-ant-api03-${r.chars(URL_SAFE, 93)}AA` },
  { provider: 'sendgrid', env: 'SENDGRID_API_KEY', make: (r) => `SG.${r.chars(URL_SAFE, 22)}.${r.chars(URL_SAFE, 43)}` },
  { provider: 'npm', env: 'NPM_TOKEN', make: (r) => `npm_${withCrc32(r.chars(ALNUM, 30))}` },
];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** GitHub and npm tokens end in the CRC32 of their random part, base62: without it a key is not real-shaped. */
function withCrc32(random) {
  let crc = 0xffffffff;
  for (let i = 0; i < random.length; i++) crc = CRC_TABLE[(crc ^ random.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  let v = (crc ^ 0xffffffff) >>> 0;
  let check = '';
  for (; v > 0; v = Math.floor(v / 62)) check = BASE62[v % 62] + check;
  return random + check.padStart(6, '0');
}

export function openaiProjectKey(r) {
  return KEY_KINDS[0].make(r);
}

export function openaiServiceKey(r) {
  return KEY_KINDS[1].make(r);
}

export function openaiLegacyKey(r) {
  return `sk-${r.chars(ALNUM, 20)}T3BlbkFJ${r.chars(ALNUM, 20)}`;
}

export function githubToken(r) {
  return `ghp_${withCrc32(r.chars(ALNUM, 30))}`;
}

export function awsAccessKeyId(r) {
  return `AKIA${r.chars(BASE32, 16)}`;
}

export function awsSecretKey(r) {
  return r.chars(BASE64, 40);
}

export function slackBotToken(r) {
  return `xoxb-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(ALNUM, 24)}`;
}

export function googleApiKey(r) {
  return `AIza${r.chars(URL_SAFE, 35)}`;
}

export function stripeLiveKey(r) {
  return `sk_live_${r.chars(ALNUM, 24)}`;
}

export function uuid(r) {
  const h = (n) => r.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${r.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

/** Values that sit where a key goes but are not one; a scanner must stay quiet on all of them. */
export const DECOYS = [
  { env: 'OPENAI_API_KEY', make: () => `sk-proj-${'x'.repeat(48)}` },
  { env: 'OPENAI_API_KEY', make: () => 'sk-proj-your-api-key-here' },
  { env: 'OPENAI_API_KEY', make: () => 'sk-proj-abc123' },
  { env: 'OPENAI_API_KEY', make: () => '${OPENAI_API_KEY}' },
  { env: 'API_KEY', make: () => 'YOUR_API_KEY' },
  { env: 'API_TOKEN', make: () => '<your-token>' },
  { env: 'API_SECRET', make: () => '{{ .Values.secrets.apiSecret }}' },
  { env: 'DB_PASSWORD', make: () => 'changeme' },
  { env: 'GITHUB_TOKEN', make: () => `ghp_${'X'.repeat(36)}` },
  { env: 'SLACK_BOT_TOKEN', make: () => 'xoxb-your-bot-token' },
  { env: 'AWS_ACCESS_KEY_ID', make: () => 'AKIAIOSFODNN7EXAMPLE' },
  { env: 'GOOGLE_API_KEY', make: () => `AIzaSy${'X'.repeat(33)}` },
  { env: 'HF_TOKEN', make: () => `hf_${'x'.repeat(34)}` },
  { env: 'PACKAGE_INTEGRITY', make: (r) => `sha512-${r.chars(BASE64, 86)}==` },
  { env: 'TENANT_ID', make: (r) => uuid(r) },
  { env: 'GIT_COMMIT_SHA', make: (r) => r.chars(HEX, 40) },
  { env: 'ARTIFACT_SHA256', make: (r) => r.chars(HEX, 64) },
  { env: 'CA_BUNDLE_B64', make: (r) => r.chars(BASE64, r.int(10, 50) * 4) },
  { env: 'LICENSE_ID', make: (r) => `${r.chars(UPPER_ALNUM, 8)}-${r.chars(UPPER_ALNUM, 8)}` },
];
