import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { detect } from '../../src/detect/detect.js';
import { DECODE_LIMITS, encodedTokens, withDecodedFindings } from '../../src/detect/decode.js';
import type { Finding, SecretFinding } from '../../src/types.js';
import { fakeGithubToken, fakeOpenAiProjectKey, seeded } from '../helpers/fake-keys.js';
import { builtinDefinitions, fragmentOf, ruleSetOf } from '../helpers/rules.js';

const set = ruleSetOf(builtinDefinitions());
const KEY = fakeOpenAiProjectKey(7);
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const hex = (text: string): string => Buffer.from(text).toString('hex');

function scan(text: string, path = 'config.yaml'): Finding[] {
  const fragment = fragmentOf(text, path);
  return withDecodedFindings(fragment, set, detect(fragment, set));
}

function secrets(text: string, path?: string): SecretFinding[] {
  return scan(text, path).filter((f): f is SecretFinding => f.kind === 'secret');
}

const summary = (f: SecretFinding) => ({ ruleId: f.ruleId, secret: f.secret.reveal(), encoding: f.encoding, line: f.at.line, column: f.at.column });

describe('decode stage', () => {
  test('a base64 .env in a Kubernetes Secret gives the OpenAI key, at the token, instead of the generic finding', () => {
    const token = b64(`OPENAI_API_KEY=${KEY}\n`);
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  .env: ${token}\n`;
    expect(secrets(text).map(summary)).toEqual([{ ruleId: 'openai-project-key', secret: KEY, encoding: 'base64', line: 7, column: 9 }]);
  });

  test('base64url, percent, hex and escapes each name their encoding', () => {
    const url = Buffer.from(`token=${KEY}?>?`).toString('base64url'); // ?>? encodes to _ and -
    expect(secrets(`value: ${url}`).map((f) => f.encoding)).toEqual(['base64url']);
    expect(secrets(`curl "https://api.example.com/v1/chat?key=${KEY.replace(/-/g, '%2D')}"`, 'run.sh').map(summary)).toEqual([
      { ruleId: 'openai-project-key', secret: KEY, encoding: 'percent', line: 1, column: 7 },
    ]);
    expect(secrets(`seed = "${hex(KEY)}"\n`, 'seed.py').map(summary)).toEqual([
      { ruleId: 'openai-project-key', secret: KEY, encoding: 'hex', line: 1, column: 9 },
    ]);
    expect(secrets(`{"apiKey": "${KEY.replace(/-/g, '\\u002d')}"}`, 'app.json').map(summary)).toEqual([
      { ruleId: 'openai-project-key', secret: KEY, encoding: 'escapes', line: 1, column: 13 },
    ]);
  });

  test('two encodings deep is found, with both named outermost first', () => {
    expect(secrets(`blob: ${b64(b64(KEY))}`).map((f) => f.encoding)).toEqual(['base64>base64']);
    const percentInBase64 = b64(`https://hooks.example.com/in?auth=${encodeURIComponent(KEY).replace(/-/g, '%2D')}`);
    expect(secrets(`blob: ${percentInBase64}`).map((f) => f.encoding)).toEqual(['base64>percent']);
  });

  test('three encodings deep is past the limit', () => {
    expect(secrets(`blob: ${b64(b64(b64(KEY)))}`)).toEqual([]);
  });

  test('a key in clear is one finding, not decoded again; the same key encoded elsewhere is another', () => {
    const found = secrets(`a: "${KEY}"\nb: ${b64(KEY)}\n`);
    expect(found.map((f) => [f.at.line, f.encoding])).toEqual([
      [1, undefined],
      [2, 'base64'],
    ]);
  });

  test('a key reached through a URL and the base64 inside it is one finding', () => {
    const text = `redirect=https%3A%2F%2Fapp.example.com%2Fcb%3Ft%3D${b64(KEY)}`;
    expect(secrets(text, 'notes.txt').map((f) => f.ruleId)).toEqual(['openai-project-key']);
  });

  test('an inline allow marker on the token’s line keeps a decoded key out', () => {
    let allowed = 0;
    const fragment = fragmentOf(`token: ${b64(KEY)}  # keyscan:allow test vector\n`, 'x.yaml');
    expect(withDecodedFindings(fragment, set, detect(fragment, set), () => allowed++)).toEqual([]);
    expect(allowed).toBe(1);
  });

  test('decoded findings keep the fingerprint a clear finding of the key would have', () => {
    const [clear] = secrets(`k: "${KEY}"`);
    const [decoded] = secrets(`k: ${b64(KEY)}`);
    expect(decoded!.fingerprint).toBe(clear!.fingerprint);
  });

  test('the fragment line offset moves decoded locations like clear ones', () => {
    const fragment = { ...fragmentOf(`x\nk: ${b64(KEY)}\n`, 'a.yaml'), lineOffset: 40 };
    const [f] = withDecodedFindings(fragment, set, detect(fragment, set));
    expect(f!.at.line).toBe(42);
  });
});

describe('decode stage negatives', () => {
  test('a base64 PNG, a woff2 font and random bytes decode to no text', () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(600)]).toString('base64');
    const woff2 = Buffer.concat([Buffer.from('wOF2\0\x01\0\0'), randomBytes(900)]).toString('base64');
    const random = Buffer.from(Array.from({ length: 300 }, seededBytes(3))).toString('base64');
    const text = `.logo { background: url(data:image/png;base64,${png}); }\n@font-face { src: url(data:font/woff2;base64,${woff2}); }\nblob = "${random}"\n`;
    expect(encodedTokens(text, { left: 100 })).toEqual([]);
    expect(scan(text, 'style.css')).toEqual([]);
  });

  test('hashes and long hex ids are not decoded', () => {
    const sha256 = Array.from({ length: 32 }, seededBytes(5)).map((b) => b.toString(16).padStart(2, '0')).join('');
    const text = `commit ${sha256.slice(0, 40)}\nchecksum: ${sha256}\nintegrity sha512-${b64(sha256)}\n`;
    expect(encodedTokens(text, { left: 100 }).filter((t) => t.encoding === 'hex')).toEqual([]);
    expect(scan(text, 'lock.txt')).toEqual([]);
  });

  test('long names, paths and percent signs of code are not tokens', () => {
    const text = 'const getUserPreferencesFromLocalStorage = () => import("./components/settings/AdvancedSettingsPanel");\nwidth: 100%; printf("%d%%", 5)\n';
    expect(encodedTokens(text, { left: 100 })).toEqual([]);
  });

  test('a token that is a key itself is reported as it is, not decoded', () => {
    const token = fakeGithubToken(3);
    expect(secrets(`GITHUB_TOKEN=${token}`, '.env').map((f) => [f.ruleId, f.encoding])).toEqual([['github-pat', undefined]]);
  });

  test('the number of tokens decoded per fragment is capped', () => {
    const many = Array.from({ length: 200 }, (_, i) => `k${i}: ${b64(`plain text number ${i} with nothing in it`)}`).join('\n');
    const budget = { left: DECODE_LIMITS.tokens };
    expect(encodedTokens(many, budget)).toHaveLength(DECODE_LIMITS.tokens);
    expect(budget.left).toBe(0);
    // and the key after the cap is not found: the cost stays bounded whatever the file holds
    expect(secrets(`${many}\nlast: ${b64(KEY)}\n`)).toEqual([]);
  });

  test('a token longer than the limit is not decoded', () => {
    const big = b64(`${'LOG_LEVEL=info\n'.repeat(1200)}OPENAI_API_KEY=${KEY}\n`);
    expect(big.length).toBeGreaterThan(DECODE_LIMITS.tokenChars);
    expect(secrets(`data: ${big}`)).toEqual([]);
  });

  test('a megabyte line of escapes and percent signs (a hostile minified file) stays cheap', () => {
    const line = `"${'\\u0041'.repeat(100_000)}" ${'%41'.repeat(100_000)} ${'QUFB'.repeat(100_000)}`;
    const started = performance.now();
    const budget = { left: DECODE_LIMITS.tokens };
    encodedTokens(line, budget);
    expect(scan(line, 'vendor.min.js')).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test('practice matches inside decoded text are not reported', () => {
    // built from pieces: the repo's own scan would flag the line as written
    const code = ['fetch(`https://api.example.com/v1?api_key=$', '{process.env.', 'API_KEY}`)'].join('');
    expect(detect(fragmentOf(code, 'app.ts'), set).filter((f) => f.kind === 'practice')).not.toEqual([]);
    expect(scan(`const note = "${b64(code)}";`, 'app.ts')).toEqual([]);
  });
});

function seededBytes(seed: number): () => number {
  const next = seeded(seed);
  return () => Math.floor(next() * 256);
}
