import { masked, type Secret } from '../secret.js';

export interface RedactOptions {
  readonly showSecrets: boolean;
}

function thousands(n: number): string {
  // not toLocaleString: loading Intl costs the pre-commit hook tens of milliseconds
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

const PEM_HEADER = /^-----BEGIN [A-Z0-9 ]{1,64}-----/;
const URL_WITH_PASSWORD = /^([a-z][a-z0-9+.-]{0,30}:\/\/)([^:@/\s]{0,64}):[^@\s]+@([^/:?#\s]{1,255})/i;

/**
 * A key shown so it can still be found and told apart, never given away: a PEM block keeps its
 * header and length (`-----BEGIN RSA PRIVATE KEY----- (1,675 chars)`); a URL keeps scheme, user
 * and host (`postgres://app:****@db.internal`), also when the key is only the URL's password (`maskedUrl`); any other key its first 4 and last 2 characters,
 * enough to find it in a provider's console. Short values are masked whole: 6 kept characters
 * would give most of them away. Every report format prints keys through this function.
 */
export function redact(secret: Secret, opts: RedactOptions, maskedUrl?: string): string {
  const value = secret.reveal();
  if (opts.showSecrets) return value;
  // a URL's password: the URL around it, as detect saw it
  if (maskedUrl !== undefined) return maskedUrl;
  const pem = PEM_HEADER.exec(value);
  if (pem) return `${pem[0]} (${thousands(value.length)} chars)`;
  const url = URL_WITH_PASSWORD.exec(value);
  if (url) return `${url[1]}${url[2]}:****@${url[3]}`;
  return masked(value);
}
