import { nodeCrypto } from './node-crypto.js';

/** A one-way tag for a secret: equal secrets give equal tags, and the tag never shows the secret. */
export function hashSecret(secret: string): string {
  return nodeCrypto().createHash('sha256').update('keyscan:v1:').update(secret).digest('hex').slice(0, 32);
}

/** Stable across runs and machines: rule, file and secret hash; no line, so a moved line keeps it. */
export function fingerprintOf(ruleId: string, path: string, secret: string): string {
  return `${ruleId}:${path}:${hashSecret(secret).slice(0, 16)}`;
}
