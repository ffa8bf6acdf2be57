import type { Checksum } from '../types.js';
import { isPlaceholder } from './placeholder.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC-32 of bytes, continuing from `previous` (that of the bytes before them), as zlib.crc32 computes it. */
export function crc32OfBytes(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub's and npm's token formats end in the CRC32 of the random part, base62, six characters:
 * a string that fails it was not issued by them.
 */
function hasCrc32Suffix(secret: string): boolean {
  const underscore = secret.lastIndexOf('_');
  const body = secret.slice(underscore + 1);
  if (body.length < 7) return false;
  const random = body.slice(0, -6);
  return base62(crc32(random), 6) === body.slice(-6);
}

function decodeBase64Url(part: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) return undefined;
  try {
    return Buffer.from(part, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

/** A JWT worth reporting: a JSON header that names an algorithm other than none, and a signature. */
function isSignedJwt(secret: string): boolean {
  const parts = secret.split('.');
  if (parts.length !== 3 || parts[2]!.length < 16) return false;
  const header = decodeBase64Url(parts[0]!);
  const payload = decodeBase64Url(parts[1]!);
  if (header === undefined || payload === undefined) return false;
  try {
    const h = JSON.parse(header) as { alg?: unknown };
    JSON.parse(payload);
    return typeof h.alg === 'string' && h.alg.toLowerCase() !== 'none';
  } catch {
    return false;
  }
}

/**
 * A value that may be base64 (a Kubernetes Secret's data): judged by what it decodes to, so that
 * base64 of "postgres" or of a placeholder is not reported as a secret.
 */
function isMeaningfulValue(secret: string): boolean {
  let value = secret;
  if (secret.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(secret)) {
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    if (/^[\x20-\x7e\t\r\n]+$/.test(decoded)) value = decoded.trim();
  }
  if (value.length < 6) return false;
  if (/^[a-z]+$/.test(value) || /^[A-Z]+$/.test(value)) return false; // one plain word
  return !isPlaceholder(value);
}

export function passesChecksum(kind: Checksum, secret: string): boolean {
  switch (kind) {
    case 'decoded-value':
      return isMeaningfulValue(secret);
    case 'github-crc32':
    case 'npm-crc32':
      return hasCrc32Suffix(secret);
    case 'jwt':
      return isSignedJwt(secret);
  }
}
