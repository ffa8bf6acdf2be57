// Words the generated code is made of. The share of token/key/secret/password among them is what
// a real backend repository shows, since keyword density decides how often rules run.

const NOUNS = [
  'user', 'account', 'order', 'invoice', 'payment', 'session', 'project', 'team', 'member', 'webhook',
  'subscription', 'product', 'cart', 'report', 'event', 'message', 'notification', 'upload', 'role',
  'permission', 'audit', 'job', 'queue', 'cache', 'setting', 'tenant', 'workspace', 'repository',
  'deployment', 'build', 'release', 'metric', 'customer', 'address', 'shipment', 'coupon', 'plan',
  'license', 'device', 'token', 'credential', 'apiKey', 'secret', 'comment', 'document', 'price',
];
const VERBS = [
  'get', 'list', 'create', 'update', 'delete', 'find', 'fetch', 'load', 'save', 'sync', 'validate',
  'parse', 'build', 'render', 'refresh', 'revoke', 'rotate', 'export', 'import', 'archive', 'schedule',
  'notify', 'resolve', 'merge', 'apply', 'check', 'compute', 'verify',
];
const ADJECTIVES = ['active', 'pending', 'expired', 'default', 'internal', 'public', 'shared', 'cached', 'signed', 'stale', 'primary', 'legacy'];
export const DOMAINS = ['example.com', 'acme.io', 'internal.acme.net', 'api.acme.dev', 'svc.cluster.local', 'corp.example.org'];
export const ENVS = ['dev', 'staging', 'prod', 'qa', 'sandbox'];

/** [camelName, TypeScript type]: most fields are plain, about a third carry a secret-ish word. */
export const FIELDS = [
  ['email', 'string'], ['displayName', 'string'], ['createdAt', 'Date'], ['updatedAt', 'Date'],
  ['amount', 'number'], ['currency', 'string'], ['status', "'active' | 'disabled'"], ['tags', 'string[]'],
  ['ownerId', 'string'], ['locale', 'string'], ['quantity', 'number'], ['description', 'string'],
  ['expiresAt', 'number'], ['metadata', 'Record<string, unknown>'], ['retries', 'number'],
  ['timeoutMs', 'number'], ['webhookUrl', 'string'], ['region', 'string'], ['version', 'number'],
  ['accessToken', 'string'], ['refreshToken', 'string | null'], ['password', 'string'],
  ['passwordHash', 'string'], ['apiKey', 'string'], ['clientSecret', 'string'], ['secretRef', 'string'],
  ['keyId', 'string'], ['tokenType', "'bearer' | 'basic'"],
];

const SENTENCES = [
  (v) => `The ${v.noun} service ${v.verb}s the ${v.noun2} before the access token expires.`,
  (v) => `We ${v.verb} ${v.nouns} in batches of ${v.n * 50} so a slow ${v.noun2} cannot block the queue.`,
  (v) => `Never log the ${v.noun2} password or the API key; the audit trail keeps only the key id.`,
  (v) => `The ${v.adjective} ${v.noun} is kept for ${v.n * 7} days, then archived.`,
  (v) => `Retries back off exponentially, starting at ${v.ms} ms.`,
  (v) => `Secrets come from the environment or the vault, never from this file.`,
  (v) => `A ${v.noun2} without a valid session token gets a 401, not a 404, so ids do not leak.`,
  (v) => `This mirrors the ${v.noun} schema in the ${v.noun2} service; keep them in sync.`,
  (v) => `The ${v.noun} cache is invalidated when the ${v.noun2} is updated.`,
  (v) => `See the runbook before rotating the signing key in ${v.env}.`,
  (v) => `Counts are approximate: the ${v.noun} table is sharded by tenant.`,
  (v) => `The webhook secret signs every payload with HMAC-SHA256.`,
];

export function pascal(word) {
  return word[0].toUpperCase() + word.slice(1);
}

export function snake(camel) {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function plural(word) {
  return /(s|sh|ch|x)$/.test(word) ? `${word}es` : word.endsWith('y') && !word.endsWith('ey') ? `${word.slice(0, -1)}ies` : `${word}s`;
}

/** A fresh set of names for one snippet. */
export function names(r) {
  const noun = r.pick(NOUNS);
  let noun2 = r.pick(NOUNS);
  if (noun2 === noun) noun2 = 'user';
  const verb = r.pick(VERBS);
  return {
    noun, Noun: pascal(noun), nouns: plural(noun), NOUN: snake(noun).toUpperCase(), noun_: snake(noun),
    noun2, Noun2: pascal(noun2), nouns2: plural(noun2),
    verb, Verb: pascal(verb), adjective: r.pick(ADJECTIVES),
    n: r.int(1, 9), ms: r.pick([100, 250, 500, 1000, 2000, 5000]), port: r.pick([3000, 5432, 6379, 8080, 8443, 9090]),
    domain: r.pick(DOMAINS), env: r.pick(ENVS),
  };
}

export function sentence(r) {
  return r.pick(SENTENCES)(names(r));
}

export function paragraph(r, count) {
  return Array.from({ length: count }, () => sentence(r)).join(' ');
}

export function fieldsOf(r, count) {
  const chosen = new Map();
  while (chosen.size < count) {
    const [name, type] = r.pick(FIELDS);
    chosen.set(name, type);
  }
  return [...chosen];
}
