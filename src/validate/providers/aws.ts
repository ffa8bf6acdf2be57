import { signV4 } from '../sigv4.js';
import type { ProbeResponse, Validator, Verdict } from '../types.js';

const HOST = 'sts.amazonaws.com';
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

/** The text of the first <tag> in an XML answer; STS answers are small and flat enough for this. */
function xmlText(body: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]{1,2048})</${tag}>`).exec(body)?.[1]?.trim();
}

function interpret(response: ProbeResponse): Verdict {
  if (response.status === 200) {
    const account = xmlText(response.body, 'Account');
    const arn = xmlText(response.body, 'Arn');
    if (account === undefined && arn === undefined) throw new Error('no GetCallerIdentityResult in the answer');
    return { status: 'live', detail: [account && `account ${account}`, arn].filter(Boolean).join('; ') };
  }
  const code = xmlText(response.body, 'Code');
  const message = xmlText(response.body, 'Message') ?? '';
  if (code === 'InvalidClientTokenId') return { status: 'invalid', detail: 'AWS does not know this access key ID (InvalidClientTokenId): deleted, or never existed' };
  // a skewed clock also yields SignatureDoesNotMatch, with "Signature expired" in the message
  if (code === 'SignatureDoesNotMatch' && !/expired/i.test(message))
    return { status: 'invalid', detail: 'the secret does not match its access key ID (SignatureDoesNotMatch)' };
  return { status: 'unknown', detail: `unexpected answer ${response.status}${code ? ` (${code})` : ''}` };
}

// STS GetCallerIdentity: read-only, free, and allowed to every key whatever its policies; it names the
// account and the user or role. Signed with SigV4, so the secret itself is never sent. A secret is
// checked with the access key ID found nearest to it in the same file.
export const aws: Validator = {
  provider: 'aws',
  baseUrl: `https://${HOST}`,
  hosts: [HOST],
  rules: ['aws-secret-access-key', 'aws-secret-access-key-pair'],
  pairedWith: 'aws-access-key-id',
  skipReason: (_secret, _ruleId, keyId) => {
    if (keyId === undefined || keyId.startsWith('AKIA')) return undefined;
    if (keyId.startsWith('ASIA')) return 'a temporary (ASIA) key works only with its session token, which is not checked';
    return `a ${keyId.slice(0, 4)} key ID is not an access key that signs API requests`;
  },
  request: (secret, _ruleId, keyId) => {
    const signed = signV4(
      { method: 'POST', host: HOST, path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: BODY },
      { accessKeyId: keyId ?? '', secretAccessKey: secret, region: 'us-east-1', service: 'sts' },
      new Date(),
    );
    return { method: 'POST', path: '/', headers: signed.headers, body: BODY };
  },
  interpret,
};
