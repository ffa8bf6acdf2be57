import { secretReport } from './helpers/report.js';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(11);
const OTHER_KEY = fakeOpenAiProjectKey(23);

interface JsonReport {
  tool: string;
  version: string;
  findings: Record<string, unknown>[];
  stats: { files: number; bytes: number; skipped: number; durationMs: number; skippedReasons: Record<string, number> };
}

async function scanJson(cwd: string, args: string[] = ['.']): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const run = await runBuiltCli([...args, '--format', 'json'], { cwd });
  return { code: run.code, report: secretReport<JsonReport>(run.stdout), stderr: run.stderr };
}

describe('keyscan [path]', () => {
  test('a tree with a key exits 1 and the JSON follows the contract, redacted', async () => {
    const root = tempTree({ 'src/config.ts': `export const config = {\n  openai: "${KEY}",\n};\n`, 'README.md': '# hello\n' });
    const { code, report } = await scanJson(root);
    expect(code).toBe(1);
    expect(report.tool).toBe('keyscan');
    expect(report.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(Object.keys(f).sort()).toEqual(
      ['column', 'endColumn', 'endLine', 'file', 'fingerprint', 'kind', 'line', 'practices', 'provider', 'remediation', 'ruleId', 'secret', 'severity', 'title'].sort(),
    );
    expect(f).toMatchObject({ ruleId: 'openai-project-key', kind: 'secret', severity: 'critical', provider: 'openai', file: 'src/config.ts', line: 2, column: 12, endLine: 2, endColumn: 12 + KEY.length });
    expect(f['secret']).toBe(`${KEY.slice(0, 4)}********${KEY.slice(-2)}`);
    expect(JSON.stringify(report)).not.toContain(KEY.slice(8, 30));
    expect(report.stats).toMatchObject({ files: 2, skipped: 0 });
    expect(report.stats.bytes).toBeGreaterThan(0);
  });

  test('the text report names the file, line and rule and never prints the key', async () => {
    const root = tempTree({ 'app.py': `import openai\nclient = openai.OpenAI(api_key="${KEY}")\n` });
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('app.py');
    expect(run.stdout).toContain('2:33');
    expect(run.stdout).toContain('openai-project-key');
    expect(run.stdout).toContain('1 finding');
    expect(run.stdout + run.stderr).not.toContain(KEY.slice(8, 30));
    expect(run.stdout).not.toMatch(/\u001b\[/); // NO_COLOR is set by the helper
  });

  test('--show-secrets prints the key; fingerprints stay the same and never hold it', async () => {
    const root = tempTree({ '.env': `OPENAI_API_KEY=${KEY}\n` });
    const a = await scanJson(root, ['.', '--show-secrets']);
    const b = await scanJson(root);
    expect(a.report.findings[0]!['secret']).toBe(KEY);
    expect(a.report.findings[0]!['fingerprint']).toBe(b.report.findings[0]!['fingerprint']);
    expect(String(b.report.findings[0]!['fingerprint'])).not.toContain(KEY.slice(8, 20));
  });

  test('a clean tree exits 0 with a summary', async () => {
    const root = tempTree({ 'index.js': 'console.log("hi")\n', 'lib/util.js': 'export const x = process.env.OPENAI_API_KEY;\n' });
    const run = await runBuiltCli(['.'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No secrets found');
    expect(run.stdout).toContain('2 files');
  });

  test('colors appear only when asked for or on a terminal', async () => {
    const root = tempTree({ '.env': `OPENAI_API_KEY=${KEY}\n` });
    const colored = await runBuiltCli(['.', '--color'], { cwd: root, env: { NO_COLOR: undefined } });
    expect(colored.stdout).toMatch(/\u001b\[/);
    const plain = await runBuiltCli(['.'], { cwd: root, env: { NO_COLOR: undefined } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });

  test('--output writes the report to a file', async () => {
    const root = tempTree({ '.env': `OPENAI_API_KEY=${KEY}\n` });
    const run = await runBuiltCli(['.', '-f', 'json', '-o', 'out/report.json'], { cwd: root });
    expect(run.code).toBe(2); // out/ does not exist
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    mkdirSync(join(root, 'out'));
    const ok = await runBuiltCli(['.', '-f', 'json', '-o', 'out/report.json'], { cwd: root });
    expect(ok.code).toBe(1);
    expect(ok.stdout).toBe('');
  });

  test('a single file and several paths can be scanned', async () => {
    const root = tempTree({ 'a/one.txt': `k=${KEY}\n`, 'b/two.txt': `k=${OTHER_KEY}\n`, 'c/clean.txt': 'nothing\n' });
    const single = await scanJson(root, ['a/one.txt']);
    expect(single.report.findings.map((f) => f['file'])).toEqual(['a/one.txt']);
    const many = await scanJson(root, ['a', 'b', 'c']);
    expect(many.report.findings.map((f) => f['file'])).toEqual(['a/one.txt', 'b/two.txt']);
    const inside = await scanJson(join(root, 'a'), ['.']);
    expect(inside.report.findings.map((f) => f['file'])).toEqual(['one.txt']);
  });

  test('- reads standard input', async () => {
    const root = tempTree();
    const run = await runBuiltCli(['-', '--format', 'json'], { cwd: root, input: `token: ${KEY}\n` });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => [f['file'], f['line'], f['column']])).toEqual([['<stdin>', 1, 8]]);
  });

  test('dot-files are scanned; .git and node_modules are not; nested .gitignore (with --respect-gitignore outside git) and .keyscanignore are honoured', async () => {
    const root = tempTree({
      '.env': `OPENAI_API_KEY=${KEY}\n`,
      '.github/workflows/ci.yml': `env:\n  OPENAI_API_KEY: ${KEY}\n`,
      '.git/config': `k=${KEY}\n`,
      'node_modules/pkg/index.js': `k="${KEY}"\n`,
      '.gitignore': 'build/\n*.log\n',
      'build/out.js': `k="${KEY}"\n`,
      'debug.log': `k=${KEY}\n`,
      'sub/.gitignore': 'secret.txt\n!keep.log\n',
      'sub/secret.txt': `k=${KEY}\n`,
      'sub/keep.log': `k=${KEY}\n`,
      'sub/other.txt': `k=${KEY}\n`,
      '.keyscanignore': 'fixtures/\n',
      'fixtures/fake.txt': `k=${KEY}\n`,
    });
    const { report } = await scanJson(root, ['.', '--respect-gitignore']);
    expect(report.findings.map((f) => f['file'])).toEqual(['.env', '.github/workflows/ci.yml', 'sub/keep.log', 'sub/other.txt']);
    // the node_modules directory is counted, not walked
    expect(report.stats.skippedReasons).toEqual({ dependencies: 1 });
  });

  test('outside a git repository .gitignore is not applied (as ripgrep and fd), unless --respect-gitignore; .keyscanignore always is', async () => {
    const root = tempTree({ '.gitignore': 'secrets/\n', 'secrets/a.txt': `k=${KEY}\n`, '.keyscanignore': 'fixtures/\n', 'fixtures/b.txt': `k=${KEY}\n`, 'b.txt': 'clean\n' });
    const plain = await scanJson(root);
    expect(plain.code).toBe(1);
    expect(plain.report.findings.map((f) => f['file'])).toEqual(['secrets/a.txt']);
    const respecting = await scanJson(root, ['.', '--respect-gitignore']);
    expect(respecting.code).toBe(0);
    expect(respecting.report.findings).toEqual([]);
  });

  test('a line with keyscan:allow in any comment style is not reported', async () => {
    const root = tempTree({
      'a.ts': `const k = "${KEY}"; // keyscan:allow\n`,
      'b.py': `k = "${KEY}"  # keyscan:allow: test value\n`,
      'c.html': `<meta content="${KEY}"> <!-- keyscan:allow -->\n`,
      'd.sql': `select '${KEY}'; -- keyscan:allow\n`,
    });
    const { code, report } = await scanJson(root);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('usage and exit codes', () => {
  test('--help and --version exit 0', async () => {
    const root = tempTree();
    const help = await runBuiltCli(['--help'], { cwd: root });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: keyscan');
    expect(help.stdout).toContain('--max-file-size');
    const version = await runBuiltCli(['--version'], { cwd: root });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--format', 'xml'], /unknown format "xml"/],
    [['--max-file-size', 'lots'], /invalid size "lots"/],
    [['--threads', 'many'], /--threads takes a whole number/],
    [['no/such/dir'], /no such file or directory: no\/such\/dir/],
  ])('%j exits 2 with one line on stderr', async (args, message) => {
    const root = tempTree();
    const run = await runBuiltCli(args, { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('--debug adds the stack trace', async () => {
    const root = tempTree();
    const run = await runBuiltCli(['missing', '--debug'], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe('bad inputs: a clear message, and the scan goes on', () => {
  test('binary files are skipped and counted', async () => {
    const root = tempTree({ 'img.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]), Buffer.from(KEY)]), 'a.txt': `k=${OTHER_KEY}\n` });
    const { code, report } = await scanJson(root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => f['file'])).toEqual(['a.txt']);
    expect(report.stats.skippedReasons).toEqual({ binary: 1 });
  });

  test('a UTF-16 file with a byte-order mark is text, not binary', async () => {
    const root = tempTree({ 'win.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`key=${KEY}\r\n`, 'utf16le')]) });
    const { report } = await scanJson(root);
    expect(report.findings.map((f) => [f['file'], f['line'], f['column']])).toEqual([['win.txt', 1, 5]]);
  });

  test('a 50 MB minified one-line file: skipped over --max-file-size, scanned under it with the right column', async () => {
    const chunk = 'function(a,b){return a.map(function(c){return c*b})},';
    const filler = chunk.repeat(Math.ceil((25 * 1024 * 1024) / chunk.length));
    const root = tempTree({ 'bundle.min.js': `${filler}var k="${KEY}";${filler}` });
    const skipped = await scanJson(root);
    expect(skipped.code).toBe(0);
    expect(skipped.report.stats.skippedReasons).toEqual({ 'too-large': 1 });
    const started = Date.now();
    const scanned = await scanJson(root, ['.', '--max-file-size', '64MB']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(scanned.report.findings.map((f) => [f['line'], f['column']])).toEqual([[1, filler.length + 8]]);
  });

  test('invalid UTF-8 around a key: the key is still found on its line', async () => {
    const root = tempTree({ 'latin1.txt': Buffer.concat([Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x0a]), Buffer.from(`k=${KEY}\n`), Buffer.from([0xe9, 0x0a])]) });
    const { report } = await scanJson(root);
    expect(report.findings.map((f) => [f['line'], f['column']])).toEqual([[2, 3]]);
  });

  test('CRLF line endings give the same lines and columns', async () => {
    const root = tempTree({ 'win.env': `# comment\r\n\r\nOPENAI_API_KEY=${KEY}\r\n` });
    const { report } = await scanJson(root);
    expect(report.findings.map((f) => [f['line'], f['column'], f['endColumn']])).toEqual([[3, 16, 16 + KEY.length]]);
  });

  test('an unreadable file is a warning on stderr; the rest is scanned', async () => {
    const root = tempTree({ 'locked.txt': `k=${KEY}\n`, 'open.txt': `k=${OTHER_KEY}\n` });
    chmodSync(join(root, 'locked.txt'), 0o000);
    chmodSync(root, 0o755);
    // root reads anything: as root, the scan runs without the capabilities that bypass file modes
    const asRoot = process.getuid?.() === 0 ? { wrapper: ['setpriv', '--bounding-set=-dac_override,-dac_read_search'] } : {};
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, ...asRoot });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/warning: skipped locked\.txt: permission denied/);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => f['file'])).toEqual(['open.txt']);
    expect(report.stats.skippedReasons).toEqual({ unreadable: 1 });
  });

  test('symlink loops and links to directories do not hang or crash the walk', async () => {
    const root = tempTree({ 'real/a.txt': `k=${KEY}\n` });
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync('real', join(root, 'dir-link'));
    symlinkSync('.', join(root, 'real/self'));
    symlinkSync('real/a.txt', join(root, 'file-link.txt'));
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, timeoutMs: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/warning: skipped loop-a: symbolic link loop/);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.map((f) => f['file'])).toEqual(['file-link.txt', 'real/a.txt']);
  });

  test('an empty directory exits 0', async () => {
    const { code, report } = await scanJson(tempTree());
    expect(code).toBe(0);
    expect(report.stats).toMatchObject({ files: 0, bytes: 0, skipped: 0 });
  });

  test('file names with spaces, quotes and unicode are reported as they are', async () => {
    const root = tempTree({ 'my dir/file with spaces.env': `K=${KEY}\n`, 'ünï cödé/ключ "q".txt': `K=${OTHER_KEY}\n` });
    const { report } = await scanJson(root);
    expect(report.findings.map((f) => f['file'])).toEqual(['my dir/file with spaces.env', 'ünï cödé/ключ "q".txt']);
  });

  test('a FIFO in the tree is passed over, not read', async () => {
    const root = tempTree({ 'a.txt': `k=${KEY}\n` });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const run = await runBuiltCli(['.', '--format', 'json'], { cwd: root, timeoutMs: 20_000 });
    expect(run.code).toBe(1);
  });

  test('a large tree is scanned by the worker pool with the same findings as one thread', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`pkg${i % 20}/file${i}.ts`] = `export const v${i} = ${i};\n`.repeat(50);
    files['pkg7/leak.ts'] = `const k = "${KEY}";\n`;
    files['pkg13/leak.env'] = `OPENAI_API_KEY=${OTHER_KEY}\n`;
    const root = tempTree(files);
    const pooled = await scanJson(root, ['.', '--threads', '2']);
    const single = await scanJson(root, ['.', '--threads', '0']);
    expect(pooled.report.findings).toEqual(single.report.findings);
    expect(pooled.report.findings.map((f) => f['file'])).toEqual(['pkg13/leak.env', 'pkg7/leak.ts']);
    expect(pooled.report.stats.files).toBe(402);
  });
});


describe('keyscan rules', () => {
  test('lists every rule as a table and as JSON', async () => {
    const root = tempTree();
    const table = await runBuiltCli(['rules'], { cwd: root });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+PROVIDER\s+SEVERITY\s+VALIDATOR\s+TITLE/);
    expect(table.stdout).toMatch(/openai-project-key\s+openai\s+critical\s+openai/);
    const json = await runBuiltCli(['rules', '--format', 'json'], { cwd: root });
    const doc = JSON.parse(json.stdout) as { rules: { id: string; provider: string; severity: string; validator: string | null }[] };
    expect(doc.rules.find((r) => r.id === 'openai-project-key')).toMatchObject({ provider: 'openai', severity: 'critical', validator: 'openai' });
    expect(table.stdout).toContain(`${doc.rules.length} rules`);
  });

  test('takes no paths', async () => {
    const run = await runBuiltCli(['rules', 'src'], { cwd: tempTree() });
    expect(run.code).toBe(2);
  });
});

describe('fixtures', () => {
  test('keyscan fixtures/leaky-project finds every planted key and exits 1; the repository itself is clean', async () => {
    const repo = new URL('..', import.meta.url).pathname;
    const leaky = await runBuiltCli(['fixtures/leaky-project', '--format', 'json'], { cwd: repo });
    expect(leaky.code).toBe(1);
    const report = JSON.parse(leaky.stdout) as JsonReport;
    expect(report.findings.map((f) => `${f['file']}:${f['ruleId']}`)).toEqual([
      '.env:practice/dotenv-committed',
      '.env:aws-access-key-id',
      '.env:aws-secret-access-key',
      '.env:stripe-secret-key',
      'config/slack.yaml:slack-bot-token',
      'config/slack.yaml:slack-webhook-url',
      'deploy/id_ed25519:private-key-openssh',
      'public/index.html:google-api-key',
      'scripts/deploy.sh:github-pat',
      'src/config.ts:openai-project-key',
      'src/config.ts:anthropic-api-key',
    ]);
    const self = await runBuiltCli(['.'], { cwd: repo });
    expect(self.stdout).toContain('No secrets found');
    expect(self.code).toBe(0);
  });
});
