import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, test } from 'vitest';
import { escapeData, escapeProperty, github } from '../src/report/github.js';
import { escapeXml, junit } from '../src/report/junit.js';
import { codeCell, escapeCell, markdown } from '../src/report/markdown.js';
import type { ReportOptions } from '../src/report/options.js';
import { FINGERPRINT_KEY, pathToUri, sarif } from '../src/report/sarif.js';
import { Secret } from '../src/secret.js';
import type { Finding, Origin, ScanResult, Severity } from '../src/types.js';
import { runBuiltCli } from './helpers/cli.js';
import { fakeAwsKeyId, fakeGithubToken, fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const OPENAI_KEY = fakeOpenAiProjectKey(31);
const GITHUB_TOKEN = fakeGithubToken(32);
const AWS_KEY_ID = fakeAwsKeyId(33);
const KEYS = [OPENAI_KEY, GITHUB_TOKEN, AWS_KEY_ID];
const FORMATS = ['text', 'json', 'sarif', 'github', 'markdown', 'junit'] as const;

const SCHEMA = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const validateSarif = ajv.compile(SCHEMA);

/** A SARIF log the official schema accepts; the schema's complaints otherwise, to read in the failure. */
function expectValidSarif(log: unknown): void {
  const ok = validateSarif(log);
  expect(ok ? [] : validateSarif.errors).toEqual([]);
}

/** Fails when any key, or a 16-character run from inside one, appears. */
function expectNoKey(output: string, keys: readonly string[] = KEYS): void {
  for (const key of keys) {
    expect(output).not.toContain(key);
    expect(output).not.toContain(key.slice(5, 21));
  }
}

function leakyTree(): string {
  return tempTree({
    'src/config.ts': `export const openai = "${OPENAI_KEY}";\n`,
    'scripts/we ird%20#1.sh': `curl -H "Authorization: token ${GITHUB_TOKEN}" https://api.github.com/user\n`,
    'deploy/aws.yaml': `aws_access_key_id: ${AWS_KEY_ID}\n`,
    'README.md': '# nothing to see\n',
  });
}

interface SarifLog {
  runs: {
    tool: { driver: { name: string; rules: { id: string; name: string; help: { text: string }; properties: Record<string, unknown>; defaultConfiguration: { level: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
      partialFingerprints: Record<string, string>;
      properties: Record<string, unknown>;
    }[];
  }[];
}

describe('--format sarif', () => {
  test('a real scan gives SARIF 2.1.0 that the official schema accepts, with rules, levels and regions', async () => {
    const root = leakyTree();
    const run = await runBuiltCli(['.', '--format', 'sarif'], { cwd: root });
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout) as SarifLog;
    expectValidSarif(log);
    const { driver } = log.runs[0]!.tool;
    expect(driver.name).toBe('keyscan');
    const results = log.runs[0]!.results.filter((r) => !r.ruleId.startsWith('practice/'));
    expect(results.map((r) => r.ruleId).sort()).toEqual(['aws-access-key-id', 'github-pat', 'openai-project-key']);
    for (const r of log.runs[0]!.results) {
      const rule = driver.rules[r.ruleIndex]!;
      expect(rule.id).toBe(r.ruleId);
      expect(rule.name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(r.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    }
    const openai = log.runs[0]!.results.find((r) => r.ruleId === 'openai-project-key')!;
    const rule = driver.rules[openai.ruleIndex]!;
    expect(rule.properties).toMatchObject({ 'security-severity': '9.5', severity: 'critical' });
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(openai.level).toBe('error');
    expect(openai.message.text).toBe(`OpenAI project API key: ${OPENAI_KEY.slice(0, 4)}********${OPENAI_KEY.slice(-2)}`);
    expect(openai.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/config.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1, startColumn: 24, endLine: 1, endColumn: 24 + OPENAI_KEY.length },
    });
    const token = log.runs[0]!.results.find((r) => r.ruleId === 'github-pat')!;
    // a URI reference: the space, % and # of the file name are percent-encoded
    expect(token.locations[0]!.physicalLocation.artifactLocation.uri).toBe('scripts/we%20ird%2520%231.sh');
    expectNoKey(run.stdout);
  });

  test('partialFingerprints hold the finding fingerprint, the same on every run and never the key', async () => {
    const root = leakyTree();
    const [a, b, asJson] = await Promise.all([
      runBuiltCli(['.', '--format', 'sarif'], { cwd: root }),
      runBuiltCli(['.', '--format', 'sarif'], { cwd: root }),
      runBuiltCli(['.', '--format', 'json'], { cwd: root }),
    ]);
    const prints = (out: string): string[] => (JSON.parse(out) as SarifLog).runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]!);
    expect(prints(a.stdout).length).toBeGreaterThanOrEqual(3);
    expect(prints(a.stdout)).toEqual(prints(b.stdout));
    const jsonPrints = (JSON.parse(asJson.stdout) as { findings: { fingerprint: string }[] }).findings.map((f) => f.fingerprint);
    expect(prints(a.stdout)).toEqual(jsonPrints);
    expect(new Set(prints(a.stdout)).size).toBe(jsonPrints.length);
    expectNoKey(prints(a.stdout).join('\n'));
  });

  test('history findings carry their commit in properties, and the log still validates', async () => {
    const repo = tempRepo({ 'app.py': `OPENAI = "${OPENAI_KEY}"\n` }, { commit: 'add client' });
    const sha = repo.head();
    const run = await runBuiltCli(['git', '--format', 'sarif'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    const log = JSON.parse(run.stdout) as SarifLog;
    expectValidSarif(log);
    const result = log.runs[0]!.results.find((r) => r.ruleId === 'openai-project-key')!;
    expect(result.properties).toMatchObject({ commit: sha, commitMessage: 'add client' });
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toBe('app.py');
    expectNoKey(run.stdout);
  });

  test('a clean scan is a valid log with no results', async () => {
    const root = tempTree({ 'index.js': 'console.log(process.env.OPENAI_API_KEY);\n' });
    const run = await runBuiltCli(['.', '--format', 'sarif'], { cwd: root });
    expect(run.code).toBe(0);
    const log = JSON.parse(run.stdout) as SarifLog;
    expectValidSarif(log);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.tool.driver.rules).toEqual([]);
  });

  test('a rule’s help keeps the remediation its findings share; a whole-file practice has a line-only region', () => {
    const a = { ...secretFinding({ path: 'a.ts' }), remediation: 'Revoke the key. In this file: read it with process.env.OPENAI_API_KEY.' };
    const b = { ...secretFinding({ path: 'b.py' }), remediation: 'Revoke the key. In this file: read it with os.environ["OPENAI_API_KEY"].' };
    const practice: Finding = {
      kind: 'practice',
      ruleId: 'practice/dotenv-committed',
      practice: 'dotenv-committed',
      title: '.env file with secrets is committed',
      provider: 'generic',
      severity: 'high',
      remediation: 'Untrack it.',
      origin: { kind: 'file', path: '.env' },
      at: { line: 1, column: 1, endLine: 1, endColumn: 1 },
      fingerprint: 'practice/dotenv-committed:.env:fedcba9876543210',
      evidence: '.env',
    };
    const log = JSON.parse(sarif(resultOf([practice, a, b]), { ...OPTS, displayRoot: 'sub dir' })) as SarifLog;
    expectValidSarif(log);
    const { rules } = log.runs[0]!.tool.driver;
    expect(rules.map((r) => r.id)).toEqual(['openai-project-key', 'practice/dotenv-committed']);
    expect(rules[0]!.help.text).toBe('Revoke the key.');
    expect(rules[1]!.properties).toMatchObject({ 'security-severity': '8.0', severity: 'high' });
    const [p, ra] = log.runs[0]!.results;
    expect(p!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'sub%20dir/.env', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, endLine: 1 } });
    expect(p!.ruleIndex).toBe(1);
    expect(ra!.properties['remediation']).toBe(a.remediation);
    // a scan root above the working directory: paths stay relative to it, never ../
    const above = JSON.parse(sarif(resultOf([a]), { ...OPTS, displayRoot: '../..' })) as SarifLog;
    expect(above.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('a.ts');
  });

  test('paths become URI references segment by segment', () => {
    expect(pathToUri('src/config.ts')).toBe('src/config.ts');
    expect(pathToUri('a b/c:d/100%/#?.txt')).toBe('a%20b/c%3Ad/100%25/%23%3F.txt');
    expect(pathToUri('données/clé.env')).toBe('donn%C3%A9es/cl%C3%A9.env');
  });
});

// Reporters are pure: a hand-made result reaches the corners a scan rarely does.
const OPTS: ReportOptions = { showSecrets: false, color: false, displayRoot: '', version: '9.9.9' };

function secretFinding(over: { path: string; title?: string; severity?: Severity; line?: number; origin?: Origin; value?: string }): Finding {
  const line = over.line ?? 3;
  const value = over.value ?? OPENAI_KEY;
  return {
    kind: 'secret',
    ruleId: 'openai-project-key',
    title: over.title ?? 'OpenAI project API key',
    provider: 'openai',
    severity: over.severity ?? 'critical',
    remediation: 'Revoke the key, then read it from OPENAI_API_KEY.',
    secret: new Secret(value),
    origin: over.origin ?? { kind: 'file', path: over.path },
    at: { line, column: 7, endLine: line, endColumn: 7 + value.length },
    fingerprint: `openai-project-key:${over.path}:0123456789abcdef`,
    practices: [{ id: 'key-in-url', fix: 'send it in the Authorization header instead of the URL' }],
  };
}

function resultOf(findings: Finding[]): ScanResult {
  return {
    mode: 'files',
    findings,
    stats: { files: 3, bytes: 300, skipped: 0, durationMs: 12 },
    skipped: [],
    warnings: [],
    practices: [
      { id: 'hardcoded-key', title: 'Keys come from the environment, not the code', violations: findings.length },
      { id: 'key-in-url', title: 'Keys travel in headers, never in URLs', violations: 0 },
    ],
  };
}

describe('--format github', () => {
  test('escaping follows the workflow-command rules: data %, CR, LF; properties also : and ,', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeData('a:b,c')).toBe('a:b,c');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    // % first, so an escape already in the text is kept as text
    expect(escapeProperty('%3A')).toBe('%253A');
  });

  /** The inverse GitHub applies; a round trip gives the original back. */
  const unescape = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

  test('one command per finding, level by severity, file and title escaped so they survive', () => {
    const path = 'odd dir/we,ird:na%me\nx.ts';
    const title = 'Title: with, commas\nand 100%';
    const findings = [
      secretFinding({ path, title }),
      secretFinding({ path: 'b.ts', severity: 'high' }),
      secretFinding({ path: 'c.ts', severity: 'medium' }),
      secretFinding({ path: 'd.ts', severity: 'low' }),
      secretFinding({ path: 'e.ts', severity: 'info' }),
    ];
    const out = github(resultOf(findings), OPTS);
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => /^::(\w+) /.exec(l)![1])).toEqual(['error', 'error', 'warning', 'warning', 'notice']);
    const m = /^::error ([^:]*)::(.*)$/.exec(lines[0]!)!;
    expect(m).not.toBeNull();
    const props = Object.fromEntries(m[1]!.split(',').map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1))]));
    expect(props).toEqual({ file: path, line: '3', col: '7', endLine: '3', endColumn: String(7 + OPENAI_KEY.length), title });
    const message = unescape(m[2]!);
    expect(message).toContain(`${OPENAI_KEY.slice(0, 4)}********${OPENAI_KEY.slice(-2)} (openai-project-key)`);
    expect(message).toContain('key-in-url: send it in the Authorization header');
    expectNoKey(out);
  });

  test('a real scan of a file named with , : % and a newline annotates that very file', async () => {
    const path = 'odd,dir/we:ird 100%\nname.ts';
    const root = tempTree({ [path]: `const key = "${OPENAI_KEY}";\n` });
    const run = await runBuiltCli(['.', '--format', 'github'], { cwd: root });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n').filter((l) => l !== '');
    const command = lines.find((l) => l.includes('openai-project-key'))!;
    const m = /^::error ([^:]*)::(.*)$/.exec(command)!;
    expect(m).not.toBeNull();
    const props = Object.fromEntries(m[1]!.split(',').map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1))]));
    expect(props).toMatchObject({ file: path, line: '1', col: '14', endLine: '1', endColumn: String(14 + OPENAI_KEY.length), title: 'OpenAI project API key' });
    expectNoKey(run.stdout);
  });

  test('a span over several lines gets no columns; a commit is named in the message', () => {
    const f = secretFinding({ path: 'id_rsa', origin: { kind: 'commit', path: 'id_rsa', commit: 'a'.repeat(40), author: 'Ada', email: 'ada@example.test', date: '2024-01-02T03:04:05Z', message: 'oops' } });
    const multi: Finding = { ...f, at: { line: 1, column: 1, endLine: 9, endColumn: 30 } };
    const out = github(resultOf([multi]), OPTS);
    expect(out).toMatch(/^::error file=id_rsa,line=1,endLine=9,title=OpenAI project API key::/);
    expect(out).toContain(`commit ${'a'.repeat(40)} by Ada on 2024-01-02: oops`);
  });
});

describe('--format markdown', () => {
  test('cells escape pipes and backticks, and code spans fence around backticks', () => {
    expect(escapeCell('a|b`c*d_e\nf')).toBe('a\\|b\\`c\\*d\\_e f');
    expect(codeCell('a|b')).toBe('`a\\|b`');
    expect(codeCell('a`b')).toBe('``a`b``');
    expect(codeCell('`x')).toBe('`` `x ``');
  });

  test('a table row per finding whose cells stay cells, whatever the path and title hold', () => {
    const out = markdown(resultOf([secretFinding({ path: 'src/a|b`c.ts', title: 'Pipe | and `tick`' }), secretFinding({ path: 'ok.ts' })]), OPTS);
    const lines = out.split('\n');
    expect(lines[0]).toBe('## keyscan');
    expect(out).toContain('❌ **2 findings** (2 critical) in 2 files · 3 files scanned');
    const rows = lines.filter((l) => l.startsWith('| critical'));
    expect(rows).toHaveLength(2);
    // five cells: six pipes that no backslash escapes
    for (const row of rows) expect(row.match(/(?<!\\)\|/g)).toHaveLength(6);
    expect(rows[0]).toContain('``src/a\\|b`c.ts:3``');
    expect(rows[0]).toContain('Pipe \\| and \\`tick\\`');
    expect(out).toContain('### Practices');
    expect(out).toContain('| ❌ | hardcoded-key | Keys come from the environment, not the code | 2 |');
    expect(out).toContain('| ✅ | key-in-url |');
    expectNoKey(out);
  });

  test('a clean scan says so', () => {
    expect(markdown(resultOf([]), OPTS)).toContain('✅ No secrets found · 3 files scanned');
  });
});

/**
 * A small XML well-formedness check: one root, tags nested and closed, attributes quoted,
 * every & an entity, no raw < in text or attributes, only characters XML 1.0 allows. Returns
 * each element with its decoded attributes and text.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const decode = (s: string): string =>
    s.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
      e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!,
    );
  expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/);
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  expect(xml.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, '')).not.toContain('&');
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/y;
  const elements: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const open: { name: string; attrs: Record<string, string>; text: string }[] = [];
  let roots = 0;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt === -1 ? body.length : lt);
    if (open.length === 0) expect(text.trim()).toBe('');
    else open.at(-1)!.text += decode(text);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    expect(m, `a malformed tag at ${body.slice(lt, lt + 40)}`).not.toBeNull();
    const [whole, closing, name, rawAttrs, selfClosing] = m!;
    if (closing) {
      expect(open.pop()?.name).toBe(name);
    } else {
      if (open.length === 0) roots++;
      const attrs: Record<string, string> = {};
      for (const a of rawAttrs!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        expect(attrs[a[1]!]).toBeUndefined();
        attrs[a[1]!] = decode(a[2]!);
      }
      const element = { name: name!, attrs, text: '' };
      elements.push(element);
      if (!selfClosing) open.push(element);
    }
    i = lt + whole.length;
  }
  expect(open).toEqual([]);
  expect(roots).toBe(1);
  return elements;
}

describe('--format junit', () => {
  test('a real scan: one testsuite, a failing testcase per finding with its file and line', async () => {
    const root = leakyTree();
    const run = await runBuiltCli(['.', '--format', 'junit'], { cwd: root });
    const findings = (JSON.parse((await runBuiltCli(['.', '--format', 'json'], { cwd: root })).stdout) as { findings: { file: string; line: number }[] }).findings;
    const elements = parseXml(run.stdout);
    expect(elements.filter((e) => e.name === 'testsuite').map((e) => e.attrs['name'])).toEqual(['keyscan']);
    const cases = elements.filter((e) => e.name === 'testcase');
    expect(cases).toHaveLength(findings.length);
    expect(elements.filter((e) => e.name === 'failure')).toHaveLength(findings.length);
    expect(cases.map((c) => [c.attrs['file'], Number(c.attrs['line'])])).toEqual(findings.map((f) => [f.file, f.line]));
    expect(elements.find((e) => e.name === 'testsuite')!.attrs).toMatchObject({ tests: String(findings.length), failures: String(findings.length) });
    expectNoKey(run.stdout);
  });

  test('a clean scan is one passing testcase, "no secrets"', async () => {
    const root = tempTree({ 'index.js': 'console.log(1);\n' });
    const run = await runBuiltCli(['.', '--format', 'junit'], { cwd: root });
    expect(run.code).toBe(0);
    const elements = parseXml(run.stdout);
    expect(elements.filter((e) => e.name === 'testcase').map((e) => e.attrs['name'])).toEqual(['no secrets']);
    expect(elements.some((e) => e.name === 'failure')).toBe(false);
  });

  test('markup, quotes and control characters in paths and titles are escaped', () => {
    const path = `a<b>&"c'\u0001.ts`;
    const title = 'Ends ]]> with <tag> & "quotes"';
    const out = junit(resultOf([secretFinding({ path, title })]), OPTS);
    const elements = parseXml(out);
    const testcase = elements.find((e) => e.name === 'testcase')!;
    expect(testcase.attrs['file']).toBe(path.replace('\u0001', '\uFFFD'));
    expect(testcase.attrs['line']).toBe('3');
    const failure = elements.find((e) => e.name === 'failure')!;
    expect(failure.attrs['message']).toBe(`${title}: ${OPENAI_KEY.slice(0, 4)}********${OPENAI_KEY.slice(-2)}`);
    expect(failure.text).toContain(`fix: Revoke the key`);
    expect(escapeXml('a\nb\t"')).toBe('a&#10;b&#9;&quot;');
    expect(escapeXml('\uD800x')).toBe('\uFFFDx');
    expectNoKey(out);
  });
});

describe('--report <format>=<file>', () => {
  test('writes every report while --format still goes to stdout', async () => {
    const root = leakyTree();
    const out = tempTree();
    const reports = { sarif: join(out, 'keyscan.sarif'), json: join(out, 'keyscan.json'), markdown: join(out, 'summary.md'), junit: join(out, 'junit.xml'), github: join(out, 'annotations.txt') };
    const args = ['.', '--format', 'text', ...Object.entries(reports).flatMap(([format, file]) => ['--report', `${format}=${file}`])];
    const run = await runBuiltCli(args, { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('openai-project-key');
    expect(run.stdout).toMatch(/✗ \d+ findings/);
    const written = Object.fromEntries(Object.entries(reports).map(([format, file]) => [format, readFileSync(file, 'utf8')]));
    expectValidSarif(JSON.parse(written['sarif']!));
    expect((JSON.parse(written['json']!) as { tool: string }).tool).toBe('keyscan');
    expect(written['markdown']).toMatch(/^## keyscan/);
    parseXml(written['junit']!);
    expect(written['github']).toMatch(/^::error /);
    for (const text of Object.values(written)) {
      expect(text).not.toMatch(/\u001b\[/);
      expectNoKey(text);
    }
    expectNoKey(run.stdout + run.stderr);
  });

  test('--output takes the --format report; a bad spec or a file named twice is a usage error', async () => {
    const root = leakyTree();
    const out = tempTree();
    const run = await runBuiltCli(['.', '--format', 'github', '--output', join(out, 'a.txt'), '--report', `sarif=${join(out, 'b.sarif')}`], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toMatch(/^::error /);
    expectValidSarif(JSON.parse(readFileSync(join(out, 'b.sarif'), 'utf8')));
    for (const bad of [['--report', 'sarif'], ['--report', 'yaml=x.yaml'], ['--report', '=x'], ['--report', 'json=x.json', '--report', 'sarif=x.json'], ['--format', 'xml']]) {
      const r = await runBuiltCli(['.', ...bad], { cwd: root });
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^keyscan: /);
    }
  });

  test('an unwritable report is an error naming the file, exit 2', async () => {
    const root = leakyTree();
    const blocker = join(tempTree(), 'file');
    writeFileSync(blocker, 'not a directory');
    const run = await runBuiltCli(['.', '--report', `json=${join(blocker, 'x.json')}`], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot write report');
  });
});

describe('redaction in every format', () => {
  test.each(FORMATS)('%s never shows a key without --show-secrets, and shows it with', async (format) => {
    const root = leakyTree();
    mkdirSync(join(root, 'more'));
    writeFileSync(join(root, 'more/app.py'), `client = OpenAI(api_key="${OPENAI_KEY}")\n`);
    const hidden = await runBuiltCli(['.', '--format', format], { cwd: root });
    expect(hidden.code).toBe(1);
    expectNoKey(hidden.stdout + hidden.stderr);
    const shown = await runBuiltCli(['.', '--format', format, '--show-secrets'], { cwd: root });
    expect(shown.stdout).toContain(OPENAI_KEY);
  });
});
