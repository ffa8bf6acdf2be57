// A fake of every validated provider on 127.0.0.1 (random port), for tests of --validate over real
// HTTP. The first path segment names the provider (point an override at `endpoint('slack')`); the
// key found in the request (path, headers, Basic credentials, body) picks the scenario. Every request
// is recorded, so tests can say where a key went and in which header. A second server, `elsewhere`,
// stands for another host: redirects point there, and it must never be reached.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signV4 } from '../../src/validate/sigv4.js';

export type Scenario =
  | 'live'
  | 'revoked'
  /** 403: a live key not allowed the call (or, for some providers, a bad key) */
  | 'forbidden'
  /** 429 with Retry-After: 1, then live */
  | 'rate-limited'
  /** 429 with Retry-After: 3600 */
  | 'rate-limited-long'
  | 'error'
  /** headers after 2 s */
  | 'slow'
  /** headers at once, the body after 2 s */
  | 'slow-body'
  /** 307 to the `elsewhere` server */
  | 'redirect';

export interface RecordedRequest {
  /** The first path segment of the request: the provider the override pointed here. */
  readonly provider: string;
  readonly method: string;
  /** The path after the provider segment, with the query. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface FakeProvider {
  readonly origin: string;
  readonly elsewhere: string;
  readonly requests: RecordedRequest[];
  readonly elsewhereRequests: RecordedRequest[];
  /** Base URL to give as the provider's endpoint override. */
  endpoint(provider: string): string;
  /** `provider=URL` entries, as KEYSCAN_VALIDATE_ENDPOINTS and --validate-endpoint take them. */
  endpointEntries(providers: readonly string[]): string[];
  overrides(providers: readonly string[]): Map<string, URL>;
  /** How the provider answers any request that carries `token` (a key, or an AWS key ID). */
  set(token: string, scenario: Scenario): void;
  /** The secret the fake STS checks signatures of `keyId` with. */
  awsSecret(keyId: string, secret: string): void;
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

type AnswerFor = (req: RecordedRequest) => Answer;

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body, headers });
const unauthorized: AnswerFor = () => json(401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } });
const modelList: AnswerFor = () => json(200, { object: 'list', data: [{ id: 'model-1', object: 'model' }] });

const stsError = (code: string, message: string): Answer => ({
  status: 403,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
});

/** How each provider answers a key it accepts, and one it does not know (from each one's docs). */
const PROVIDERS: Record<string, { live: AnswerFor; revoked: AnswerFor; forbidden?: AnswerFor }> = {
  anthropic: {
    live: (r) => (r.path.startsWith('/v1/organizations/me') ? json(200, { id: 'org-8c1d', name: 'Acme Research', type: 'organization' }) : modelList(r)),
    revoked: () => json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
  },
  aws: {
    live: () => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci-deploy</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
    }),
    revoked: () => stsError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
  },
  cohere: {
    live: () => json(200, { valid: true, organization_id: 'org-42', owner_id: 'owner-7' }),
    revoked: () => json(401, { message: 'invalid api token' }),
  },
  datadog: { live: () => json(200, { valid: true }), revoked: () => json(403, { errors: ['Forbidden'] }) },
  deepseek: {
    live: () => json(200, { is_available: true, balance_infos: [{ currency: 'USD', total_balance: '12.50', granted_balance: '0.00', topped_up_balance: '12.50' }] }),
    revoked: () => json(401, { error: { message: 'Authentication Fails, Your api key is invalid', type: 'authentication_error' } }),
  },
  digitalocean: {
    live: () => json(200, { account: { email: 'ops@acme.test', uuid: 'u-1', status: 'active', email_verified: true, team: { uuid: 't-1', name: 'Platform' } } }),
    revoked: () => json(401, { id: 'Unauthorized', message: 'Unable to authenticate you' }),
  },
  discord: {
    live: (r) =>
      r.path.startsWith('/api/v10/webhooks/')
        ? json(200, { type: 1, id: '1100', name: 'alerts', channel_id: '2200', guild_id: '3300' })
        : json(200, { id: '4400', username: 'deploy-bot', bot: true }),
    revoked: (r) => (r.path.startsWith('/api/v10/webhooks/') ? json(404, { message: 'Unknown Webhook', code: 10015 }) : json(401, { message: '401: Unauthorized', code: 0 })),
  },
  github: {
    live: () => json(200, { login: 'octo-ci', id: 1 }, { 'x-oauth-scopes': 'repo, read:org' }),
    revoked: () => json(401, { message: 'Bad credentials' }),
  },
  gitlab: {
    live: () => json(200, { id: 4, name: 'ci-token', revoked: false, scopes: ['api', 'read_user'], user_id: 24, active: true, expires_at: '2031-01-01' }),
    revoked: () => json(401, { message: '401 Unauthorized' }),
  },
  google: {
    live: () => json(200, { models: [{ name: 'models/gemini-test' }] }),
    revoked: () =>
      json(400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
        },
      }),
    forbidden: () =>
      json(403, {
        error: {
          code: 403,
          message: 'Generative Language API has not been used in project 1 before or it is disabled.',
          status: 'PERMISSION_DENIED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com' }],
        },
      }),
  },
  groq: { live: modelList, revoked: () => json(401, { error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' } }) },
  huggingface: {
    live: () => json(200, { type: 'user', id: 'u1', name: 'alice', orgs: [], auth: { type: 'access_token', accessToken: { displayName: 'ci', role: 'write' } } }),
    revoked: () => json(401, { error: 'Invalid credentials in Authorization header' }),
  },
  mailgun: {
    live: () => json(200, { total_count: 2, items: [{ name: 'mg.acme.test', state: 'active' }] }),
    revoked: () => ({ status: 401, headers: { 'content-type': 'text/plain' }, body: 'Forbidden' }),
  },
  mistral: { live: modelList, revoked: () => json(401, { message: 'Unauthorized', request_id: 'r1' }) },
  npm: { live: () => json(200, { username: 'alice' }), revoked: () => json(401, { error: 'You must be logged in' }) },
  openai: { live: modelList, revoked: unauthorized },
  openrouter: {
    live: () => json(200, { data: { label: 'sk-or-v1-0d2...fb1', usage: 1.5, limit: 10, limit_remaining: 8.5, is_free_tier: false } }),
    revoked: () => json(401, { error: { message: 'User not found.', code: 401 } }),
  },
  perplexity: { live: () => json(200, { requests: [{ id: 'a1', model: 'sonar', status: 'COMPLETED', created_at: 1 }], next_token: null }), revoked: unauthorized },
  replicate: {
    live: () => json(200, { type: 'organization', username: 'acme', name: 'Acme Corp' }),
    revoked: () => json(401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 }),
  },
  shopify: {
    live: () => json(200, { shop: { name: 'Acme Store', myshopify_domain: 'acme-store.myshopify.com' } }),
    revoked: () => json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }),
  },
  sendgrid: {
    live: () => json(200, { scopes: ['mail.send', 'alerts.read', 'stats.read'] }),
    revoked: () => json(401, { errors: [{ field: null, message: 'authorization required' }] }),
  },
  slack: {
    live: () => json(200, { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'deploybot', team_id: 'T0ACME', user_id: 'U0BOT', bot_id: 'B0BOT' }, { 'x-oauth-scopes': 'chat:write,channels:read' }),
    revoked: () => json(200, { ok: false, error: 'invalid_auth' }),
  },
  stripe: {
    live: () => json(200, { object: 'balance', livemode: true, available: [{ amount: 100, currency: 'usd' }], pending: [] }),
    revoked: () => json(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }),
    forbidden: () => json(403, { error: { type: 'invalid_request_error', message: 'The provided key does not have the required permissions for this endpoint' } }),
  },
  telegram: {
    live: () => json(200, { ok: true, result: { id: 5500, is_bot: true, first_name: 'Deploy', username: 'deploy_bot' } }),
    revoked: () => json(401, { ok: false, error_code: 401, description: 'Unauthorized' }),
  },
  twilio: {
    // Twilio's Account resource carries the auth token: the validator must not repeat it
    live: (r) => json(200, { sid: /AC[0-9a-f]{32}/.exec(r.path)?.[0], friendly_name: 'Acme Prod', status: 'active', type: 'Full', auth_token: basicPassword(r) }),
    revoked: () => json(401, { code: 20003, message: 'Authenticate', status: 401 }),
  },
  xai: {
    live: () =>
      json(200, {
        redacted_api_key: 'xai-...b14o',
        user_id: 'u-1',
        name: 'ci key',
        team_id: 'team-7',
        acls: ['api-key:model:*', 'api-key:endpoint:*'],
        api_key_id: 'k-1',
        team_blocked: false,
        api_key_blocked: false,
        api_key_disabled: false,
      }),
    revoked: () => json(400, { code: 'Client specified an invalid argument', error: 'Incorrect API key provided' }),
  },
};

function basicPassword(r: RecordedRequest): string | undefined {
  const auth = r.headers['authorization'];
  if (!auth?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** Everything a request carries that could hold a key. */
function carried(r: RecordedRequest): string {
  const auth = r.headers['authorization'] ?? '';
  const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
  let path = r.path;
  try {
    path = decodeURIComponent(r.path);
  } catch {
    // keep it raw
  }
  return [path, ...Object.values(r.headers), basic, r.body].join('\n');
}

/** The fake STS checks the signature as AWS would, with the secret it was told for the key ID. */
function stsAnswer(r: RecordedRequest, secrets: ReadonlyMap<string, string>): Answer | undefined {
  const match = /Credential=([A-Z0-9]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})/.exec(r.headers['authorization'] ?? '');
  if (!match) return stsError('IncompleteSignature', 'Authorization header requires a Credential');
  const [, keyId, , region, service, signedHeaders, signature] = match;
  const secret = secrets.get(keyId!);
  if (secret === undefined) return undefined; // an unknown key ID: answered by the scenario
  const date = r.headers['x-amz-date'] ?? '';
  const at = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const signed = Object.fromEntries(signedHeaders!.split(';').filter((h) => h !== 'host' && h !== 'x-amz-date').map((h) => [h, r.headers[h] ?? '']));
  const expected = signV4({ method: r.method, host: 'sts.amazonaws.com', path: r.path, headers: signed, body: r.body }, { accessKeyId: keyId!, secretAccessKey: secret, region: region!, service: service! }, at);
  if (region !== 'us-east-1' || service !== 'sts' || !signedHeaders!.split(';').includes('host') || expected.signature !== signature)
    return stsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  return undefined;
}

function send(res: ServerResponse, answer: Answer): void {
  const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(body);
}

async function readRequest(req: IncomingMessage): Promise<{ provider: string; record: RecordedRequest }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = req.url ?? '/';
  const provider = /^\/([a-z0-9-]+)/.exec(url)?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { provider, record: { provider, method: req.method ?? 'GET', path: url.slice(provider.length + 1) || '/', headers, body: Buffer.concat(chunks).toString('utf8') } };
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const elsewhereRequests: RecordedRequest[] = [];
  const scenarios = new Map<string, Scenario>();
  const awsSecrets = new Map<string, string>();
  const limited = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const elsewhereServer = createServer((req, res) => {
    void readRequest(req).then(({ record }) => {
      elsewhereRequests.push(record);
      send(res, json(200, { login: 'not-the-provider', ok: true, valid: true }));
    });
  });
  const elsewhere = await listen(elsewhereServer);

  const server = createServer((req, res) => {
    void readRequest(req).then(({ provider, record }) => {
      requests.push(record);
      const fake = PROVIDERS[provider];
      if (fake === undefined) return send(res, json(404, { error: `no fake provider ${provider}` }));
      const all = carried(record);
      const token = [...scenarios.keys()].find((t) => all.includes(t));
      const scenario = token === undefined ? 'revoked' : scenarios.get(token)!;
      switch (scenario) {
        case 'live':
        case 'revoked':
        case 'forbidden': {
          if (provider === 'aws') {
            const refused = stsAnswer(record, awsSecrets);
            if (refused !== undefined) return send(res, refused);
          }
          if (scenario === 'forbidden') return send(res, fake.forbidden?.(record) ?? json(403, { error: 'forbidden' }));
          return send(res, scenario === 'live' ? fake.live(record) : fake.revoked(record));
        }
        case 'rate-limited':
          if (limited.has(token!)) return send(res, fake.live(record));
          limited.add(token!);
          return send(res, { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } });
        case 'rate-limited-long':
          return send(res, { status: 429, headers: { 'retry-after': '3600' }, body: { error: 'rate limited' } });
        case 'error':
          return send(res, json(500, { error: 'internal error' }));
        case 'slow':
          return later(2000, () => send(res, fake.live(record)));
        case 'slow-body':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"ok":');
          return later(2000, () => res.end('true}'));
        case 'redirect':
          res.writeHead(307, { location: `${elsewhere}/collect${record.path}` });
          return res.end();
      }
    });
  });
  const origin = await listen(server);

  return {
    origin,
    elsewhere,
    requests,
    elsewhereRequests,
    endpoint: (provider) => `${origin}/${provider}`,
    endpointEntries: (providers) => providers.map((p) => `${p}=${origin}/${p}`),
    overrides: (providers) => new Map(providers.map((p) => [p, new URL(`${origin}/${p}`)])),
    set: (token, scenario) => void scenarios.set(token, scenario),
    awsSecret: (keyId, secret) => void awsSecrets.set(keyId, secret),
    reset: () => {
      requests.length = 0;
      elsewhereRequests.length = 0;
      limited.clear();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const s of [server, elsewhereServer]) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}
