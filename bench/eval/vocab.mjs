// Words the generated project is made of: one product, its entities and the names code gives them.

const ENTITIES = [
  'user', 'order', 'invoice', 'project', 'workspace', 'session', 'payment', 'report', 'document', 'message',
  'team', 'subscription', 'webhook', 'customer', 'product', 'comment', 'notification', 'upload', 'member',
  'plan', 'embedding', 'conversation', 'prompt', 'dataset', 'job', 'export', 'invite', 'device', 'event',
];
const VERBS = ['get', 'list', 'create', 'update', 'delete', 'sync', 'fetch', 'load', 'refresh', 'archive', 'import', 'resolve'];
const FIELDS = [
  ['email', 'string'], ['name', 'string'], ['createdAt', 'Date'], ['updatedAt', 'Date'], ['ownerId', 'string'],
  ['status', "'active' | 'disabled'"], ['password', 'string'], ['passwordHash', 'string'], ['apiKey', 'string'],
  ['apiKeyPrefix', 'string'], ['resetToken', 'string | null'], ['refreshToken', 'string'], ['secretRef', 'string'],
  ['tokenExpiresAt', 'Date'], ['role', "'admin' | 'member'"], ['amountCents', 'number'], ['currency', 'string'],
  ['metadata', 'Record<string, string>'], ['tags', 'string[]'], ['archived', 'boolean'], ['webhookSecret', 'string'],
];
const COMMENTS = [
  'Keep the handler small: validation lives in the schema.',
  'The token is checked before anything touches the database.',
  'Never log the password or the raw token, only their ids.',
  'Retries are bounded so a dead upstream cannot pile up requests.',
  'Read the API key from the environment; it is rotated every quarter.',
  'TODO: move the secret lookup to the vault client.',
  'This runs on every request, so it must not allocate much.',
  'Expired tokens get a 401, not a 403, so the client refreshes.',
  'See docs/auth.md for how refresh tokens rotate.',
  'Pagination is cursor-based; offsets break under concurrent writes.',
  'The webhook secret signs the raw body, not the parsed JSON.',
  'Errors from the upstream API are mapped to our own codes here.',
  'Hash the password with a per-user salt before it is stored.',
  'Only admins may rotate a workspace API key.',
];

export function cap(word) {
  return word[0].toUpperCase() + word.slice(1);
}

export function plural(word) {
  return word.endsWith('s') ? `${word}es` : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`;
}

export function snake(camel) {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A bundle of related names for one snippet. */
export function namesFor(rng) {
  const noun = rng.pick(ENTITIES);
  let other = rng.pick(ENTITIES);
  if (other === noun) other = 'owner';
  const verb = rng.pick(VERBS);
  return {
    noun, Noun: cap(noun), NOUN: noun.toUpperCase(), nouns: plural(noun), Nouns: cap(plural(noun)),
    other, Other: cap(other), others: plural(other),
    verb, Verb: cap(verb),
    n: rng.int(2, 9), ms: rng.pick([500, 1000, 2500, 5000, 10000, 30000]),
    port: rng.pick([3000, 4000, 5000, 8000, 8080, 8081, 9090]),
  };
}

export function fieldsFor(rng, n) {
  return rng.sample(FIELDS, n);
}

export function commentFor(rng) {
  return rng.pick(COMMENTS);
}
