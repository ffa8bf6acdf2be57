// Strings that look like keys and are not: hashes, ids, public keys, placeholders, publishable keys.
// Each decoy names its category, so a false positive can be traced to what it fired on.
import { ALNUM, DIGITS } from './random.mjs';

const lines64 = (b64) => b64.match(/.{1,64}/g).join('\n');

export function pngBase64(rng, bytes) {
  const header = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const body = Buffer.from(rng.hex(bytes * 2), 'hex');
  return Buffer.concat([header, body]).toString('base64');
}

function sshRsa(rng) {
  const blob = Buffer.concat([
    Buffer.from('00000007', 'hex'), Buffer.from('ssh-rsa'), Buffer.from('0000000301000100000181', 'hex'),
    Buffer.from(rng.hex(768), 'hex'),
  ]);
  return `ssh-rsa ${blob.toString('base64')} deploy@ci`;
}

function sshEd25519(rng) {
  const blob = Buffer.concat([Buffer.from('0000000b', 'hex'), Buffer.from('ssh-ed25519'), Buffer.from('00000020', 'hex'), Buffer.from(rng.hex(64), 'hex')]);
  return `ssh-ed25519 ${blob.toString('base64')} ${rng.pick(['alice', 'bob', 'ops'])}@laptop`;
}

function publicKeyPem(rng) {
  const der = Buffer.concat([Buffer.from('30820122300d06092a864886f70d01010105000382010f003082010a0282010100', 'hex'), Buffer.from(rng.hex(512), 'hex'), Buffer.from('0203010001', 'hex')]);
  return `-----BEGIN PUBLIC KEY-----\n${lines64(der.toString('base64'))}\n-----END PUBLIC KEY-----`;
}

function sentryDsn(rng) {
  return `https://${rng.hex(32)}@o${rng.chars(DIGITS, 6)}.ingest.${rng.pick(['', 'us.', 'de.'])}sentry.io/${rng.chars(DIGITS, 7)}`;
}

function bcryptHash(rng) {
  return `$2b$12$${rng.chars(`${ALNUM}./`, 53)}`;
}

/**
 * The fixed decoys: [category, file kind, block]. A block is text, or { entries } for JSON files,
 * or { cell } for notebooks; `values` are the look-alike strings in it.
 */
export function standardDecoys(rng) {
  const out = [];
  const add = (category, kind, block, values) => out.push({ category, kind, block, values });
  for (let i = 0; i < 3; i++) {
    const u = [rng.uuid(), rng.uuid()];
    add('uuid', 'ts', `export const REQUEST_NAMESPACE = '${u[0]}';\nexport const DEFAULT_WORKSPACE_ID = "${u[1]}";`, u);
  }
  {
    const u = [rng.uuid(), rng.uuid(), rng.uuid()];
    add('uuid', 'tf', `provider "azurerm" {\n  features {}\n  tenant_id       = "${u[0]}"\n  subscription_id = "${u[1]}"\n  client_id       = "${u[2]}"\n}`, u);
    const v = [rng.uuid(), rng.uuid()];
    add('uuid', 'json', { entries: [['oauth', { clientId: v[0], tenantId: v[1], redirectUri: 'https://app.example.com/callback' }]] }, v);
    const w = rng.uuid();
    add('uuid', 'py', `DATASET_ID = "${w}"  # the public benchmark split`, [w]);
  }
  {
    const shas = [rng.hex(40), rng.hex(40), rng.hex(40)];
    add('git-sha', 'md', `## Changelog\n\n- Fix the token refresh race (${shas[0].slice(0, 7)})\n- Rotate the webhook secret on deploy (${shas[1].slice(0, 7)})\n- Reverts commit ${shas[2]}.`, shas);
    const s = rng.hex(40);
    add('git-sha', 'sh', `# pinned to the commit that fixed password reset\nUI_KIT_REF=${s}\ngit -C vendor/ui-kit checkout "$UI_KIT_REF"`, [s]);
    const t = rng.hex(40);
    add('git-sha', 'py', `# ml-utils is installed from git: pip install git+https://github.com/acme/ml-utils@${t}\nML_UTILS_COMMIT = "${t}"`, [t]);
  }
  {
    const h = [rng.hex(64), rng.hex(64)];
    add('sha256', 'md', `## Verifying a release\n\n\`\`\`\n${h[0]}  cli-linux-x64.tar.gz\n${h[1]}  cli-darwin-arm64.tar.gz\n\`\`\`\n\nCheck with \`sha256sum -c SHA256SUMS\`.`, h);
    const g = rng.hex(64);
    add('sha256', 'py', `EXPECTED_SHA256 = "${g}"\n\n\ndef verify(path: str) -> bool:\n    return hashlib.sha256(Path(path).read_bytes()).hexdigest() == EXPECTED_SHA256`, [g]);
    const k = rng.hex(128);
    add('sha512', 'md', `The model weights are checked against their SHA-512:\n\n\`\`\`\n${k}  model.safetensors\n\`\`\``, [k]);
    const j = rng.hex(64);
    add('sha256', 'ts', `// sha256 of the empty body, used when a webhook has no payload\nconst EMPTY_BODY_SHA256 = '${j}';`, [j]);
  }
  {
    const sri = `sha384-${rng.base64(48)}`;
    add('sri', 'md', `Load the widget from the CDN:\n\n\`\`\`html\n<script src="https://cdn.example.com/widget/2.1.0/widget.min.js" integrity="${sri}" crossorigin="anonymous"></script>\n\`\`\``, [sri]);
  }
  {
    const png = pngBase64(rng, rng.int(300, 1500));
    add('base64-image', 'tsx', `const FALLBACK_AVATAR = 'data:image/png;base64,${png}';\n\nexport function Avatar({ src }: { src?: string }) {\n  return <img src={src ?? FALLBACK_AVATAR} alt="" width={32} height={32} />;\n}`, [png]);
    const png2 = pngBase64(rng, rng.int(200, 800));
    add('base64-image', 'md', `![architecture](data:image/png;base64,${png2})`, [png2]);
  }
  {
    add('placeholder', 'md', '```python\nfrom openai import OpenAI\n\nclient = OpenAI(api_key="YOUR_API_KEY")\n```', ['YOUR_API_KEY']);
    add('placeholder', 'ts', "const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? '<your-key>' });", ['<your-key>']);
    add('placeholder', 'sh', 'export OPENAI_API_KEY="${OPENAI_API_KEY:-sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}"', ['sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']);
    add('placeholder', 'yaml', 'openai:\n  api_key: ${OPENAI_API_KEY}\n  organization: <your-org-id>', ['${OPENAI_API_KEY}']);
  }
  {
    add('low-entropy', 'env', 'JWT_SECRET=secretsecretsecretsecretsecret\nSESSION_SECRET=changeit', ['secretsecretsecretsecretsecret']);
    add('low-entropy', 'ts', "const TEST_TOKEN = 'test-token-test-token-test-token';\nconst TEST_PASSWORD = 'password123';", ['test-token-test-token-test-token']);
    add('low-entropy', 'py', 'API_KEY = "0000000000000000000000000000000000000000"  # local mock server accepts any key', ['0000000000000000000000000000000000000000']);
  }
  {
    const rsa = sshRsa(rng);
    add('public-key', 'tf', `resource "aws_key_pair" "deploy" {\n  key_name   = "deploy"\n  public_key = "${rsa}"\n}`, [rsa]);
    const ed = [sshEd25519(rng), sshEd25519(rng)];
    add('public-key', 'md', `## Access\n\nAdd your public key to \`deploy/authorized_keys\`:\n\n\`\`\`\n${ed.join('\n')}\n\`\`\``, ed);
    const pem = publicKeyPem(rng);
    add('public-key', 'ts', `// Public half of the token signing key; the private half lives in KMS.\nexport const JWT_PUBLIC_KEY = \`${pem}\`;`, [pem]);
  }
  {
    const pk = [`pk_live_${rng.chars(ALNUM, 99)}`, `pk_live_${rng.chars(ALNUM, 24)}`];
    add('stripe-publishable', 'env', `VITE_STRIPE_PUBLISHABLE_KEY=${pk[0]}`, [pk[0]]);
    add('stripe-publishable', 'tsx', `const stripePromise = loadStripe('${pk[1]}');`, [pk[1]]);
  }
  {
    const d = [sentryDsn(rng), sentryDsn(rng), sentryDsn(rng)];
    add('sentry-dsn', 'tsx', `Sentry.init({\n  dsn: '${d[0]}',\n  tracesSampleRate: 0.1,\n  environment: import.meta.env.MODE,\n});`, [d[0]]);
    add('sentry-dsn', 'py', `sentry_sdk.init(dsn="${d[1]}", traces_sample_rate=0.2)`, [d[1]]);
    add('sentry-dsn', 'env', `SENTRY_DSN=${d[2]}`, [d[2]]);
  }
  add('aws-docs-example', 'md', '## AWS credentials\n\n```ini\n[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n```', ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);
  {
    const sig = rng.hex(64);
    add('hmac-test-vector', 'ts', `it('accepts a valid signature', () => {\n  const header = 't=1492774577,v1=${sig}';\n  expect(verifySignature(rawBody, header, webhookSecret)).toBe(true);\n});`, [sig]);
  }
  {
    const h = [bcryptHash(rng), bcryptHash(rng)];
    add('password-hash', 'py', `SEED_USERS = [\n    {"email": "admin@example.test", "password_hash": "${h[0]}"},\n    {"email": "viewer@example.test", "password_hash": "${h[1]}"},\n]`, h);
  }
  {
    const cdn = `https://cdn.example.com/static/js/main.${rng.hex(20)}.chunk.js`;
    add('hash-in-url', 'tsx', `const WORKER_URL = '${cdn}';`, [cdn]);
  }
  {
    const png = pngBase64(rng, rng.int(2000, 6000));
    add('base64-image', 'ipynb', { cell: { code: 'df.plot(kind="hist", bins=40)', output: 'image', png } }, [png]);
  }
  publicByDesign(rng, add);
  identifiers(rng, add);
  publicMaterial(rng, add);
  return out;
}

/** Keys made to ship to browsers: search-only, analytics, RUM and map tokens, OAuth client ids. */
function publicByDesign(rng, add) {
  const algolia = [rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10), rng.hex(32)];
  add('public client key', 'tsx', `const searchClient = algoliasearch('${algolia[0]}', '${algolia[1]}');\n\nexport function SearchBox() {\n  return <InstantSearch searchClient={searchClient} indexName="products" />;\n}`, [algolia[1]]);
  const algoliaEnv = rng.hex(32);
  add('public client key', 'env', `VITE_ALGOLIA_APP_ID=${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 10)}\nVITE_ALGOLIA_SEARCH_KEY=${algoliaEnv}`, [algoliaEnv]);
  const mixpanel = rng.hex(32);
  add('public client key', 'tsx', `mixpanel.init('${mixpanel}', { track_pageview: true, persistence: 'localStorage' });`, [mixpanel]);
  const amplitude = rng.hex(32);
  add('public client key', 'env', `VITE_AMPLITUDE_API_KEY=${amplitude}`, [amplitude]); // keyscan:allow (a decoy the eval plants)
  const segment = rng.chars(ALNUM, 32);
  add('public client key', 'tsx', `analytics.load('${segment}');\nanalytics.page();`, [segment]);
  const posthog = `phc_${rng.chars(ALNUM, 43)}`;
  add('public client key', 'tsx', `posthog.init('${posthog}', { api_host: 'https://eu.i.posthog.com', person_profiles: 'identified_only' });`, [posthog]);
  const rum = `pub${rng.hex(32)}`;
  add('public client key', 'tsx', `datadogRum.init({\n  applicationId: '${rng.uuid()}',\n  clientToken: '${rum}',\n  site: 'datadoghq.eu',\n  service: 'web',\n  sessionSampleRate: 20,\n});`, [rum]);
  const pusher = rng.hex(20);
  add('public client key', 'tsx', `const pusher = new Pusher('${pusher}', { cluster: 'eu', forceTLS: true });`, [pusher]);
  const mapbox = `pk.${Buffer.from(JSON.stringify({ u: 'acme', a: rng.chars(ALNUM, 25) })).toString('base64url')}.${rng.chars(`${ALNUM}-_`, 22)}`;
  add('public client key', 'tsx', `mapboxgl.accessToken = '${mapbox}';`, [mapbox]);
  const recaptcha = `6L${rng.chars(`${ALNUM}-_`, 38)}`;
  add('public client key', 'tsx', `export const Captcha = () => <div className="g-recaptcha" data-sitekey="${recaptcha}" />;`, [recaptcha]);
  const googleClient = `${rng.chars(DIGITS, 12)}-${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 32)}.apps.googleusercontent.com`;
  add('public client key', 'env', `GOOGLE_CLIENT_ID=${googleClient}`, [googleClient]);
  const githubClient = `Iv1.${rng.hex(16)}`;
  add('public client key', 'env', `GITHUB_CLIENT_ID=${githubClient}\nGITHUB_APP_ID=${rng.int(100000, 999999)}`, [githubClient]);
}

/** Ids that are random-looking and not secret: Stripe objects, AWS resources, Slack channels. */
function identifiers(rng, add) {
  const stripe = [`price_1${rng.chars(ALNUM, 23)}`, `prod_${rng.chars(ALNUM, 14)}`, `cus_${rng.chars(ALNUM, 14)}`];
  add('resource id', 'ts', `export const PLANS = {\n  pro: { priceId: '${stripe[0]}', productId: '${stripe[1]}' },\n};\n\nconst TEST_CUSTOMER = '${stripe[2]}';`, stripe);
  const account = rng.chars(DIGITS, 12);
  const aws = [`arn:aws:iam::${account}:role/github-deploy`, `sg-0${rng.hex(16)}`, `ami-0${rng.hex(16)}`];
  add('resource id', 'tf', `locals {\n  deploy_role_arn   = "${aws[0]}"\n  security_group_id = "${aws[1]}"\n  base_ami          = "${aws[2]}"\n}`, aws);
  const slack = `C0${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 9)}`;
  add('resource id', 'env', `SLACK_ALERTS_CHANNEL=${slack}`, [slack]);
  const request = `req_${rng.chars(ALNUM, 14)}`;
  add('resource id', 'py', `# idempotency key from the failed run, kept to replay it\nREPLAY_REQUEST_ID = "${request}"`, [request]);
}

/** Public halves and checksums: JWKs, certificates, PGP keys, CSP hashes, LFS pointers, embedded fonts. */
function publicMaterial(rng, add) {
  const n = rng.chars(`${ALNUM}-_`, 342);
  add('public key', { path: 'frontend/public/.well-known/jwks.json' }, `{\n  "keys": [\n    {\n      "kty": "RSA",\n      "use": "sig",\n      "alg": "RS256",\n      "kid": "${rng.hex(16)}",\n      "n": "${n}",\n      "e": "AQAB"\n    }\n  ]\n}`, [n]);
  const cert = Buffer.concat([Buffer.from('308203', 'hex'), Buffer.from(rng.hex(1200), 'hex')]).toString('base64');
  add('certificate', { path: 'certs/ca.pem' }, `-----BEGIN CERTIFICATE-----\n${lines64(cert)}\n-----END CERTIFICATE-----`, [cert]);
  const pgp = rng.base64(600);
  add('public key', { path: 'docs/release-signing-key.asc' }, `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${lines64(pgp)}\n=${rng.base64(3)}\n-----END PGP PUBLIC KEY BLOCK-----`, [pgp]);
  const csp = `sha256-${rng.base64(32)}`;
  add('checksum', 'ts', `app.use(helmet.contentSecurityPolicy({\n  directives: { scriptSrc: ["'self'", "'${csp}'"] },\n}));`, [csp]);
  const lfs = rng.hex(64);
  add('checksum', { path: 'ml/models/classifier.onnx' }, `version https://git-lfs.github.com/spec/v1\noid sha256:${lfs}\nsize ${rng.int(1e6, 9e7)}`, [lfs]);
  const font = rng.base64(rng.int(1500, 4000));
  add('base64 blob', { path: 'frontend/src/styles/fonts.css' }, `@font-face {\n  font-family: "Inter";\n  src: url(data:font/woff2;base64,${font}) format("woff2");\n  font-display: swap;\n}`, [font]);
  const manifest = Object.fromEntries(['main.js', 'vendor.js', 'main.css', 'runtime.js'].map((f) => [f, `/static/${f.split('.')[1]}/${f.split('.')[0]}.${rng.hex(8)}.${f.split('.')[1]}`]));
  add('checksum', { path: 'frontend/public/asset-manifest.json' }, `${JSON.stringify({ files: manifest, entrypoints: Object.values(manifest) }, null, 2)}`, Object.values(manifest));
  add('format check', 'ts', `const STRIPE_SECRET_KEY_PATTERN = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;\n\nexport function assertProjectKey(key: string) {\n  if (!key.startsWith('sk-proj-')) throw new Error('expected an OpenAI project key (sk-proj-…)');\n}`, ['sk_(live|test)_[0-9a-zA-Z]{24,99}']);
  const last4 = rng.chars(DIGITS, 4);
  add('redacted', 'ts', `logger.info({ key: 'sk_live_••••••••••••${last4}' }, 'using the Stripe key from the vault');`, [`sk_live_••••••••••••${last4}`]);
  const revs = [rng.hex(40), rng.hex(40)];
  add('git-sha', { path: 'ml/pyproject.toml' }, `[tool.poetry]\nname = "ml"\nversion = "0.4.0"\n\n[tool.poetry.dependencies]\npython = "^3.11"\nwandb = { git = "https://github.com/wandb/wandb.git", rev = "${revs[0]}" }\ndeepgram-sdk = { git = "https://github.com/deepgram/deepgram-python-sdk.git", rev = "${revs[1]}" }\ncohere = "^5.5"\ntogether = "^1.2"`, revs);
  const ids = [rng.hex(32), rng.hex(16), `chatcmpl-${rng.chars(ALNUM, 29)}`];
  add('request id', { path: 'ml/tests/cassettes/test_summarize.yaml' }, `interactions:\n- request:\n    body: '{"model": "mistral-small-latest", "messages": [{"role": "user", "content": "Summarize the ticket"}]}'\n    headers:\n      Authorization:\n      - REDACTED\n    method: POST\n    uri: https://api.mistral.ai/v1/chat/completions\n  response:\n    body:\n      string: '{"id":"${ids[0]}","object":"chat.completion","model":"mistral-small-latest","choices":[{"index":0,"message":{"role":"assistant","content":"Customer cannot reset their password."}}]}'\n    headers:\n      cf-ray:\n      - ${ids[1]}-AMS\n      x-kong-request-id:\n      - ${ids[0]}\n    status:\n      code: 200\n      message: OK\n- request:\n    uri: https://api.openai.com/v1/chat/completions\n  response:\n    body:\n      string: '{"id":"${ids[2]}","object":"chat.completion"}'\n    status:\n      code: 200\nversion: 1`, ids);
  add('i18n', { path: 'frontend/src/locales/en.json' }, JSON.stringify({ auth: { password: 'Password', passwordTooShort: 'Your password must be at least 12 characters', tokenExpired: 'Your session has expired. Sign in again.' }, apiKeys: { created: 'Your new API key is ready. Copy it now: you will not see it again.', secretLabel: 'Secret key', revoke: 'Revoke key' } }, null, 2), []);
}

/**
 * Placeholders in each prefixed rule's own shape: prefix + x…x, prefix + a word, prefix + one
 * repeated or counting-up run. Documentation and .env.example files are full of them.
 */
export function prefixDecoys(rule, prefix, length, env) {
  const n = Math.max(8, length - prefix.length);
  return [
    { category: 'placeholder', kind: 'envExample', block: `${env}=${prefix}${'x'.repeat(n)}`, values: [`${prefix}${'x'.repeat(n)}`] },
    { category: 'placeholder', kind: 'md', block: `Set \`${env}\` to your key (it looks like \`${prefix}...\`).`, values: [`${prefix}...`] },
    { category: 'low-entropy', kind: 'ts', block: `const mock${rule.provider.replace(/\W/g, '')}Key = '${prefix}${'a'.repeat(n)}'; // the mock server accepts any key`, values: [`${prefix}${'a'.repeat(n)}`] },
    { category: 'placeholder', kind: 'envExample', block: `${env}=${prefix}YOUR_KEY_HERE`, values: [`${prefix}YOUR_KEY_HERE`] },
  ];
}
