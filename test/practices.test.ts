// The key-management practices, checked end to end: fixture mini-projects (fixtures/practices/,
// copied to a temp directory outside any repository) and real temp git repositories, scanned by
// the built CLI. Code that breaks a practice without a key (a key variable in a URL, a public env
// prefix) lives in the fixtures: written here, it would fail the repository's own scan.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from './helpers/cli.js';
import { fakeAwsKeyId, fakeGithubToken, fakeOpenAiProjectKey, randomBody } from './helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/practices/', import.meta.url));
const KEY = fakeOpenAiProjectKey(700);
const KEYS = Array.from({ length: 6 }, (_, i) => fakeOpenAiProjectKey(710 + i));
const DAY_MS = 24 * 60 * 60 * 1000;

interface JsonFinding {
  ruleId: string;
  kind: 'secret' | 'practice';
  severity: string;
  file: string;
  line: number;
  secret: string | null;
  remediation: string;
  practices?: string[];
  commit?: string;
  date?: string;
}
interface JsonPractice {
  id: string;
  title: string;
  ok: boolean;
  violations: number;
}
interface JsonReport {
  mode: string;
  findings: JsonFinding[];
  practices: JsonPractice[];
}

/** The practices of a files scan, in the order reports list them. */
const FILE_PRACTICES = [
  'practice/hardcoded-key',
  'practice/key-in-url',
  'practice/client-side-exposure',
  'practice/dotenv-committed',
  'practice/dotenv-not-ignored',
  'practice/broad-scope-key',
];
const HISTORY_PRACTICES = [...FILE_PRACTICES, 'practice/leaked-in-history', 'practice/stale-key'];

/** A copy of fixtures/practices/<name> in a temp directory: no git repository around it. */
function fixtureCopy(name: string): string {
  const dir = tempTree();
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The fake keys a fixture tree holds, to check none of them is printed. */
function fixtureKeys(dir: string): string[] {
  const keys: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/(?:sk-proj-|sk-|ghp_|github_pat_|sk_live_|rk_live_|AKIA|ASIA|xox[pb]-|AIza)[A-Za-z0-9_-]{16,}/g)) keys.push(m[0]);
  }
  return keys;
}

function keyscan(cwd: string, args: string[]): Promise<CliRun> {
  // GIT_CEILING_DIRECTORIES: a fixture copy must not find a repository above the temp directory
  return runBuiltCli(args, { cwd, env: cliEnv({ GIT_CEILING_DIRECTORIES: tmpdir() }) });
}

async function scanJson(cwd: string, args: string[] = ['.']): Promise<{ code: number | null; report: JsonReport; run: CliRun }> {
  const run = await keyscan(cwd, [...args, '--format', 'json']);
  expect(run.stderr).toBe('');
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport, run };
}

/** Each finding as [file, rule, ...the practices noted on it]: a practice finding is [file, practice/<id>]. */
function rows(report: JsonReport): string[][] {
  return report.findings.map((f) => [f.file, f.ruleId, ...(f.practices ?? [])]);
}

/** How often each practice is broken: practice findings plus notes on secret findings. */
function violations(report: JsonReport): Record<string, number> {
  return Object.fromEntries(report.practices.map((p) => [p.id, p.violations]));
}

function times(report: JsonReport, practice: string): number {
  return report.findings.filter((f) => f.ruleId === practice || (f.practices ?? []).includes(practice)).length;
}

function expectNoKeyIn(run: CliRun, keys: readonly string[]): void {
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(key.slice(5, 18));
  }
}

function expectAllPracticesKept(report: JsonReport, ids: readonly string[] = FILE_PRACTICES): void {
  expect(report.practices.map((p) => [p.id, p.ok, p.violations])).toEqual(ids.map((id) => [id, true, 0]));
}

const daysAgo = (days: number): string => new Date(Date.now() - days * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe.concurrent('practice/hardcoded-key', () => {
  let violating: Awaited<ReturnType<typeof scanJson>>;
  let dir: string;
  beforeAll(async () => {
    dir = fixtureCopy('hardcoded-key/violating');
    violating = await scanJson(dir);
  });

  test('every key in source or config carries the note once, and no finding of its own', () => {
    const H = 'practice/hardcoded-key';
    expect(violating.code).toBe(1);
    expect(rows(violating.report)).toEqual([
      ['.github/workflows/ci.yml', 'openai-project-key', H],
      ['app.py', 'openai-project-key', H],
      ['app.rb', 'openai-project-key', H],
      ['app.ts', 'openai-project-key', H],
      ['deploy.sh', 'openai-project-key', H],
      ['index.php', 'openai-project-key', H],
      ['infra/main.tf', 'openai-project-key', H],
      ['k8s/deployment.yaml', 'openai-project-key', H],
      ['main.go', 'openai-project-key', H],
      ['src/main/java/app/App.java', 'openai-project-key', H],
      ['src/main/kotlin/app/Client.kt', 'openai-project-key', H],
    ]);
    expect(violating.report.findings.every((f) => f.kind === 'secret')).toBe(true);
    expect(violations(violating.report)[H]).toBe(11);
    expectNoKeyIn(violating.run, fixtureKeys(dir));
  });

  test.each([
    ['app.ts', 'process.env.OPENAI_API_KEY'],
    ['app.py', 'os.environ["OPENAI_API_KEY"]'],
    ['main.go', 'os.Getenv("OPENAI_API_KEY")'],
    ['src/main/java/app/App.java', 'System.getenv("OPENAI_API_KEY")'],
    ['src/main/kotlin/app/Client.kt', 'System.getenv("OPENAI_API_KEY")'],
    ['app.rb', 'ENV.fetch("OPENAI_API_KEY")'],
    ['index.php', "getenv('OPENAI_API_KEY')"],
    ['deploy.sh', '"$OPENAI_API_KEY"'],
    ['.github/workflows/ci.yml', '${{ secrets.OPENAI_API_KEY }}'],
    ['k8s/deployment.yaml', 'secretKeyRef'],
    ['infra/main.tf', 'sensitive = true'],
  ])('the remediation for %s names its way to read the key: %s', (file, hint) => {
    const finding = violating.report.findings.find((f) => f.file === file)!;
    expect(finding.remediation).toContain(`In this file: `);
    expect(finding.remediation.slice(finding.remediation.indexOf('In this file: '))).toContain(hint);
  });

  test('the Kubernetes and Terraform fixes name a Secret and a sensitive variable', () => {
    const k8s = violating.report.findings.find((f) => f.file === 'k8s/deployment.yaml')!;
    expect(k8s.remediation).toMatch(/In this file: .*\bSecret\b.*secretKeyRef/);
    const tf = violating.report.findings.find((f) => f.file === 'infra/main.tf')!;
    expect(tf.remediation).toMatch(/In this file: declare variable "openai_api_key" with sensitive = true/);
  });

  test('the env variable is the provider\'s: AWS, GitHub and Stripe keys name their own', async () => {
    const stripe = ['sk', 'live', randomBody(24, 'b62', 731)].join('_');
    const root = tempTree({
      's3.go': `package main\n\nconst accessKeyID = "${fakeAwsKeyId(732)}"\n`,
      '.github/workflows/release.yml': `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: ${fakeGithubToken(733)}\n    steps:\n      - run: gh release create v1\n`,
      'billing.py': `import stripe\n\nstripe.api_key = "${stripe}"\n`,
    });
    const { report } = await scanJson(root);
    const fixOf = (file: string) => report.findings.find((f) => f.file === file)!.remediation;
    expect(fixOf('s3.go')).toContain('os.Getenv("AWS_ACCESS_KEY_ID")');
    expect(fixOf('.github/workflows/release.yml')).toContain('${{ secrets.GITHUB_TOKEN }}');
    expect(fixOf('billing.py')).toContain('os.environ["STRIPE_SECRET_KEY"]');
  });

  test('the text report gives the fix for the file in the finding\'s remediation line', async () => {
    const run = await keyscan(dir, ['.', '--verbose']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('In this file: read it with process.env.OPENAI_API_KEY.');
    expect(run.stdout).toContain('In this file: read it with os.environ["OPENAI_API_KEY"].');
    expect(run.stdout).toMatch(/^ {2}✗ hardcoded-key\s+Keys come from the environment, not the code \(11\)$/m);
    expectNoKeyIn(run, fixtureKeys(dir));
  });

  test('the compliant project (env reads, a Bearer header, secrets.*, secretKeyRef, a sensitive variable, .env.example) is clean', async () => {
    const { code, report } = await scanJson(fixtureCopy('hardcoded-key/compliant'));
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
    expectAllPracticesKept(report);
  });
});

describe.concurrent('practice/key-in-url', () => {
  test('a literal key in a query string or a URL\'s userinfo is a note on its secret finding, not a finding of its own', async () => {
    const dir = fixtureCopy('key-in-url/violating/literal');
    const { code, report, run } = await scanJson(dir);
    const notes = ['practice/hardcoded-key', 'practice/key-in-url'];
    expect(code).toBe(1);
    expect(rows(report)).toEqual([
      ['db.py', 'generic-postgres-url-password', ...notes], // postgres://app:<password>@db
      ['geocode.py', 'google-api-key', ...notes], // &key=AIza…
      ['items.rb', 'github-fine-grained-pat', ...notes], // ?token=
      ['maps.go', 'google-api-key', ...notes], // ?key=AIza…
      ['models.ts', 'google-api-key', ...notes], // ?key=AIza…
      ['remote.ts', 'github-fine-grained-pat', ...notes], // https://ci-bot:<token>@github.com
      ['search.js', 'google-api-key', ...notes], // &api_key=
      ['user.sh', 'github-fine-grained-pat', ...notes], // ?access_token=
    ]);
    expect(violations(report)['practice/key-in-url']).toBe(8);
    expectNoKeyIn(run, fixtureKeys(dir));
  });

  test('the text report says which header to use instead', async () => {
    const dir = fixtureCopy('key-in-url/violating/literal');
    const run = await keyscan(dir, ['.', '--verbose']);
    expect(run.stdout).toContain('✗ key-in-url: send it in the x-goog-api-key header instead of the URL');
    expect(run.stdout).toContain('✗ key-in-url: send it in the Authorization: Bearer header instead of the URL');
    expectNoKeyIn(run, fixtureKeys(dir));
  });

  test('for APIs that take the key only in the URL, the fix is what the provider documents, not a header', async () => {
    const dir = fixtureCopy('key-in-url/violating/literal');
    const run = await keyscan(dir, ['.', '--verbose']);
    // maps.go and geocode.py call the Maps web services, which read the key from the query
    expect(run.stdout.match(/✗ key-in-url: Google Maps web services take the key in the URL: call them from your server with a key restricted to its IP addresses/g)).toHaveLength(2);
    const key = ['AIza', randomBody(35, 'b64url', 91)].join('');
    const site = tempTree({
      'index.html': `<script async src="https://maps.googleapis.com/maps/api/js?key=${key}&callback=initMap"></script>\n`,
      'search.py': `requests.get("https://serpapi.com/search.json?engine=google&q=coffee&api_key=${randomBody(64, 'hex', 92)}")\n`,
    });
    const text = (await keyscan(site, ['.', '--verbose'])).stdout;
    expect(text).toContain('✗ key-in-url: the Maps JavaScript API takes its key only in the script URL: restrict the key to your sites (HTTP referrers)');
    expect(text).toContain('✗ key-in-url: this API takes the key only in the query string: call it from a server route that holds the key');
    expect(text).not.toContain('header instead of the URL');
  });

  test('a key variable put into a URL is one practice finding, in JS/TS, Python, Go and shell', async () => {
    const { code, report } = await scanJson(fixtureCopy('key-in-url/violating/variable'));
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line, f.ruleId, f.kind, f.secret])).toEqual([
      ['axios-params.js', 3, 'practice/key-in-url', 'practice', null], // axios params shorthand
      ['fetch.sh', 2, 'practice/key-in-url', 'practice', null], // curl with a shell variable in the query
      ['geocode.go', 11, 'practice/key-in-url', 'practice', null], // q.Set on the request's query
      ['geocode.py', 5, 'practice/key-in-url', 'practice', null], // requests params dict
      ['items.js', 2, 'practice/key-in-url', 'practice', null], // string concatenation
      ['models.py', 5, 'practice/key-in-url', 'practice', null], // f-string
      ['places.go', 6, 'practice/key-in-url', 'practice', null], // string concatenation
      ['search-params.ts', 3, 'practice/key-in-url', 'practice', null], // URL searchParams
      ['search.ts', 2, 'practice/key-in-url', 'practice', null], // template literal
    ]);
    expect(violations(report)).toMatchObject({ 'practice/key-in-url': 9, 'practice/hardcoded-key': 0 });
  });

  test('a key variable Set on a Go url.Values that is not named q is reported', async () => {
    const { report } = await scanJson(fixtureCopy('key-in-url/violating/more'));
    expect(report.findings.filter((f) => f.file === 'values.go').map((f) => [f.line, f.ruleId])).toEqual([[12, 'practice/key-in-url']]); // v.Set on url.Values{}
  });

  test('a key read from the environment straight into requests params is reported', async () => {
    const { report } = await scanJson(fixtureCopy('key-in-url/violating/more'));
    expect(report.findings.filter((f) => f.file === 'params_env.py').map((f) => [f.line, f.ruleId])).toEqual([[6, 'practice/key-in-url']]); // os.getenv(…) as the value
  });

  test('the compliant project (keys in headers, ordinary query parameters, DATABASE_URL from the environment) is clean', async () => {
    const { code, report } = await scanJson(fixtureCopy('key-in-url/compliant'));
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
    expectAllPracticesKept(report);
  });

  test('a key in a connection string that is no URL (Azure AccountKey=, ADO.NET Password=) gets no key-in-url note', async () => {
    const accountKey = `${randomBody(86, 'b62', 741)}==`;
    const password = randomBody(20, 'b62', 742);
    const root = tempTree({
      'Storage.cs': `var conn = "DefaultEndpointsProtocol=https;AccountName=acmestore;AccountKey=${accountKey};EndpointSuffix=core.windows.net";\n`,
      'appsettings.ini': `[db]\ndsn = Server=db.internal;Database=app;User Id=app;Password=${password};\n`,
    });
    const { report, run } = await scanJson(root);
    expect(rows(report)).toEqual([
      ['Storage.cs', 'azure-storage-connection-string', 'practice/hardcoded-key'],
      ['appsettings.ini', 'generic-connection-string-password', 'practice/hardcoded-key'],
    ]);
    expectNoKeyIn(run, [accountKey]);
  });
});

describe.concurrent('practice/client-side-exposure', () => {
  test('a literal key in code that reaches browsers is a note on its secret finding', async () => {
    const dir = fixtureCopy('client-side-exposure/violating');
    const { code, report, run } = await scanJson(dir);
    const notes = ['practice/hardcoded-key', 'practice/client-side-exposure'];
    expect(code).toBe(1);
    expect(rows(report).filter(([, rule]) => rule === 'openai-project-key')).toEqual([
      ['angular-app/src/app/chat.service.ts', 'openai-project-key', ...notes], // src/ of an @angular/core package
      ['next-app/app/chat/ChatBox.tsx', 'openai-project-key', ...notes], // "use client" in a Next.js package
      ['react-app/src/api.ts', 'openai-project-key', ...notes], // src/ of a react package
      ['react-app/src/components/Chat.jsx', 'openai-project-key', ...notes],
      ['site/dist/app.min.js', 'openai-project-key', ...notes], // a minified bundle
      ['site/index.html', 'openai-project-key', ...notes],
      ['site/public/chat.js', 'openai-project-key', ...notes],
      ['site/static/js/widget.js', 'openai-project-key', ...notes],
      ['svelte-app/src/lib/api.ts', 'openai-project-key', ...notes],
      ['vite-app/src/main.js', 'openai-project-key', ...notes], // a vite package
      ['vue-app/src/api.js', 'openai-project-key', ...notes],
      ['widgets/Chat.svelte', 'openai-project-key', ...notes],
      ['widgets/Chat.vue', 'openai-project-key', ...notes],
    ]);
    expectNoKeyIn(run, fixtureKeys(dir));
  });

  test('a public env prefix on a secret\'s name, in .env files and code, and dangerouslyAllowBrowser are one practice finding each', async () => {
    const { report } = await scanJson(fixtureCopy('client-side-exposure/violating'));
    expect(report.findings.filter((f) => f.kind === 'practice').map((f) => [f.file, f.line, f.ruleId, f.severity])).toEqual([
      ['code/browser-sdk.ts', 3, 'practice/client-side-exposure', 'high'], // the SDK's browser flag turned on
      ['code/cra-client.js', 2, 'practice/client-side-exposure', 'high'], // Create React App prefix
      ['code/expo-client.ts', 3, 'practice/client-side-exposure', 'high'], // Expo prefix
      ['code/next-client.ts', 1, 'practice/client-side-exposure', 'high'], // Next.js prefix
      ['code/vite-client.ts', 3, 'practice/client-side-exposure', 'high'], // Vite prefix
      ['env-files/.env.local', 1, 'practice/client-side-exposure', 'high'],
      ['env-files/.env.production', 1, 'practice/client-side-exposure', 'high'],
    ]);
    expect(violations(report)['practice/client-side-exposure']).toBe(13 + 7);
    expect(times(report, 'practice/client-side-exposure')).toBe(20);
  });

  test('an SDK\'s own package (its package.json names it) implements dangerouslyAllowBrowser and query keys; only the app that uses them is reported', async () => {
    // built from pieces: the flag written whole would be a finding of this repository's own scan
    const flag = ['dangerously', 'AllowBrowser: true'].join('');
    const root = tempTree({
      'vendor/openai/package.json': JSON.stringify({ name: 'openai', version: '6.0.0', main: 'index.js' }),
      'vendor/openai/client.mjs': `export const demo = () => new OpenAI({ apiKey, ${flag} });\n`,
      'vendor/genai/package.json': JSON.stringify({ name: '@google/genai', version: '2.0.0' }),
      'vendor/genai/dist/index.mjs': 'const url = `${base}/ws/BidiGenerateContent?key=${apiKey}`;\n',
      'vendor/supabase/package.json': JSON.stringify({ name: '@supabase/supabase-js' }),
      'vendor/supabase/dist/umd/supabase.js': 'new ft(this.realtimeUrl.href,{...e,params:{apikey:this.supabaseKey,...e?.params}})\n',
      'app/package.json': JSON.stringify({ name: 'chat-app', private: true, dependencies: { openai: '^6.0.0', react: '^19.0.0' } }),
      'app/src/chat.ts': `export const openai = new OpenAI({ apiKey, ${flag} });\n`,
      'app/src/models.ts': 'export const url = `https://generativelanguage.googleapis.com/v1beta/models?key=${apiKey}`;\n',
    });
    const { report } = await scanJson(root);
    expect(report.findings.map((f) => [f.file, f.ruleId])).toEqual([
      ['app/src/chat.ts', 'practice/client-side-exposure'],
      ['app/src/models.ts', 'practice/key-in-url'],
    ]);
    // scanning inside the SDK: the package.json above names it
    const inside = await scanJson(join(root, 'vendor/openai'), ['.']);
    expect(inside.report.findings).toEqual([]);
  });

  test('the compliant project (a Next.js route holding the key, a "use client" component calling it, publishable names, a server proxy) is clean', async () => {
    const { code, report } = await scanJson(fixtureCopy('client-side-exposure/compliant'));
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
    expectAllPracticesKept(report);
  });

  test('Next.js server files without "use client" are not client-side, even holding a literal key', async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ name: 'web', dependencies: { next: '^14.2.0', react: '^18.3.1' } }),
      'app/api/chat/route.ts': `import OpenAI from "openai";\n\nconst openai = new OpenAI({ apiKey: "${KEYS[0]}" });\n\nexport async function POST(): Promise<Response> {\n  return Response.json({});\n}\n`,
      'app/page.tsx': `const key = "${KEYS[1]}";\n\nexport default function Page() {\n  return null;\n}\n`,
      'lib/openai.ts': `export const key = "${KEYS[2]}";\n`,
    });
    const { report, run } = await scanJson(root);
    expect(rows(report)).toEqual([
      ['app/api/chat/route.ts', 'openai-project-key', 'practice/hardcoded-key'],
      ['app/page.tsx', 'openai-project-key', 'practice/hardcoded-key'],
      ['lib/openai.ts', 'openai-project-key', 'practice/hardcoded-key'],
    ]);
    expect(violations(report)['practice/client-side-exposure']).toBe(0);
    expectNoKeyIn(run, KEYS.slice(0, 3));
  });

  test('server code is not client-side: a package without a browser framework, and server/ of a React package', async () => {
    const root = tempTree({
      'api/package.json': JSON.stringify({ name: 'api', dependencies: { express: '^4.19.0' } }),
      'api/src/openai.ts': `export const key = "${KEYS[0]}";\n`,
      'web/package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18.3.1', 'react-dom': '^18.3.1' } }),
      'web/server/index.ts': `export const key = "${KEYS[1]}";\n`,
    });
    const { report } = await scanJson(root);
    expect(rows(report)).toEqual([
      ['api/src/openai.ts', 'openai-project-key', 'practice/hardcoded-key'],
      ['web/server/index.ts', 'openai-project-key', 'practice/hardcoded-key'],
    ]);
  });

  test('a file outside src/ of a React package that no bundle includes (db/seed.ts) is not client-side', async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18.3.1', 'react-dom': '^18.3.1' } }),
      'db/seed.ts': `export const key = "${KEYS[3]}";\n`,
    });
    const { report } = await scanJson(root);
    expect(rows(report)).toEqual([['db/seed.ts', 'openai-project-key', 'practice/hardcoded-key']]);
  });

  test('scanning only src/ of a React package still knows it is client-side', async () => {
    const root = tempTree({
      'package.json': JSON.stringify({ name: 'web', dependencies: { react: '^18.3.1', 'react-dom': '^18.3.1' } }),
      'src/api.ts': `export const key = "${KEYS[4]}";\n`,
    });
    const fromRoot = await scanJson(root, ['src']);
    expect(rows(fromRoot.report)).toEqual([['api.ts', 'openai-project-key', 'practice/hardcoded-key', 'practice/client-side-exposure']]);
    const fromSrc = await scanJson(join(root, 'src'), ['.']);
    expect(rows(fromSrc.report)).toEqual([['api.ts', 'openai-project-key', 'practice/hardcoded-key', 'practice/client-side-exposure']]);
  });

  test('a React component file (.jsx) is client-side without a package.json around it', async () => {
    const root = tempTree({
      'Chat.jsx': `import React from "react";\n\nconst key = "${KEYS[5]}";\n\nexport function Chat() {\n  return <p>{key.length}</p>;\n}\n`,
    });
    const { report } = await scanJson(root);
    expect(rows(report)).toEqual([['Chat.jsx', 'openai-project-key', 'practice/hardcoded-key', 'practice/client-side-exposure']]);
  });

  test('a Mapbox public access token under a VITE_ name is no secret', async () => {
    // the name is built here: written out, it is what the rule matches
    const name = ['VITE', 'MAPBOX', 'ACCESS', 'TOKEN'].join('_');
    const root = tempTree({ '.env.example': `${name}=\n`, 'src/map.ts': `export const token = import.meta.env.${name};\n` });
    const { report } = await scanJson(root);
    expect(rows(report)).toEqual([]);
  });
});

describe.concurrent('practice/dotenv-committed', () => {
  test('each tracked .env-style file with a key is one finding, and a note on each of its keys', async () => {
    const repo = tempRepo(
      {
        '.env': `OPENAI_API_KEY=${KEYS[0]}\nPORT=3000\n`,
        '.env.local': `OPENAI_API_KEY=${KEYS[1]}\n`,
        'apps/api/.env.production': `DEBUG=0\nOPENAI_API_KEY=${KEYS[2]}\n`,
        'deploy/prod.env': `OPENAI_API_KEY=${KEYS[3]}\n`,
        '.env.example': 'OPENAI_API_KEY=\nPORT=3000\n',
        '.env.sample': 'OPENAI_API_KEY=sk-proj-your-key-here\n',
        '.env.template': 'OPENAI_API_KEY=<your key>\n',
        'settings.env.example': 'OPENAI_API_KEY=\n',
      },
      { commit: 'add env files' },
    );
    const { code, report, run } = await scanJson(repo.root);
    const D = 'practice/dotenv-committed';
    expect(code).toBe(1);
    expect(rows(report)).toEqual([
      ['.env', D],
      ['.env', 'openai-project-key', D],
      ['.env.local', D],
      ['.env.local', 'openai-project-key', D],
      ['apps/api/.env.production', D],
      ['apps/api/.env.production', 'openai-project-key', D],
      ['deploy/prod.env', D],
      ['deploy/prod.env', 'openai-project-key', D],
    ]);
    const files = report.findings.filter((f) => f.kind === 'practice');
    expect(files.map((f) => [f.line, f.severity, f.secret])).toEqual(Array.from({ length: 4 }, () => [1, 'high', null]));
    expect(files.every((f) => /\.gitignore/.test(f.remediation) && /git rm --cached/.test(f.remediation))).toBe(true);
    // a .env holds configuration, not code: hard-coding is not its fault
    expect(violations(report)).toMatchObject({ [D]: 8, 'practice/hardcoded-key': 0, 'practice/dotenv-not-ignored': 0 });
    expectNoKeyIn(run, KEYS.slice(0, 4));
  });

  test('a .env with several keys is still one finding for the file', async () => {
    const repo = tempRepo({ '.env': `OPENAI_API_KEY=${KEYS[0]}\nGITHUB_TOKEN=${fakeGithubToken(751, 'gho')}\n` }, { commit: 'env' });
    const { report } = await scanJson(repo.root);
    expect(report.findings.filter((f) => f.ruleId === 'practice/dotenv-committed')).toHaveLength(1);
    expect(report.findings.filter((f) => f.kind === 'secret').map((f) => f.practices)).toEqual([['practice/dotenv-committed'], ['practice/dotenv-committed']]);
  });

  test('a tracked .env without a key is not reported', async () => {
    const repo = tempRepo({ '.env': 'PORT=3000\nLOG_LEVEL=debug\n' }, { commit: 'env' });
    const { code, report } = await scanJson(repo.root);
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
  });

  test('outside git, a .env with a key that nothing ignores is reported; one that .gitignore lists is not with --respect-gitignore', async () => {
    const exposed = tempTree({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    const a = await scanJson(exposed);
    expect(rows(a.report)).toEqual([
      ['.env', 'practice/dotenv-committed'],
      ['.env', 'openai-project-key', 'practice/dotenv-committed'],
    ]);
    const ignored = tempTree({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n`, '.gitignore': '.env\n' });
    const b = await scanJson(ignored, ['.', '--respect-gitignore']);
    expect(rows(b.report)).toEqual([]);
    expect(b.code).toBe(0);
    // without the flag, outside git, .gitignore is not applied: the directory ships its .env
    expect(rows((await scanJson(ignored)).report)).toEqual(rows(a.report));
  });

  test('the compliant repository: .env is gitignored, .env.example holds placeholders', async () => {
    const repo = tempRepo(
      { '.gitignore': '.env*\n!.env.example\n', '.env.example': 'OPENAI_API_KEY=\nSTRIPE_SECRET_KEY=\n', 'app.py': 'import os\n\napi_key = os.environ["OPENAI_API_KEY"]\n' },
      { commit: 'initial' },
    );
    repo.write({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n`, '.env.local': `OPENAI_API_KEY=${KEYS[1]}\n` });
    const { code, report } = await scanJson(repo.root);
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
    expectAllPracticesKept(report);
  });

  test('a .env committed before .gitignore listed it is still committed', async () => {
    const repo = tempRepo({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n` }, { commit: 'add env' });
    repo.commitFiles({ '.gitignore': '.env\n' }, 'ignore env');
    expect(repo.git(['ls-files', '.env']).trim()).toBe('.env');
    const { report } = await scanJson(repo.root);
    expect(rows(report)).toEqual([
      ['.env', 'practice/dotenv-committed'],
      ['.env', 'openai-project-key', 'practice/dotenv-committed'],
    ]);
  });

  test('scanning a gitignored, untracked .env by name does not call it committed', async () => {
    const repo = tempRepo({ '.gitignore': '.env\n' }, { commit: 'initial' });
    repo.write({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    const { report } = await scanJson(repo.root, ['.env']);
    expect(rows(report)).toEqual([['.env', 'openai-project-key']]);
  });

  test('keyscan staged: a staged .env with a key is about to be committed', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    repo.write({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    repo.stage('.env');
    const { code, report } = await scanJson(repo.root, ['staged']);
    expect(code).toBe(1);
    expect(rows(report)).toEqual([
      ['.env', 'practice/dotenv-committed'],
      ['.env', 'openai-project-key', 'practice/dotenv-committed'],
    ]);
  });
});

describe.concurrent('practice/dotenv-not-ignored', () => {
  test('an untracked .env that .gitignore does not ignore is one info finding', async () => {
    const repo = tempRepo({ 'app.py': 'import os\n' }, { commit: 'initial' });
    repo.write({ '.env': `OPENAI_API_KEY=${KEYS[0]}\n`, '.env.example': 'OPENAI_API_KEY=\n' });
    const { code, report, run } = await scanJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.ruleId, f.severity, ...(f.practices ?? [])])).toEqual([
      ['.env', 'practice/dotenv-not-ignored', 'info'],
      ['.env', 'openai-project-key', 'critical'],
    ]);
    expect(report.findings[0]!.remediation).toContain('.gitignore');
    expect(violations(report)).toMatchObject({ 'practice/dotenv-not-ignored': 1, 'practice/dotenv-committed': 0 });
    expectNoKeyIn(run, [KEYS[0]!]);
  });

  test('a .env ignored by a nested .gitignore is not reported', async () => {
    const repo = tempRepo({ 'services/api/.gitignore': '.env\n', 'services/api/main.py': 'import os\n' }, { commit: 'initial' });
    repo.write({ 'services/api/.env': `OPENAI_API_KEY=${KEYS[0]}\n` });
    const { code, report } = await scanJson(repo.root);
    expect(rows(report)).toEqual([]);
    expect(code).toBe(0);
  });
});

describe.concurrent('practice/broad-scope-key', () => {
  test('legacy OpenAI, classic GitHub, Stripe sk_live_, AWS AKIA and Slack user keys each carry the note once', async () => {
    const dir = fixtureCopy('broad-scope-key/violating');
    const { code, report, run } = await scanJson(dir);
    const notes = ['practice/hardcoded-key', 'practice/broad-scope-key'];
    expect(code).toBe(1);
    const kinds = ['openai-user-key', 'github-pat', 'stripe-secret-key', 'aws-access-key-id', 'slack-user-token'];
    expect(rows(report)).toEqual([...kinds.map((k) => ['config.ts', k, ...notes]), ...kinds.map((k) => ['settings.py', k, ...notes])]);
    expect(violations(report)['practice/broad-scope-key']).toBe(10);
    expectNoKeyIn(run, fixtureKeys(dir));
  });

  test('the text report names the narrower kind to use', async () => {
    const run = await keyscan(fixtureCopy('broad-scope-key/violating'), ['.', '--verbose']);
    expect(run.stdout).toContain('✗ broad-scope-key: replace the classic token with a fine-grained personal access token (github_pat_)');
    expect(run.stdout).toContain('✗ broad-scope-key: use a restricted key (rk_live_)');
    expect(run.stdout).toContain('✗ broad-scope-key: use a bot token (xoxb-)');
  });

  test('the narrow kinds (sk-proj-, github_pat_, rk_live_, ASIA, xoxb-) carry no broad-scope note', async () => {
    const { report } = await scanJson(fixtureCopy('broad-scope-key/compliant'));
    expect(rows(report)).toEqual(
      ['openai-project-key', 'github-fine-grained-pat', 'stripe-restricted-key', 'aws-access-key-id', 'slack-bot-token'].map((k) => ['settings.py', k, 'practice/hardcoded-key']),
    );
    expect(violations(report)['practice/broad-scope-key']).toBe(0);
  });
});

describe.concurrent('keyscan git: practice/leaked-in-history and practice/stale-key', () => {
  let repo: GitRepo;
  const sha: Record<string, string> = {};

  beforeAll(() => {
    repo = tempRepo();
    // still in HEAD, introduced long ago: stale
    sha['old'] = repo.commitFiles({ 'config.py': `import os\n\nOPENAI_KEY = "${KEYS[0]}"\n` }, 'add config', { date: '2020-01-02T10:00:00Z' });
    // removed from its file later, which stays: leaked in history
    sha['removed'] = repo.commitFiles({ 'client.ts': `const key = "${KEYS[1]}";\nexport const url = "https://api.openai.com/v1";\n` }, 'add client', { date: daysAgo(200) });
    // still in HEAD, 45 days old: fresh under the default 90 days, stale under --max-key-age 30
    sha['recent'] = repo.commitFiles({ 'worker.go': `package main\n\nconst key = "${KEYS[2]}"\n` }, 'add worker', { date: daysAgo(45) });
    // its file deleted: leaked in history
    sha['deleted'] = repo.commitFiles({ 'scripts/seed.sh': `export OPENAI_API_KEY=${KEYS[3]}\n` }, 'add seed script', { date: daysAgo(20) });
    // still in HEAD, introduced three days ago
    sha['fresh'] = repo.commitFiles({ 'app.rb': `KEY = "${KEYS[4]}"\n` }, 'add app', { date: daysAgo(3) });
    repo.commitFiles({ 'client.ts': 'export const url = "https://api.openai.com/v1";\n' }, 'read the key from the environment', { date: daysAgo(2) });
    repo.git(['rm', '-q', 'scripts/seed.sh']);
    repo.commit('drop the seed script', { date: daysAgo(1) });
    repo.commitFiles({ 'config.py': `import os\n\n# moved on\nOPENAI_KEY = "${KEYS[0]}"\n` }, 'touch config', { date: daysAgo(1) });
  });

  test('a key gone from HEAD is leaked in history; an old one still there is stale; each noted once', async () => {
    const { code, report, run } = await scanJson(repo.root, ['git']);
    const H = 'practice/hardcoded-key';
    expect(code).toBe(1);
    expect(report.mode).toBe('history');
    expect(report.findings.map((f) => [f.file, f.commit, ...(f.practices ?? [])])).toEqual([
      ['config.py', sha['old'], H, 'practice/stale-key'],
      ['client.ts', sha['removed'], H, 'practice/leaked-in-history'],
      ['worker.go', sha['recent'], H],
      ['scripts/seed.sh', sha['deleted'], H, 'practice/leaked-in-history'],
      ['app.rb', sha['fresh'], H],
    ]);
    expect(report.findings.every((f) => f.kind === 'secret')).toBe(true);
    expect(violations(report)).toMatchObject({ 'practice/leaked-in-history': 2, 'practice/stale-key': 1, [H]: 5 });
    expect(report.practices.map((p) => p.id)).toEqual(HISTORY_PRACTICES);
    expectNoKeyIn(run, KEYS.slice(0, 5));
  });

  test('--max-key-age sets the age past which a key is stale', async () => {
    const { report } = await scanJson(repo.root, ['git', '--max-key-age', '30']);
    const stale = report.findings.filter((f) => (f.practices ?? []).includes('practice/stale-key')).map((f) => f.file);
    expect(stale).toEqual(['config.py', 'worker.go']);
    const run = await keyscan(repo.root, ['git', '--max-key-age', '30', '--verbose']);
    expect(run.stdout).toMatch(/✗ stale-key: the key has been in the repository for 4[456] days \(over --max-key-age 30\)/);
  });

  test('the text report ends with all eight practices and their counts', async () => {
    const run = await keyscan(repo.root, ['git', '--verbose']);
    expect(run.code).toBe(1);
    const block = run.stdout.slice(run.stdout.indexOf('\nPractices\n'));
    expect(block).toMatch(/^ {2}✗ hardcoded-key\s+.*\(5\)$/m);
    expect(block).toMatch(/^ {2}✗ leaked-in-history\s+No key lingers in git history \(2\)$/m);
    expect(block).toMatch(/^ {2}✗ stale-key\s+Keys in the repository are rotated \(1\)$/m);
    for (const id of ['key-in-url', 'client-side-exposure', 'dotenv-committed', 'dotenv-not-ignored', 'broad-scope-key']) expect(block).toMatch(new RegExp(`^ {2}✓ ${id}\\s`, 'm'));
    expect(run.stdout).toContain('✗ leaked-in-history: the key is gone from the current tree but stays in git history');
    expectNoKeyIn(run, KEYS.slice(0, 5));
  });

  test('a files scan checks neither history practice', async () => {
    const { report } = await scanJson(repo.root);
    expect(report.practices.map((p) => p.id)).toEqual(FILE_PRACTICES);
    expect(report.findings.flatMap((f) => f.practices ?? [])).not.toContain('practice/stale-key');
  });

  test('a committed .env in history is reported as committed', async () => {
    const r = tempRepo();
    r.commitFiles({ '.env': `OPENAI_API_KEY=${KEYS[5]}\n` }, 'add env', { date: daysAgo(3) });
    const { report } = await scanJson(r.root, ['git']);
    expect(rows(report)).toEqual([
      ['.env', 'practice/dotenv-committed'],
      ['.env', 'openai-project-key', 'practice/dotenv-committed'],
    ]);
  });

  test('a key whose file was renamed is still in the tree: stale, not leaked', async () => {
    const r = tempRepo();
    r.commitFiles({ 'config.py': `import os\n\nOPENAI_KEY = "${KEY}"\n` }, 'add config', { date: '2020-01-02T10:00:00Z' });
    r.git(['mv', 'config.py', 'settings.py']);
    r.commit('rename config', { date: daysAgo(1) });
    const { report } = await scanJson(r.root, ['git']);
    expect(report.findings.map((f) => f.practices)).toEqual([['practice/hardcoded-key', 'practice/stale-key']]);
  });

  test('a key moved deep into a large file is still in the tree: stale, not leaked', async () => {
    const r = tempRepo();
    r.commitFiles({ 'config.py': `import os\n\nOPENAI_KEY = "${KEY}"\n` }, 'add config', { date: '2020-01-02T10:00:00Z' });
    // git hands the blob over in several pieces: the key may be cut between two of them
    const filler = Array.from({ length: 3000 }, (_, i) => `LINE_${i} = ${i}  # ${'-'.repeat(60)}`).join('\n');
    r.git(['rm', '-q', 'config.py']);
    r.commitFiles({ 'settings/all.py': `${filler}\nOPENAI_KEY = "${KEY}"\n${filler}\n` }, 'merge the settings', { date: daysAgo(1) });
    const { report } = await scanJson(r.root, ['git']);
    // config.py is gone: only the search of every file at HEAD can tell that the key is still there
    expect(report.findings.map((f) => [f.file, f.practices])).toEqual([
      ['config.py', ['practice/hardcoded-key', 'practice/stale-key']],
      ['settings/all.py', ['practice/hardcoded-key']],
    ]);
  });
});

describe.concurrent('the practice summary', () => {
  test('keyscan . on a clean repository ends with a ✓ line for every practice', async () => {
    const repo = tempRepo(
      {
        '.gitignore': '.env\n',
        'app.py': 'import os\n\napi_key = os.getenv("GPT_API_KEY")\n',
        'src/index.ts': 'export const apiKey = process.env.OPENAI_API_KEY;\n',
      },
      { commit: 'initial' },
    );
    const run = await keyscan(repo.root, ['.']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('✗');
    expect(run.stdout.trim().split('\n')).toEqual([
      'Practices',
      '  ✓ hardcoded-key         Keys come from the environment, not the code',
      '  ✓ key-in-url            Keys travel in headers, never in URLs',
      '  ✓ client-side-exposure  Keys stay out of code that reaches browsers',
      '  ✓ dotenv-committed      .env files with keys are not committed',
      '  ✓ dotenv-not-ignored    .env files are ignored by git',
      '  ✓ broad-scope-key       Keys are of the narrowest kind the provider offers',
      '',
      expect.stringMatching(/^✓ No secrets found · 3 files \(.*\) scanned in \d+\.\d\d s$/),
    ]);
  });

  test('--format json: practices on every secret finding, none on practice findings, and a summary that adds them up', async () => {
    const repo = tempRepo({ 'app.ts': `export const key = "${KEYS[0]}";\n`, '.env': `OPENAI_API_KEY=${KEYS[1]}\n` }, { commit: 'initial' });
    const { report, run } = await scanJson(repo.root);
    for (const f of report.findings) {
      if (f.kind === 'secret') {
        expect(Array.isArray(f.practices)).toBe(true);
        for (const p of f.practices!) expect(p).toMatch(/^practice\/[a-z-]+$/);
      } else {
        expect(f).not.toHaveProperty('practices');
        expect(f.ruleId).toMatch(/^practice\//);
      }
    }
    expect(rows(report)).toEqual([
      ['.env', 'practice/dotenv-committed'],
      ['.env', 'openai-project-key', 'practice/dotenv-committed'],
      ['app.ts', 'openai-project-key', 'practice/hardcoded-key'],
    ]);
    expect(report.practices.map((p) => p.id)).toEqual(FILE_PRACTICES);
    for (const p of report.practices) {
      expect(Object.keys(p).sort()).toEqual(['id', 'ok', 'title', 'violations']);
      expect(p.title).not.toBe('');
      expect(p.ok).toBe(p.violations === 0);
      expect(p.violations).toBe(times(report, p.id));
    }
    expect(violations(report)).toEqual({
      'practice/hardcoded-key': 1,
      'practice/key-in-url': 0,
      'practice/client-side-exposure': 0,
      'practice/dotenv-committed': 2,
      'practice/dotenv-not-ignored': 0,
      'practice/broad-scope-key': 0,
    });
    expectNoKeyIn(run, KEYS.slice(0, 2));
  });

  test('--format json on a clean tree: every practice ok', async () => {
    const { code, report } = await scanJson(tempTree({ 'main.go': 'package main\n\nimport "os"\n\nvar key = os.Getenv("OPENAI_API_KEY")\n' }));
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expectAllPracticesKept(report);
  });
});
