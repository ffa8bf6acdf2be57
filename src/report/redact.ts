import { masked, type Secret } from '../secret.js';

export interface RedactOptions {
  readonly showSecrets: boolean;
}

/**
 * Keeps the first 4 and last 2 characters, enough to tell keys apart and find them in a
 * provider's console. Short values are masked whole: 6 kept characters would give most of them away.
 */
export function redact(secret: Secret, opts: RedactOptions): string {
  const value = secret.reveal();
  if (opts.showSecrets) return value;
  return masked(value);
}
