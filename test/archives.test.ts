import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey, randomBody } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';
import { fakeKey } from './helpers/validator-keys.js';

const KEY = fakeOpenAiProjectKey(401);
const TOKEN = fakeGithubToken(402);
const STRIPE = fakeKey('stripe-secret-key', 403);

/** Builds archives with Python's zipfile, tarfile and gzip: real archives, made as other tools make them. */
function python(script: string, cwd: string): void {
  execFileSync('python3', ['-c', script], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

interface Report {
  findings: { ruleId: string; file: string; line: number }[];
  stats: { skippedReasons: Record<string, number> };
}

async function scanJson(dir: string, args: readonly string[] = []): Promise<{ code: number | null; report: Report; stderr: string }> {
  const run = await runBuiltCli(['.', '--format', 'json', ...args], { cwd: dir, env: cliEnv() });
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
}

describe('archives', () => {
  test('members of zip, jar in tgz, docx and gz are scanned and shown as archive!member', async () => {
    const dir = tempTree();
    python(
      `
import zipfile, tarfile, gzip, io
with zipfile.ZipFile('bundle.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('config/app.env', 'OPENAI_API_KEY=${KEY}\\n')
    z.writestr('logo.png', bytes(range(256)) * 4)
jar = io.BytesIO()
with zipfile.ZipFile(jar, 'w', zipfile.ZIP_STORED) as z:
    z.writestr('META-INF/app.properties', 'github.token=${TOKEN}\\n')
with tarfile.open('release.tgz', 'w:gz') as t:
    info = tarfile.TarInfo('lib/' + 'very-long-directory-name/' * 5 + 'plugin.jar')
    info.size = len(jar.getvalue())
    t.addfile(info, io.BytesIO(jar.getvalue()))
with zipfile.ZipFile('notes.docx', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('word/document.xml', '<w:document><w:t>stripe: ${STRIPE}</w:t></w:document>')
with gzip.open('dump.sql.gz', 'wb') as g:
    g.write(b'-- dump\\nINSERT INTO keys VALUES (\\'${TOKEN}\\');\\n')
`,
      dir,
    );
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    const found = report.findings.filter((f) => f.ruleId !== 'practice/dotenv-committed').map((f) => [f.file, f.ruleId, f.line]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['bundle.zip!config/app.env', 'openai-project-key', 1],
        [`release.tgz!lib/${'very-long-directory-name/'.repeat(5)}plugin.jar!META-INF/app.properties`, 'github-pat', 1],
        ['notes.docx!word/document.xml', 'stripe-secret-key', 1],
        ['dump.sql.gz!dump.sql', 'github-pat', 2],
      ]),
    );
    const off = await scanJson(dir, ['--no-archives']);
    expect(off.report.findings).toEqual([]);
  });

  test('a zip bomb is reported and skipped, never unpacked; the scan goes on', async () => {
    const dir = tempTree({ 'app.ts': `export const key = "${KEY}";\n` });
    // 300 MB of zeros compress to about 300 KB: a 1000:1 member
    python(
      `
import zipfile
with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('zeros.txt', 'w') as f:
        chunk = b'0' * (1 << 20)
        for _ in range(300): f.write(chunk)
`,
      dir,
    );
    const started = Date.now();
    const { code, report, stderr } = await scanJson(dir);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f.file)).toEqual(['app.ts']);
    expect(stderr).toMatch(/skipped bomb\.zip!zeros\.txt: a member expands more than 200:1/);
  });

  test('a bomb that lies about its size is stopped by the decompression bound', async () => {
    const dir = tempTree();
    python(
      `
import zipfile, struct
with zipfile.ZipFile('liar.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('zeros.txt', 'w') as f:
        chunk = b'0' * (1 << 20)
        for _ in range(300): f.write(chunk)
data = bytearray(open('liar.zip', 'rb').read())
at = data.rfind(b'PK\\x01\\x02')
struct.pack_into('<I', data, at + 24, 100)
open('liar.zip', 'wb').write(bytes(data))
`,
      dir,
    );
    const started = Date.now();
    const run = await runBuiltCli(['.', '--format', 'json', '--max-file-size', '200MB'], { cwd: dir, env: cliEnv() });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/skipped liar\.zip: a member expands more than 200:1/);
  });

  test('nesting stops at depth 3; a damaged archive is skipped with a warning', async () => {
    const dir = tempTree({ 'broken.zip': 'PK not really a zip' });
    python(
      `
import zipfile, io
data = b'GITHUB_TOKEN=${TOKEN}\\n'
name = 'deep.txt'
for depth in range(4):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        z.writestr(name, data)
    data, name = buf.getvalue(), 'level%d.zip' % depth
open('nest.zip', 'wb').write(data)
`,
      dir,
    );
    const { report, stderr } = await scanJson(dir);
    expect(report.findings).toEqual([]);
    expect(stderr).toMatch(/skipped nest\.zip!level2\.zip!level1\.zip!level0\.zip: nested deeper than 3 archives/);
    expect(stderr).toMatch(/skipped broken\.zip: not a zip archive/);
  });
});

describe('staged archives', () => {
  test('the pre-commit hook opens a staged zip and blocks the key inside', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    python(`
import zipfile
with zipfile.ZipFile('deploy.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('deploy/app.env', 'OPENAI_API_KEY=${KEY}\\n')
`, repo.root);
    repo.stage('deploy.zip');
    const run = await runBuiltCli(['staged', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.findings.map((f) => [f.file, f.ruleId])).toContainEqual(['deploy.zip!deploy/app.env', 'openai-project-key']);
    const off = await runBuiltCli(['staged', '--no-archives', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect((JSON.parse(off.stdout) as Report).findings).toEqual([]);
  });
});

describe('Jupyter notebooks', () => {
  test('a key in a code cell is found at its line; image outputs are not read', async () => {
    const image = randomBody(4000, 'b64url', 9);
    const notebook = {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: ['# Demo\n'] },
        { cell_type: 'code', metadata: {}, execution_count: 1, source: ['import openai\n', `client = openai.OpenAI(api_key="${KEY}")\n`], outputs: [{ output_type: 'display_data', data: { 'image/png': image, 'text/plain': ['<Figure>'] }, metadata: {} }] },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const text = JSON.stringify(notebook, null, 1);
    const dir = tempTree({ 'demo.ipynb': text });
    const { report } = await scanJson(dir);
    const line = text.split('\n').findIndex((l) => l.includes(KEY.slice(0, 20))) + 1;
    expect(report.findings.map((f) => [f.file, f.ruleId, f.line])).toEqual([['demo.ipynb', 'openai-project-key', line]]);
    expect(join(dir, 'demo.ipynb')).toBeTruthy();
  });
});
