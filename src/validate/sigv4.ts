// AWS Signature Version 4 for one request, with node:crypto only: enough to sign the read-only STS
// GetCallerIdentity call. Pure: the caller passes the clock. The secret access key never leaves this
// function; only the key ID and an HMAC of the request do.
import { nodeCrypto } from '../node-crypto.js';

export interface SigV4Request {
  readonly method: string;
  readonly host: string;
  /** The URI path, not yet encoded: '/'. */
  readonly path: string;
  /** Query parameters, in any order. */
  readonly query?: readonly (readonly [string, string])[];
  /** Headers to sign besides host and x-amz-date; names in any case. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
}

export interface SigV4Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signature: string;
  /** The headers to send: the given ones plus x-amz-date and authorization (host is the URL's). */
  readonly headers: Readonly<Record<string, string>>;
}

const sha256Hex = (data: string): string => nodeCrypto().createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => nodeCrypto().createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding, as SigV4 wants it: encodeURIComponent leaves !'()* alone. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** 20150830T123600Z */
export function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secretAccessKey: string, dateStamp: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, dateStamp), region), service), 'aws4_request');
}

export function signV4(request: SigV4Request, credentials: SigV4Credentials, now: Date): SigV4Signature {
  const date = amzDate(now);
  const dateStamp = date.slice(0, 8);
  const headers: Record<string, string> = { host: request.host, 'x-amz-date': date };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalQuery = (request.query ?? [])
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = request.path.split('/').map(uriEncode).join('/') || '/';
  const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, sha256Hex(request.body ?? '')].join('\n');
  const scope = `${dateStamp}/${credentials.region}/${credentials.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = hmac(signingKey(credentials.secretAccessKey, dateStamp, credentials.region, credentials.service), stringToSign).toString('hex');
  const { host: _host, ...sent } = headers;
  return {
    canonicalRequest,
    stringToSign,
    signature,
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  };
}
