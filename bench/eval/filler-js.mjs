// Filler for the TypeScript/JavaScript parts of the project: an express-style API, a React frontend
// and node scripts. They talk about tokens, passwords and API keys the way real code does, because
// that talk is where a scanner's false positives come from.
import { commentFor, fieldsFor, namesFor } from './vocab.mjs';

const $ = '$'; // for template literals inside template literals: `${$}{x}` prints ${x}

export const tsHeader = (rng) => {
  const v = namesFor(rng);
  return [
    "import express, { type Request, type Response, type NextFunction } from 'express';",
    rng.chance(0.6) ? "import bcrypt from 'bcryptjs';" : "import crypto from 'node:crypto';",
    rng.chance(0.6) ? "import jwt from 'jsonwebtoken';" : "import { z } from 'zod';",
    `import { ${v.noun}Repository } from '../db/${v.nouns}.js';`,
    "import { config } from '../config.js';",
    "import { logger } from '../lib/logger.js';",
    '',
    'export const router = express.Router();',
    '',
  ].join('\n');
};

export const tsChunks = [
  (rng, v = namesFor(rng)) => `// ${commentFor(rng)}
router.post('/api/${v.nouns}', requireAuth, async (req: Request, res: Response) => {
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return res.status(401).json({ error: 'missing token' });
  const parsed = ${v.Noun}Schema.safeParse(req.body);
  if (!parsed.success) return res.status(400).json({ error: parsed.error.flatten() });
  const ${v.noun} = await ${v.noun}Repository.create({ ...parsed.data, ownerId: req.user.id });
  logger.info({ ${v.noun}Id: ${v.noun}.id }, '${v.noun} created');
  res.status(201).json(${v.noun});
});`,
  (rng, v = namesFor(rng)) => `export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization ?? '';
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    return res.status(401).json({ error: 'unauthorized' });
  }
  try {
    const payload = jwt.verify(token, config.jwtSecret, { algorithms: ['HS256'], maxAge: '${v.n}h' });
    req.user = { id: String(payload.sub), role: payload.role };
    next();
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'invalid token');
    res.status(401).json({ error: 'invalid token' });
  }
}`,
  (rng, v = namesFor(rng)) => `export const config = {
  port: Number(process.env.PORT ?? ${v.port}),
  apiKey: process.env.API_KEY,
  jwtSecret: process.env.JWT_SECRET ?? '',
  sessionSecret: process.env.SESSION_SECRET,
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://localhost:5432/${v.nouns}',
  redisUrl: process.env.REDIS_URL,
  tokenTtlSeconds: ${v.n * 900},
};`,
  (rng) => `export async function hashPassword(password: string): Promise<string> {
  const salt = await bcrypt.genSalt(${rng.pick([10, 12, 14])});
  return bcrypt.hash(password, salt);
}

export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  if (!password || !passwordHash) return false;
  return bcrypt.compare(password, passwordHash);
}`,
  (rng, v = namesFor(rng)) => `export interface ${v.Noun} {
  id: string;
${fieldsFor(rng, rng.int(3, 7)).map(([f, t]) => `  ${f}${rng.chance(0.3) ? '?' : ''}: ${t};`).join('\n')}
}`,
  (rng, v = namesFor(rng)) => `export class ${v.Noun}Service {
  constructor(
    private readonly repo: ${v.Noun}Repository,
    private readonly apiKey: string = config.apiKey ?? '',
  ) {}

  async ${v.verb}(id: string, token: string): Promise<${v.Noun} | undefined> {
    const session = await sessions.verify(token);
    const ${v.noun} = await this.repo.findById(id);
    if (${v.noun}?.ownerId !== session.userId) return undefined;
    return ${v.noun};
  }

  async ${v.verb}${v.Others}(${v.noun}Id: string, limit = ${v.n * 10}) {
    return this.repo.list${v.Others}(${v.noun}Id, { limit, headers: { 'x-api-key': this.apiKey } });
  }
}`,
  (rng) => `export function issueTokens(userId: string) {
  const accessToken = jwt.sign({ sub: userId }, config.jwtSecret, { expiresIn: '${rng.pick([15, 30, 60])}m' });
  const refreshToken = crypto.randomBytes(32).toString('hex');
  const refreshTokenHash = crypto.createHash('sha256').update(refreshToken).digest('hex');
  return { accessToken, refreshToken, refreshTokenHash };
}`,
  (rng) => `// ${commentFor(rng)}
const SENSITIVE_KEYS = ['password', 'token', 'secret', 'apiKey', 'authorization', 'cookie', 'accessToken'];

export function redact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, SENSITIVE_KEYS.includes(key) ? '[redacted]' : v]),
  );
}`,
  (rng, v = namesFor(rng)) => `router.post('/webhooks/${v.noun}', express.raw({ type: 'application/json' }), (req: Request, res: Response) => {
  const signature = String(req.headers['x-signature'] ?? '');
  const expected = crypto.createHmac('sha256', config.webhookSecret).update(req.body).digest('hex');
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    return res.status(400).send('bad signature');
  }
  queue.add('${v.noun}.${v.verb}', JSON.parse(req.body.toString('utf8')));
  res.sendStatus(204);
});`,
  (rng) => `const LoginSchema = z.object({
  email: z.string().email(),
  password: z.string().min(${rng.pick([8, 10, 12])}).max(128),
  otp: z.string().length(6).optional(),
});

router.post('/api/auth/login', async (req: Request, res: Response) => {
  const { email, password } = LoginSchema.parse(req.body);
  const user = await userRepository.findByEmail(email);
  if (!user || !(await verifyPassword(password, user.passwordHash))) {
    return res.status(401).json({ error: 'invalid email or password' });
  }
  res.json(issueTokens(user.id));
});`,
  (rng, v = namesFor(rng)) => `export class ${v.Noun}Error extends Error {
  constructor(readonly code: '${v.noun}_not_found' | 'token_expired' | 'invalid_api_key', message: string) {
    super(message);
    this.name = '${v.Noun}Error';
  }
}`,
  (rng) => `export async function rotateApiKey(workspaceId: string): Promise<{ apiKey: string; prefix: string }> {
  const apiKey = \`ak_\${crypto.randomBytes(24).toString('base64url')}\`;
  const prefix = apiKey.slice(0, ${rng.int(6, 10)});
  await db.apiKeys.insert({ workspaceId, prefix, hash: crypto.createHash('sha256').update(apiKey).digest('hex') });
  return { apiKey, prefix };
}`,
  (rng, v = namesFor(rng)) => `const limiter = rateLimit({
  windowMs: ${v.n} * 60 * 1000,
  max: ${v.n * 50},
  keyGenerator: (req) => req.headers['x-api-key']?.toString() ?? req.ip ?? 'anonymous',
  message: { error: 'too many requests' },
});
router.use('/api/${v.nouns}', limiter);`,
];

export const tsxHeader = (rng) => [
  "import { useEffect, useState, type FormEvent } from 'react';",
  rng.chance(0.5) ? "import { useNavigate } from 'react-router-dom';" : "import { useQuery } from '@tanstack/react-query';",
  "import { api } from '../lib/api';",
  '',
].join('\n');

export const tsxChunks = [
  (rng) => `export function LoginForm({ onSuccess }: { onSuccess: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const res = await fetch(\`${$}{import.meta.env.VITE_API_URL}/auth/login\`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) return setError('Invalid email or password');
    const { accessToken } = await res.json();
    onSuccess(accessToken);
  }

  return (
    <form onSubmit={submit} className="login-form">
      <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@company.com" />
      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
      {error && <p role="alert">{error}</p>}
      <button type="submit">Sign in</button>
    </form>
  );
}`,
  (rng) => `export function useAuth() {
  const [token, setToken] = useState<string | null>(() => localStorage.getItem('token'));
  useEffect(() => {
    if (token) localStorage.setItem('token', token);
    else localStorage.removeItem('token');
  }, [token]);
  return { token, isSignedIn: token !== null, signOut: () => setToken(null), setToken };
}`,
  (rng, v = namesFor(rng)) => `const API_URL = import.meta.env.VITE_API_URL ?? 'http://localhost:${v.port}';
const publicApiKey = import.meta.env.VITE_PUBLIC_API_KEY; // keyscan:allow (filler code the eval plants)

export async function ${v.verb}${v.Nouns}(token: string, page = 1) {
  const res = await fetch(\`${$}{API_URL}/api/${v.nouns}?page=${$}{page}\`, {
    headers: { Authorization: \`Bearer ${$}{token}\`, 'X-Api-Key': publicApiKey },
  });
  if (res.status === 401) throw new Error('session expired');
  return (await res.json()) as ${v.Noun}[];
}`,
  (rng) => `export function ApiKeySettings({ workspaceId }: { workspaceId: string }) {
  const [apiKey, setApiKey] = useState('');
  const [revealed, setRevealed] = useState(false);
  const { data } = useQuery({ queryKey: ['api-keys', workspaceId], queryFn: () => api.listKeys(workspaceId) });

  return (
    <section>
      <h2>API keys</h2>
      <p>Keys are shown once. Store your secret key in a password manager.</p>
      <input name="apiKey" type={revealed ? 'text' : 'password'} value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
      <button onClick={() => setRevealed((r) => !r)}>{revealed ? 'Hide' : 'Show'}</button>
      <ul>{data?.map((k) => <li key={k.id}>{k.prefix}… created {k.createdAt}</li>)}</ul>
    </section>
  );
}`,
  (rng, v = namesFor(rng)) => `export function ${v.Noun}List({ token }: { token: string }) {
  const [${v.nouns}, set${v.Nouns}] = useState<${v.Noun}[]>([]);
  useEffect(() => {
    let cancelled = false;
    ${v.verb}${v.Nouns}(token).then((items) => !cancelled && set${v.Nouns}(items));
    return () => { cancelled = true; };
  }, [token]);
  if (${v.nouns}.length === 0) return <EmptyState title="No ${v.nouns} yet" />;
  return <ul className="${v.noun}-list">{${v.nouns}.map((x) => <li key={x.id}>{x.name}</li>)}</ul>;
}`,
  (rng) => `const analyticsKey = process.env.NEXT_PUBLIC_ANALYTICS_KEY;
const env = process.env.NODE_ENV === 'production' ? 'prod' : 'dev';

export function initAnalytics() {
  if (!analyticsKey) return;
  window.analytics?.load(analyticsKey, { env });
}`,
];

export const jsHeader = (rng) => [
  "import { readFile } from 'node:fs/promises';",
  "import process from 'node:process';",
  '',
].join('\n');

export const jsChunks = [
  (rng) => `const apiKey = process.env.API_KEY;
if (!apiKey) {
  console.error('API_KEY is not set; export it or put it in .env');
  process.exitCode = 1;
}`,
  (rng, v = namesFor(rng)) => `async function seed${v.Nouns}(db) {
  const password = await bcrypt.hash(process.env.SEED_PASSWORD ?? 'correct horse battery staple', 10);
  for (let i = 0; i < ${v.n * 10}; i++) {
    await db.${v.nouns}.insert({ email: \`${v.noun}${$}{i}@example.test\`, password, role: i === 0 ? 'admin' : 'member' });
  }
}`,
  (rng, v = namesFor(rng)) => `export default defineConfig({
  plugins: [react()],
  server: { port: ${v.port}, proxy: { '/api': { target: 'http://localhost:${v.port + 1}', changeOrigin: true } } },
  define: { __APP_VERSION__: JSON.stringify(process.env.npm_package_version) },
  build: { sourcemap: true, outDir: 'dist' },
});`,
  (rng, v = namesFor(rng)) => `async function ${v.verb}All(token) {
  const headers = { Authorization: \`Bearer ${$}{token}\` };
  const res = await fetch(\`${$}{process.env.API_URL}/${v.nouns}\`, { headers });
  if (!res.ok) throw new Error(\`${v.verb} failed: ${$}{res.status}\`);
  return res.json();
}`,
];

tsChunks.push(
  (rng, v = namesFor(rng)) => `describe('${v.noun} auth', () => {
  it('rejects a wrong password', async () => {
    const res = await request(app).post('/api/auth/login').send({ email: '${v.noun}@example.test', password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body.token).toBeUndefined();
  });

  it('never returns the password hash', async () => {
    const token = await signTestToken({ sub: '${v.noun}-${v.n}' });
    const res = await request(app).get('/api/me').set('Authorization', \`Bearer \${token}\`);
    expect(res.body).not.toHaveProperty('passwordHash');
  });
});`,
  (rng, v = namesFor(rng)) => `export async function getSecret(name: string): Promise<string> {
  const cached = secretCache.get(name);
  if (cached && cached.expiresAt > Date.now()) return cached.value;
  const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: \`${v.nouns}/\${name}\` }));
  secretCache.set(name, { value: SecretString ?? '', expiresAt: Date.now() + ${v.ms * 60} });
  return SecretString ?? '';
}`,
);
