// --validate over real HTTP: every validator through the shared client against a fake of its provider
// on 127.0.0.1, then the built CLI end to end. No request ever leaves this machine.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { loadBuiltinRules } from '../src/rules/load.js';
import { Secret } from '../src/secret.js';
import type { SecretFinding } from '../src/types.js';
import { DEFAULT_CLIENT_OPTIONS, isAllowedHost, parseEndpointOverrides, targetUrl, type ClientOptions } from '../src/validate/http.js';
import { VALIDATORS } from '../src/validate/registry.js';
import { jsonOf } from '../src/validate/shape.js';
import type { ProbeResponse, Validator } from '../src/validate/types.js';
import { validateFindings } from '../src/validate/validate.js';
import { runBuiltCli } from './helpers/cli.js';
import { startFakeProvider, type FakeProvider, type RecordedRequest, type Scenario } from './helpers/fake-provider.js';
import { tempTree } from './helpers/tmp.js';
import { fakeAwsTemporaryKeyId, fakeKey } from './helpers/validator-keys.js';

const RULES = loadBuiltinRules();
const validatorOf = (ruleId: string): string | undefined => RULES.find((r) => r.id === ruleId)?.validator;
const providerOf = (ruleId: string): string => RULES.find((r) => r.id === ruleId)?.provider ?? 'unknown';

/** Where a validator must put the key, and nowhere else in the request. */
type Placement = { readonly header: string; readonly value: string } | { readonly inPath: string } | 'signed';

interface Case {
  readonly ruleId: string;
  readonly method: 'GET' | 'POST';
  /** The path (with query) the provider documents for the check. */
  readonly path: (key: string, paired: string | undefined) => string;
  readonly placement: (key: string, paired: string | undefined) => Placement;
  /** The rule of the finding that completes the credential (AWS key ID, Twilio Account SID). */
  readonly pairedRule?: string;
  /** What a live answer's detail says. */
  readonly live: RegExp;
}

const bearer = (key: string): Placement => ({ header: 'authorization', value: `Bearer ${key}` });
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const webhookToken = (url: string): string => url.slice(url.lastIndexOf('/') + 1);
const webhookId = (url: string): string => url.split('/').at(-2)!;

const CASES: readonly Case[] = [
  { ruleId: 'anthropic-api-key', method: 'GET', path: () => '/v1/models?limit=1', placement: (k) => ({ header: 'x-api-key', value: k }), live: /^$/ },
  { ruleId: 'anthropic-admin-key', method: 'GET', path: () => '/v1/organizations/me', placement: (k) => ({ header: 'x-api-key', value: k }), live: /^organization Acme Research \(org-8c1d\)$/ },
  { ruleId: 'aws-secret-access-key', pairedRule: 'aws-access-key-id', method: 'POST', path: () => '/', placement: () => 'signed', live: /^account 123456789012; arn:aws:iam::123456789012:user\/ci-deploy$/ },
  { ruleId: 'cohere-api-key', method: 'POST', path: () => '/v1/check-api-key', placement: bearer, live: /^organization org-42; owner owner-7$/ },
  { ruleId: 'datadog-api-key', method: 'GET', path: () => '/api/v1/validate', placement: (k) => ({ header: 'dd-api-key', value: k }), live: /US1 site/ },
  { ruleId: 'deepseek-api-key', method: 'GET', path: () => '/user/balance', placement: bearer, live: /^balance 12\.50 USD$/ },
  { ruleId: 'digitalocean-personal-access-token', method: 'GET', path: () => '/v2/account', placement: bearer, live: /^ops@acme\.test; team Platform; status active$/ },
  { ruleId: 'discord-bot-token', method: 'GET', path: () => '/api/v10/users/@me', placement: (k) => ({ header: 'authorization', value: `Bot ${k}` }), live: /^bot deploy-bot \(4400\)$/ },
  { ruleId: 'discord-webhook-url', method: 'GET', path: (k) => `/api/v10/webhooks/${webhookId(k)}/${webhookToken(k)}`, placement: (k) => ({ inPath: webhookToken(k) }), live: /^webhook alerts; guild 3300; channel 2200$/ },
  { ruleId: 'github-pat', method: 'GET', path: () => '/user', placement: bearer, live: /^user octo-ci; scopes: repo, read:org$/ },
  { ruleId: 'gitlab-personal-access-token', method: 'GET', path: () => '/api/v4/personal_access_tokens/self', placement: (k) => ({ header: 'private-token', value: k }), live: /^token ci-token; scopes: api, read_user; user id 24; expires 2031-01-01$/ },
  { ruleId: 'google-api-key', method: 'GET', path: () => '/v1beta/models?pageSize=1', placement: (k) => ({ header: 'x-goog-api-key', value: k }), live: /Gemini/ },
  { ruleId: 'groq-api-key', method: 'GET', path: () => '/openai/v1/models', placement: bearer, live: /^$/ },
  { ruleId: 'huggingface-access-token', method: 'GET', path: () => '/api/whoami-v2', placement: bearer, live: /^user alice; token ci; role write$/ },
  { ruleId: 'mailgun-api-key', method: 'GET', path: () => '/v3/domains?limit=1', placement: (k) => ({ header: 'authorization', value: basic('api', k) }), live: /^2 domain\(s\); mg\.acme\.test$/ },
  { ruleId: 'mistral-api-key', method: 'GET', path: () => '/v1/models', placement: bearer, live: /^$/ },
  { ruleId: 'npm-access-token', method: 'GET', path: () => '/-/whoami', placement: bearer, live: /^user alice$/ },
  { ruleId: 'openai-project-key', method: 'GET', path: () => '/v1/models', placement: bearer, live: /^$/ },
  { ruleId: 'openrouter-api-key', method: 'GET', path: () => '/api/v1/key', placement: bearer, live: /^key sk-or-v1-0d2\.\.\.fb1; usage \$1\.5; limit \$10$/ },
  { ruleId: 'perplexity-api-key', method: 'GET', path: () => '/v1/async/sonar', placement: bearer, live: /^1 async request\(s\) listed$/ },
  { ruleId: 'replicate-api-token', method: 'GET', path: () => '/v1/account', placement: bearer, live: /^organization acme$/ },
  { ruleId: 'shopify-access-token', method: 'GET', path: () => '/admin/api/2024-10/shop.json', placement: (k) => ({ header: 'x-shopify-access-token', value: k }), live: /^shop Acme Store, acme-store\.myshopify\.com$/ },
  { ruleId: 'sendgrid-api-key', method: 'GET', path: () => '/v3/scopes', placement: bearer, live: /^3 scope\(s\), can send mail: mail\.send, alerts\.read, stats\.read$/ },
  { ruleId: 'slack-bot-token', method: 'POST', path: () => '/api/auth.test', placement: bearer, live: /^team Acme \(T0ACME\); user deploybot; bot B0BOT; scopes: chat:write,channels:read$/ },
  { ruleId: 'stripe-secret-key', method: 'GET', path: () => '/v1/balance', placement: bearer, live: /^live mode$/ },
  { ruleId: 'telegram-bot-token', method: 'GET', path: (k) => `/bot${k}/getMe`, placement: (k) => ({ inPath: k }), live: /^bot @deploy_bot \(5500\)$/ },
  { ruleId: 'twilio-auth-token', pairedRule: 'twilio-account-sid', method: 'GET', path: (_k, sid) => `/2010-04-01/Accounts/${sid}.json`, placement: (k, sid) => ({ header: 'authorization', value: basic(sid!, k) }), live: /^account Acme Prod; status active; type Full$/ },
  { ruleId: 'xai-api-key', method: 'GET', path: () => '/v1/api-key', placement: bearer, live: /^key ci key; team team-7; acls: api-key:model:\*, api-key:endpoint:\*$/ },
];

const caseProvider = (c: Case): string => validatorOf(c.ruleId)!;

function finding(ruleId: string, value: string, path = 'config/app.env', line = 1): SecretFinding {
  return {
    kind: 'secret',
    ruleId,
    title: ruleId,
    provider: providerOf(ruleId),
    severity: 'high',
    remediation: 'rotate it',
    secret: new Secret(value),
    origin: { kind: 'file', path },
    at: { line, column: 1, endLine: line, endColumn: value.length + 1 },
    fingerprint: `${ruleId}:${path}:${line}`,
    practices: [],
  };
}

/** One credential of a case: the key, its pair if it needs one, and the findings a scan would make. */
interface Credential {
  readonly c: Case;
  readonly key: string;
  readonly paired: string | undefined;
  /** What identifies its requests at the fake provider: the key, or the AWS key ID. */
  readonly token: string;
  readonly findings: SecretFinding[];
}

function credential(c: Case, seed: number, path = `config/${c.ruleId}.env`): Credential {
  const key = fakeKey(c.ruleId, seed);
  const paired = c.pairedRule === undefined ? undefined : fakeKey(c.pairedRule, seed);
  const findings = [finding(c.ruleId, key, path, 2)];
  if (paired !== undefined) findings.push(finding(c.pairedRule!, paired, path, 1));
  const token = c.pairedRule === 'aws-access-key-id' ? paired! : c.ruleId === 'discord-webhook-url' ? webhookToken(key) : key;
  return { c, key, paired, token, findings };
}

let fake: FakeProvider;
const ALL_PROVIDERS = [...VALIDATORS.keys()];

function clientOptions(overrides: Partial<ClientOptions> = {}): ClientOptions {
  return { ...DEFAULT_CLIENT_OPTIONS, timeoutMs: 500, concurrency: 64, providerIntervalMs: 0, overrides: fake.overrides(ALL_PROVIDERS), ...overrides };
}

async function validate(findings: SecretFinding[], options: Partial<ClientOptions> = {}): Promise<SecretFinding[]> {
  const out = await validateFindings({ findings, validatorOf, validators: VALIDATORS, options: clientOptions(options), now: () => new Date('2026-01-02T03:04:05.000Z') });
  return out as SecretFinding[];
}

const resultFor = (results: SecretFinding[], cred: Credential): SecretFinding => results.find((f) => f.ruleId === cred.c.ruleId && f.secret.reveal() === cred.key)!;
const requestsOf = (cred: Credential): RecordedRequest[] => fake.requests.filter((r) => r.provider === caseProvider(cred.c) && carries(r, cred.token));

function carries(r: RecordedRequest, text: string): boolean {
  const auth = r.headers['authorization'] ?? '';
  const basicPart = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
  return [r.path, ...Object.values(r.headers), basicPart, r.body].some((part) => part.includes(text));
}

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('the registry', () => {
  test('holds at least 22 validators, in alphabetical order, each under its own name', () => {
    expect(VALIDATORS.size).toBeGreaterThanOrEqual(22);
    expect(ALL_PROVIDERS).toEqual([...ALL_PROVIDERS].sort());
    for (const [name, v] of VALIDATORS) expect(v.provider).toBe(name);
    expect(ALL_PROVIDERS).toContain('openai');
    expect(ALL_PROVIDERS).toContain('github');
  });

  test('every validator is named by a rule, and accepts every rule that names it', () => {
    for (const v of VALIDATORS.values()) {
      const naming = RULES.filter((r) => r.validator === v.provider);
      expect(naming.length, v.provider).toBeGreaterThan(0);
      for (const rule of naming) expect(v.rules ?? [rule.id], `${rule.id} names ${v.provider}`).toContain(rule.id);
      for (const id of v.rules ?? []) expect(validatorOf(id), `${v.provider} lists ${id}`).toBe(v.provider);
      if (v.pairedWith !== undefined) expect(RULES.map((r) => r.id)).toContain(v.pairedWith);
    }
  });

  test('webhook rules have no validator: a webhook can only be tested by posting to it', () => {
    expect(validatorOf('slack-webhook-url')).toBeUndefined();
    expect(validatorOf('slack-workflow-webhook-url')).toBeUndefined();
    expect(VALIDATORS.get('slack')!.rules).not.toContain('slack-webhook-url');
  });

  test('every case above is a validated rule, and every validator has a case', () => {
    for (const c of CASES) expect(VALIDATORS.has(caseProvider(c)), c.ruleId).toBe(true);
    expect(new Set(CASES.map(caseProvider))).toEqual(new Set(ALL_PROVIDERS));
  });
});

describe.each(CASES)('$ruleId', (c) => {
  test('a live key is live, with what the provider says of it; the key went only where the provider documents', async () => {
    const cred = credential(c, 11);
    fake.set(cred.token, 'live');
    if (c.pairedRule === 'aws-access-key-id') fake.awsSecret(cred.paired!, cred.key);
    const [result] = await validate(cred.findings);
    expect(result!.validation).toEqual({ status: 'live', detail: expect.stringMatching(c.live), checkedAt: '2026-01-02T03:04:05.000Z' });
    expect(result!.validation!.detail).not.toContain(cred.key);

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.provider).toBe(caseProvider(c));
    expect(sent.method).toBe(c.method);
    expect(sent.path).toBe(c.path(cred.key, cred.paired));
    const placement = c.placement(cred.key, cred.paired);
    const secretPart = typeof placement === 'object' && 'inPath' in placement ? placement.inPath : cred.key;
    if (placement === 'signed') {
      // SigV4: the key ID in the Authorization header, the secret nowhere
      expect(carries(sent, cred.key)).toBe(false);
      expect(sent.headers['authorization']).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${cred.paired}/\\d{8}/us-east-1/sts/aws4_request, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$`));
      expect(sent.body).toBe('Action=GetCallerIdentity&Version=2011-06-15');
    } else if ('inPath' in placement) {
      expect(sent.path).toContain(placement.inPath);
      expect(VALIDATORS.get(caseProvider(c))!.keyInUrl).toBeTruthy();
      for (const [name, value] of Object.entries(sent.headers)) expect(value, name).not.toContain(secretPart);
      expect(sent.body).not.toContain(secretPart);
    } else {
      expect(sent.headers[placement.header]).toBe(placement.value);
      expect(sent.path).not.toContain(secretPart);
      expect(sent.body).not.toContain(secretPart);
      for (const [name, value] of Object.entries(sent.headers)) if (name !== placement.header) expect(value, name).not.toContain(secretPart);
    }
  });

  test('a revoked key is invalid', async () => {
    const cred = credential(c, 12);
    fake.set(cred.token, 'revoked');
    const [result] = await validate(cred.findings);
    expect(result!.validation).toMatchObject({ status: 'invalid' });
    expect(result!.validation!.detail).not.toContain(cred.key);
    expect(requestsOf(cred)).toHaveLength(1);
  });

  test('without an override, the request can go only to the host the validator declares', () => {
    const cred = credential(c, 13);
    const v = VALIDATORS.get(caseProvider(c))!;
    // a customer-hosted provider (Shopify) takes its host from beside the key
    const context = v.hostFor ? 'acme-store' : undefined;
    if (!v.hostFor) expect(v.hosts).toEqual([new URL(v.baseUrl).hostname]);
    const request = v.request(cred.key, c.ruleId, cred.paired);
    const url = targetUrl(v, request, new Map(), context);
    expect(url).toBeInstanceOf(URL);
    expect((url as URL).protocol).toBe('https:');
    expect(isAllowedHost((url as URL).hostname, v.hosts)).toBe(true);
    expect(`${(url as URL).pathname}${(url as URL).search}`).toBe(c.path(cred.key, cred.paired));
    // overrides for every other provider change nothing for this one
    const others = new Map(ALL_PROVIDERS.filter((p) => p !== v.provider).map((p) => [p, new URL(`http://127.0.0.1:9/${p}`)]));
    expect(String(targetUrl(v, request, others, context))).toBe(String(url));
    // the key is in the URL only where the validator says why
    if (url.toString().includes(cred.key) || url.toString().includes(webhookToken(cred.key))) expect(v.keyInUrl).toBeTruthy();
  });
});

describe('what the client does with awkward answers, for every validator at once', () => {
  const SCENARIOS: readonly { scenario: Scenario; status: string; detail: RegExp; requests: number }[] = [
    { scenario: 'rate-limited', status: 'live', detail: /.*/, requests: 2 },
    { scenario: 'rate-limited-long', status: 'unknown', detail: /^rate limited \(429, Retry-After 3600 s\)$/, requests: 1 },
    { scenario: 'error', status: 'unknown', detail: /^provider error 500$/, requests: 1 },
    { scenario: 'slow', status: 'unknown', detail: /^timed out after 500 ms$/, requests: 1 },
    { scenario: 'slow-body', status: 'unknown', detail: /^timed out after 500 ms while reading the answer$/, requests: 1 },
    { scenario: 'redirect', status: 'unknown', detail: /^the provider answered with a redirect \(307\), not followed$/, requests: 1 },
  ];

  test.each(SCENARIOS)('$scenario: $status', async ({ scenario, status, detail, requests }) => {
    const creds = CASES.map((c, i) => credential(c, 100 + i));
    for (const cred of creds) {
      fake.set(cred.token, scenario);
      if (cred.c.pairedRule === 'aws-access-key-id') fake.awsSecret(cred.paired!, cred.key);
    }
    const results = await validate(creds.flatMap((cred) => cred.findings));
    for (const cred of creds) {
      expect(resultFor(results, cred).validation, cred.c.ruleId).toMatchObject({ status, detail: expect.stringMatching(detail) });
      expect(requestsOf(cred), cred.c.ruleId).toHaveLength(requests);
    }
    // a redirect is never followed: the other host hears nothing
    expect(fake.elsewhereRequests).toEqual([]);
  });
});

describe('pairs, skips and dedupe', () => {
  const aws = CASES.find((c) => c.ruleId === 'aws-secret-access-key')!;
  const github = CASES.find((c) => c.ruleId === 'github-pat')!;

  test('an AWS secret is signed with the key ID nearest to it in its own file', async () => {
    const cred = credential(aws, 21);
    fake.set(cred.token, 'live');
    fake.awsSecret(cred.paired!, cred.key);
    const otherId = fakeKey('aws-access-key-id', 22);
    const findings = [...cred.findings, finding('aws-access-key-id', otherId, 'config/aws-secret-access-key.env', 40), finding('aws-access-key-id', fakeKey('aws-access-key-id', 23), 'elsewhere.env', 2)];
    const [result] = await validate(findings);
    expect(result!.validation!.status).toBe('live');
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers['authorization']).toContain(`Credential=${cred.paired}/`);
  });

  test('an AWS secret that does not belong to its key ID is invalid (the fake STS checks the signature)', async () => {
    const cred = credential(aws, 24);
    fake.set(cred.token, 'live');
    fake.awsSecret(cred.paired!, fakeKey('aws-secret-access-key', 25));
    const [result] = await validate(cred.findings);
    expect(result!.validation).toMatchObject({ status: 'invalid', detail: expect.stringContaining('SignatureDoesNotMatch') });
  });

  test('a secret without its pair in the file, or with a temporary key ID, is unknown and nothing is sent', async () => {
    const lone = finding('aws-secret-access-key', fakeKey('aws-secret-access-key', 26), 'lone.env', 3);
    const pairedElsewhere = finding('aws-access-key-id', fakeKey('aws-access-key-id', 26), 'other.env', 3);
    const temporary = [finding('aws-secret-access-key', fakeKey('aws-secret-access-key', 27), 'sts.env', 2), finding('aws-access-key-id', fakeAwsTemporaryKeyId(27), 'sts.env', 1)];
    const twilioLone = finding('twilio-auth-token', fakeKey('twilio-auth-token', 28), 'twilio.env', 1);
    const results = await validate([lone, pairedElsewhere, ...temporary, twilioLone]);
    expect(results[0]!.validation).toMatchObject({ status: 'unknown', detail: 'needs its aws-access-key-id in the same file to be checked' });
    expect(results[2]!.validation).toMatchObject({ status: 'unknown', detail: expect.stringContaining('session token') });
    expect(results[4]!.validation).toMatchObject({ status: 'unknown', detail: 'needs its twilio-account-sid in the same file to be checked' });
    // a key ID alone is not a credential: no validator takes it
    expect(results[1]!.validation).toMatchObject({ status: 'unsupported' });
    expect(fake.requests).toEqual([]);
  });

  test('a Slack refresh token is not sent to auth.test, which would call it invalid', async () => {
    const refresh = fakeKey('slack-bot-token', 32).replace(/^xoxb/, 'xoxr');
    const [result] = await validate([finding('slack-legacy-workspace-token', refresh)]);
    expect(result!.validation).toMatchObject({ status: 'unknown', detail: expect.stringContaining('refresh token') });
    expect(fake.requests).toEqual([]);
  });

  test('a GitLab token of a self-managed instance is not sent to gitlab.com', async () => {
    const prefixed = `acme-${fakeKey('gitlab-personal-access-token', 29)}`;
    const [result] = await validate([finding('gitlab-personal-access-token', prefixed)]);
    expect(result!.validation).toMatchObject({ status: 'unknown', detail: expect.stringContaining('self-managed') });
    expect(fake.requests).toEqual([]);
  });

  test('each unique key is asked about once, however many files hold it', async () => {
    const cred = credential(github, 30);
    fake.set(cred.token, 'live');
    const findings = ['a.env', 'b/c.ts', 'd.json'].flatMap((path, i) => [finding('github-pat', cred.key, path, i + 1), finding('github-pat', cred.key, path, i + 10)]);
    const results = await validate(findings);
    expect(results.map((f) => f.validation!.status)).toEqual(Array(6).fill('live'));
    expect(fake.requests).toHaveLength(1);
  });

  test('a rule without a validator, or not in its validator\'s list, is unsupported and sends nothing', async () => {
    const results = await validate([finding('slack-webhook-url', 'https://hooks.slack.com/services/T0/B0/x'), finding('anthropic-enterprise-key', fakeKey('anthropic-api-key', 31))]);
    expect(results.map((f) => f.validation!.status)).toEqual(['unsupported', 'unsupported']);
    expect(fake.requests).toEqual([]);
  });
});

describe('answers the table above does not cover', () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}): ProbeResponse => ({ status, headers: new Headers(headers), body: JSON.stringify(body) });
  const v = (name: string): Validator => VALIDATORS.get(name)!;

  test.each([
    ['google', 'google-api-key', response(403, { error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason: 'SERVICE_DISABLED' }] } }), 'live', /SERVICE_DISABLED/],
    ['google', 'google-api-key', response(403, { error: { code: 403, details: [{ reason: 'API_KEY_HTTP_REFERRER_BLOCKED' }] } }), 'live', /REFERRER/],
    ['stripe', 'stripe-restricted-key', response(403, { error: { type: 'invalid_request_error' } }), 'live', /403/],
    ['slack', 'slack-bot-token', response(200, { ok: false, error: 'token_revoked' }), 'invalid', /token_revoked/],
    ['slack', 'slack-user-token', response(200, { ok: false, error: 'account_inactive' }), 'invalid', /account_inactive/],
    ['slack', 'slack-bot-token', response(200, { ok: false, error: 'ratelimited' }), 'unknown', /ratelimited/],
    ['cohere', 'cohere-api-key', response(200, { valid: false }), 'invalid', /not valid/],
    ['xai', 'xai-api-key', response(200, { name: 'old', api_key_disabled: true, api_key_blocked: false, team_blocked: false, acls: [] }), 'invalid', /api_key_disabled/],
    ['gitlab', 'gitlab-personal-access-token', response(200, { name: 't', active: false, revoked: true, scopes: [] }), 'invalid', /revoked/],
    ['datadog', 'datadog-api-key', response(403, { errors: ['Forbidden'] }), 'invalid', /US1/],
    ['telegram', 'telegram-bot-token', response(404, { ok: false, error_code: 404, description: 'Not Found' }), 'invalid', /404/],
    ['discord', 'discord-webhook-url', response(401, { message: 'Invalid Webhook Token', code: 50027 }), 'invalid', /401/],
    ['aws', 'aws-secret-access-key', { status: 403, headers: new Headers(), body: '<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z</Message></Error></ErrorResponse>' }, 'unknown', /SignatureDoesNotMatch/],
    ['anthropic', 'anthropic-api-key', response(403, { type: 'error', error: { type: 'permission_error' } }), 'live', /403/],
  ] as const)('%s %s: %s', (name, ruleId, answer, status, detail) => {
    const verdict = v(name).interpret(answer, ruleId);
    expect(verdict).toMatchObject({ status, detail: expect.stringMatching(detail) });
  });

  test('Twilio\'s answer holds the auth token; the detail never repeats it', () => {
    const token = fakeKey('twilio-auth-token', 40);
    const verdict = v('twilio').interpret(response(200, { friendly_name: 'Acme', status: 'active', type: 'Full', auth_token: token }), 'twilio-auth-token');
    expect(verdict.status).toBe('live');
    expect(verdict.detail).not.toContain(token);
    expect(jsonOf(response(200, { a: 1 }))).toEqual({ a: 1 });
  });
});

describe('where keys may go', () => {
  const github = VALIDATORS.get('github')!;
  const request = github.request(fakeKey('github-pat', 50), 'github-pat', undefined);

  test('targetUrl refuses a path that would take the key to another host, with or without an override', () => {
    const bareOverride = new Map([['github', new URL(fake.origin)]]);
    for (const path of ['.evil.test/user', '@evil.test/user', ':8443@evil.test/', ':x/user']) {
      for (const overrides of [new Map(), fake.overrides(['github']), bareOverride]) expect(typeof targetUrl(github, { ...request, path }, overrides), path).toBe('string');
    }
    expect(String(targetUrl(github, { ...request, path: '//evil.test/user' }, new Map()))).toBe('https://api.github.com//evil.test/user');
    expect(targetUrl({ ...github, baseUrl: 'http://api.github.com' }, request, new Map())).toBe('refused: not HTTPS');
  });

  test('a webhook URL on any Discord host is read from discord.com, and nothing else is taken for one', () => {
    const discord = VALIDATORS.get('discord')!;
    const url = fakeKey('discord-webhook-url', 52);
    const legacy = url.replace('https://discord.com/', 'https://discordapp.com/');
    const target = targetUrl(discord, discord.request(legacy, 'discord-webhook-url', undefined), new Map());
    expect(String(target)).toBe(`https://discord.com/api/v10/webhooks/${webhookId(url)}/${webhookToken(url)}`);
    expect(discord.skipReason!(url.replace('discord.com', 'discord.com.evil.test'), 'discord-webhook-url', undefined)).toMatch(/not a discord/);
  });

  test('an override for one provider never moves another', () => {
    const overrides = fake.overrides(['openai']);
    expect(String(targetUrl(github, request, overrides))).toBe('https://api.github.com/user');
    const openai = VALIDATORS.get('openai')!;
    expect(String(targetUrl(openai, openai.request('k', 'openai-project-key', undefined), overrides))).toBe(`${fake.endpoint('openai')}/v1/models`);
  });

  test('http:// overrides are taken for loopback addresses only', () => {
    expect(() => parseEndpointOverrides(['github=http://api.example.test'])).toThrow(/not loopback/);
    expect(() => parseEndpointOverrides(['github=http://127.0.0.1.example.test'])).toThrow(/not loopback/);
    expect(() => parseEndpointOverrides(['github=ftp://127.0.0.1/'])).toThrow(/https/);
    expect(parseEndpointOverrides([`github=${fake.endpoint('github')},openai=https://proxy.example.test/openai`]).get('openai')?.href).toBe('https://proxy.example.test/openai');
  });

  test('a key is put in its header as it is, even one holding $& or $\'', () => {
    const key = `${fakeKey('groq-api-key', 53)}$&$'$$`;
    expect(VALIDATORS.get('groq')!.request(key, 'groq-api-key', undefined).headers['authorization']).toBe(`Bearer ${key}`);
  });

  test('a malformed key is never quoted in the reason a request failed', async () => {
    const key = `${fakeKey('github-pat', 51)}\nX`;
    const [result] = await validate([finding('github-pat', key)]);
    expect(result!.validation!.status).toBe('unknown');
    expect(result!.validation!.detail).not.toContain(key.slice(0, 20));
  });
});

describe('the built CLI', () => {
  const githubLive = fakeKey('github-pat', 60);
  const githubRevoked = fakeKey('github-pat', 61);
  const slackLive = fakeKey('slack-bot-token', 62);
  const stripeRevoked = fakeKey('stripe-secret-key', 63);
  const awsKeyId = fakeKey('aws-access-key-id', 64);
  const awsSecret = fakeKey('aws-secret-access-key', 64);
  const csvKeyId = fakeKey('aws-access-key-id', 66);
  const csvSecret = fakeKey('aws-secret-access-key', 66);
  const allKeys = [githubLive, githubRevoked, slackLive, stripeRevoked, awsKeyId, awsSecret, csvKeyId, csvSecret];

  interface JsonFinding {
    ruleId: string;
    file: string;
    validation?: { status: string; checkedAt: string; detail: string };
  }
  const findingsOf = (stdout: string): JsonFinding[] => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.validation !== undefined);

  function repo(extra: Record<string, string> = {}): string {
    return tempTree({
      'deploy/github.env': `GITHUB_TOKEN=${githubLive}\n`,
      'ci/old.env': `GH_TOKEN=${githubRevoked}\n`,
      'app/slack.env': `SLACK_BOT_TOKEN=${slackLive}\n`,
      'billing/stripe.env': `STRIPE_SECRET_KEY=${stripeRevoked}\n`,
      'infra/credentials': `[default]\naws_access_key_id = ${awsKeyId}\naws_secret_access_key = ${awsSecret}\n`,
      'infra/ci_accessKeys.csv': `Access key ID,Secret access key\n${csvKeyId},${csvSecret}\n`,
      ...extra,
    });
  }

  /** Every provider sent to the fake, so no test can reach a real one; `except` are given by flag. */
  const envAll = (except: readonly string[] = []) => ({ KEYSCAN_VALIDATE_ENDPOINTS: fake.endpointEntries(ALL_PROVIDERS.filter((p) => !except.includes(p))).join(',') });

  beforeEach(() => {
    fake.set(githubLive, 'live');
    fake.set(githubRevoked, 'revoked');
    fake.set(slackLive, 'live');
    fake.set(stripeRevoked, 'revoked');
    fake.set(awsKeyId, 'live');
    fake.awsSecret(awsKeyId, awsSecret);
    fake.set(csvKeyId, 'revoked');
  });

  test('reports validation {status, checkedAt, detail} in JSON; overrides come from the environment and the flag; keys stay redacted', async () => {
    const root = repo();
    const run = await runBuiltCli(['.', '--validate', '--format', 'json', '--validate-endpoint', `slack=${fake.endpoint('slack')}`], {
      cwd: root,
      env: envAll(['slack']),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const found = findingsOf(run.stdout);
    const byFile = (file: string, ruleId: string) => found.find((f) => f.file.endsWith(file) && f.ruleId === ruleId)?.validation;
    expect(byFile('github.env', 'github-pat')).toEqual({ status: 'live', checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), detail: 'user octo-ci; scopes: repo, read:org' });
    expect(byFile('old.env', 'github-pat')).toMatchObject({ status: 'invalid' });
    expect(byFile('slack.env', 'slack-bot-token')).toMatchObject({ status: 'live', detail: expect.stringContaining('team Acme') });
    expect(byFile('stripe.env', 'stripe-secret-key')).toMatchObject({ status: 'invalid' });
    expect(byFile('credentials', 'aws-secret-access-key')).toMatchObject({ status: 'live', detail: 'account 123456789012; arn:aws:iam::123456789012:user/ci-deploy' });
    expect(byFile('credentials', 'aws-access-key-id')).toMatchObject({ status: 'unsupported' });
    expect(byFile('ci_accessKeys.csv', 'aws-secret-access-key-pair')).toMatchObject({ status: 'invalid', detail: expect.stringContaining('InvalidClientTokenId') });
    for (const key of allKeys) expect(run.stdout + run.stderr).not.toContain(key);
    expect(new Set(fake.requests.map((r) => r.provider))).toEqual(new Set(['github', 'slack', 'stripe', 'aws']));
  });

  test('--fail-on live exits 1 only when a live key was found; --only-live keeps only live ones', async () => {
    const env = envAll();
    const withLive = await runBuiltCli(['.', '--validate', '--fail-on', 'live', '--only-live', '--format', 'json'], { cwd: repo(), env });
    expect(withLive.code).toBe(1);
    const live = (JSON.parse(withLive.stdout) as { findings: JsonFinding[] }).findings;
    expect(live.map((f) => f.ruleId).sort()).toEqual(['aws-secret-access-key', 'github-pat', 'slack-bot-token']);
    expect(live.every((f) => f.validation?.status === 'live')).toBe(true);

    const deadOnly = tempTree({ 'ci/old.env': `GH_TOKEN=${githubRevoked}\n`, 'billing/stripe.env': `STRIPE_SECRET_KEY=${stripeRevoked}\n` });
    const none = await runBuiltCli(['.', '--validate', '--fail-on', 'live', '--format', 'json'], { cwd: deadOnly, env });
    expect(none.code).toBe(0);
    expect(findingsOf(none.stdout).map((f) => f.validation!.status)).toEqual(['invalid', 'invalid']);
  });

  test('one key in several files is asked about once', async () => {
    const root = tempTree({ 'a.env': `GITHUB_TOKEN=${githubLive}\n`, 'b/b.env': `GITHUB_TOKEN=${githubLive}\n`, 'c/c.ts': `const token = "${githubLive}";\n` });
    const run = await runBuiltCli(['.', '--validate', '--format', 'json', '--validate-endpoint', `github=${fake.endpoint('github')}`], { cwd: root, env: envAll(['github']) });
    expect(findingsOf(run.stdout).filter((f) => f.ruleId === 'github-pat').map((f) => f.validation!.status)).toEqual(['live', 'live', 'live']);
    expect(fake.requests).toHaveLength(1);
  });

  test('a slow provider is unknown after --validate-timeout, and the scan goes on', async () => {
    const slow = fakeKey('github-pat', 65);
    fake.set(slow, 'slow');
    const root = tempTree({ 'a.env': `GITHUB_TOKEN=${slow}\n` });
    const started = Date.now();
    const run = await runBuiltCli(['.', '--validate', '--validate-timeout', '0.5', '--format', 'json', '--validate-endpoint', `github=${fake.endpoint('github')}`], { cwd: root, env: envAll(['github']) });
    expect(run.code).toBe(1);
    expect(findingsOf(run.stdout)[0]!.validation).toMatchObject({ status: 'unknown', detail: 'timed out after 500 ms' });
    expect(Date.now() - started).toBeLessThan(1900);
  });

  test.each([
    ['--validate-endpoint', (url: string) => ({ args: ['--validate-endpoint', `github=${url}`], env: envAll(['github']) })],
    ['KEYSCAN_VALIDATE_ENDPOINTS', (url: string) => ({ args: [], env: { KEYSCAN_VALIDATE_ENDPOINTS: `${envAll(['github']).KEYSCAN_VALIDATE_ENDPOINTS},github=${url}` } })],
  ])('an http:// override for a host that is not loopback is refused (%s): exit 2, nothing sent', async (_how, make) => {
    const { args, env } = make('http://keys.example.test/github');
    const run = await runBuiltCli(['.', '--validate', ...args], { cwd: repo(), env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/http:\/\/ for a host that is not loopback/);
    expect(run.stdout + run.stderr).not.toContain(githubLive);
    expect(fake.requests).toEqual([]);
  });

  test('endpoints set by a keyscan.toml in the scanned repo are ignored, with a warning, and get no key', async () => {
    const root = repo({
      'keyscan.toml': `[validation]\nendpoints = { github = "${fake.elsewhere}/github" }\n\n[validate_endpoints]\ngithub = "${fake.elsewhere}/github"\n`,
    });
    const run = await runBuiltCli(['.', '--validate', '--format', 'json'], { cwd: root, env: envAll() });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/keyscan\.toml sets validation endpoints; ignored/);
    expect(fake.elsewhereRequests).toEqual([]);
    expect(fake.requests.some((r) => r.provider === 'github' && carries(r, githubLive))).toBe(true);
  });
});

describe('shopify: the shop comes from beside the key', () => {
  const shopify = VALIDATORS.get('shopify')!;
  const request = shopify.request('token', 'shopify-access-token', undefined);
  test('the request goes to the shop named in the same file, and only to a myshopify.com host', () => {
    expect(String(targetUrl(shopify, request, new Map(), 'acme-store'))).toBe('https://acme-store.myshopify.com/admin/api/2024-10/shop.json');
    expect(targetUrl(shopify, request, new Map(), undefined)).toMatch(/needs the shopify host/);
    expect(targetUrl(shopify, request, new Map(), 'evil.example.com/x')).toMatch(/needs the shopify host/);
  });
  test('a detected token carries its shop from the same file', async () => {
    const { buildRuleSet, detect } = await import('../src/detect/detect.js');
    const { compileRule } = await import('../src/rules/compile.js');
    const set = buildRuleSet(RULES.filter((r) => r.provider === 'shopify').map(compileRule));
    const token = fakeKey('shopify-access-token', 90);
    const found = detect({ text: `SHOP=acme-store.myshopify.com\nSHOPIFY_ACCESS_TOKEN=${token}\n`, origin: { kind: 'file', path: '.env' }, lineOffset: 0 }, set);
    expect(found.map((f) => (f.kind === 'secret' ? f.context : undefined))).toEqual(['acme-store']);
  });
});
