import { describe, expect, test } from 'vitest';
import { buildRuleSet, detect } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import type { RuleDefinition } from '../../src/rules/definition.js';
import { randomBody } from '../helpers/fake-keys.js';
import { ruleDef } from '../helpers/rule-def.js';
import type { SecretFinding } from '../../src/types.js';

const TOKEN_BODY = randomBody(32);
const TOKEN = `tkn_${TOKEN_BODY}`;

const prefixed = ruleDef({ id: 'prefixed', provider: 'acme', keywords: ['tkn_'], regex: '(?<![A-Za-z0-9_])(tkn_[A-Za-z0-9]{32})(?![A-Za-z0-9])' });
const generic = ruleDef({
  id: 'generic-assignment',
  provider: 'generic',
  keywords: ['secret'],
  regex: `(?i)secret\\s*[:=]\\s*["']?([A-Za-z0-9_]{16,64})`,
  entropy: 3,
});

function scanText(text: string, defs: RuleDefinition[], path = 'a.txt'): SecretFinding[] {
  return detect({ text, origin: { kind: 'file', path }, lineOffset: 0 }, buildRuleSet(defs.map(compileRule))).filter(
    (f): f is SecretFinding => f.kind === 'secret',
  );
}

describe('detect', () => {
  test('extracts the secret group and points line and column at it', () => {
    const [f, ...rest] = scanText(`line one\nconst k = "${TOKEN}";\n`, [prefixed]);
    expect(rest).toEqual([]);
    expect(f!.secret.reveal()).toBe(TOKEN);
    expect(f!.at).toEqual({ line: 2, column: 12, endLine: 2, endColumn: 12 + TOKEN.length });
    expect(f!.fingerprint).toMatch(/^prefixed:a\.txt:[0-9a-f]{16}$/);
    expect(f!.fingerprint).not.toContain(TOKEN_BODY);
  });

  test('a rule whose keyword is absent never runs, even if its regex would match', () => {
    const noKeyword = ruleDef({ id: 'needs-keyword', keywords: ['acme'], regex: '(tkn_[A-Za-z0-9]{32})' });
    expect(scanText(TOKEN, [noKeyword])).toEqual([]);
    expect(scanText(`acme ${TOKEN}`, [noKeyword])).toHaveLength(1);
  });

  test('every occurrence is reported once, also when keyword windows overlap', () => {
    const text = `${TOKEN} ${TOKEN}\n${TOKEN}`;
    expect(scanText(text, [prefixed]).map((f) => [f.at.line, f.at.column])).toEqual([
      [1, 1],
      [1, 38],
      [2, 1],
    ]);
  });

  test('where rules overlap, the provider rule wins over the generic one', () => {
    const found = scanText(`secret = "${TOKEN}"`, [generic, prefixed]);
    expect(found.map((f) => f.ruleId)).toEqual(['prefixed']);
  });

  test('the entropy floor drops low-entropy values', () => {
    expect(scanText('secret = "abababababababababab"', [generic])).toEqual([]);
    expect(scanText(`secret = "${randomBody(24)}"`, [generic])).toHaveLength(1);
  });

  test('placeholders are never reported', () => {
    expect(scanText('secret = "YOUR_SECRET_KEY_HERE_1234"', [generic])).toEqual([]);
  });

  test('a line with keyscan:allow is not reported', () => {
    expect(scanText(`const k = "${TOKEN}"; // keyscan:allow test value`, [prefixed])).toEqual([]);
    expect(scanText(`# keyscan:allow\nconst k = "${TOKEN}";`, [prefixed])).toHaveLength(1);
  });

  test('a rule restricted to a path runs only on matching files', () => {
    const npmrc = ruleDef({ id: 'npmrc', keywords: ['tkn_'], regex: '(tkn_[A-Za-z0-9]{32})', path: '(?:^|/)\\.npmrc$' });
    expect(scanText(TOKEN, [npmrc], 'src/app.ts')).toEqual([]);
    expect(scanText(TOKEN, [npmrc], 'pkg/.npmrc')).toHaveLength(1);
  });

  test('rule allowlists: stopwords, regexes on the secret and on the line, paths', () => {
    const withAllow = (allowlist: RuleDefinition['allowlist']) => [{ ...prefixed, allowlist }];
    expect(scanText(TOKEN, withAllow({ stopwords: [TOKEN_BODY.slice(3, 9).toLowerCase()] }))).toEqual([]);
    expect(scanText(TOKEN, withAllow({ regexes: [`^tkn_${TOKEN_BODY.slice(0, 4)}`] }))).toEqual([]);
    expect(scanText(`fixture: ${TOKEN}`, withAllow({ regexes: ['^fixture:'], regexTarget: 'line' }))).toEqual([]);
    expect(scanText(TOKEN, withAllow({ paths: ['^test/'] }), 'test/a.ts')).toEqual([]);
    expect(scanText(TOKEN, withAllow({ paths: ['^test/'] }), 'src/a.ts')).toHaveLength(1);
  });

  test('a leading (?i) makes the regex case-blind', () => {
    expect(scanText(`SECRET: ${randomBody(20)}`, [generic])).toHaveLength(1);
  });

  test('a key deep in a long minified line is found at its column, in time that grows with the text', () => {
    const filler = 'var a=function(b){return b+1};'.repeat(200_000); // ~6 MB on one line
    const text = `${filler}window.k="${TOKEN}";${filler}`;
    const started = performance.now();
    const found = scanText(text, [prefixed, generic]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(found.map((f) => f.at)).toEqual([{ line: 1, column: filler.length + 11, endLine: 1, endColumn: filler.length + 11 + TOKEN.length }]);
  });

  test('a multi-line rule reaches as far as its window', () => {
    const block = ruleDef({
      id: 'block',
      keywords: ['-----begin test'],
      regex: '(-----BEGIN TEST-----[\\s\\S]{10,4000}?-----END TEST-----)',
      window: 4096,
    });
    const body = Array.from({ length: 40 }, (_, i) => randomBody(64, 'b64url', i + 1)).join('\n');
    const text = `x = """\n-----BEGIN TEST-----\n${body}\n-----END TEST-----\n"""`;
    const [f] = scanText(text, [block]);
    expect(f!.at.line).toBe(2);
    expect(f!.at.endLine).toBe(43);
  });
});

describe('inline allow markers of other tools', () => {
  test.each(['// gitleaks:allow', '# pragma: allowlist secret', '// secretlint-disable-line', '//nolint // #nosec G101', '# nosec B105'])('%s suppresses the line', (marker) => {
    expect(scanText(`const k = "${TOKEN}"; ${marker}`, [prefixed])).toEqual([]);
  });
  test('a bare nosec is not a secret marker', () => {
    expect(scanText(`const k = "${TOKEN}"; // #nosec`, [prefixed])).toHaveLength(1);
  });
});

describe('escaped quotes (JSON strings, notebooks)', () => {
  const quoted = ruleDef({ id: 'quoted', keywords: ['secret'], regex: `secret\\s*=\\s*"([A-Za-z0-9]{20,40})"` });

  test('a value in \\"quotes\\" inside a JSON string is found, at its column in the original text', () => {
    const value = randomBody(24, 'b62', 77);
    const text = `{\n  "source": ["x = 1\\n", "secret = \\"${value}\\"\\n"]\n}`;
    const [f, ...rest] = scanText(text, [quoted]);
    expect(rest).toEqual([]);
    expect(f!.secret.reveal()).toBe(value);
    const column = text.split('\n')[1]!.indexOf(value) + 1;
    expect(f!.at).toEqual({ line: 2, column, endLine: 2, endColumn: column + value.length });
  });

  test('text without escaped quotes is scanned as it is', () => {
    const value = randomBody(24, 'b62', 78);
    expect(scanText(`secret = "${value}"`, [quoted]).map((f) => f.at.column)).toEqual([11]);
  });
});

describe('practice matches', () => {
  const practice = ruleDef({ id: 'practice/flag', provider: 'generic', keywords: ['flag='], practice: 'key-in-url', regex: '(flag=\\$\\{[a-z]{1,10}\\})' });
  test('each is kept once per place, and a file of thousands costs time in proportion', () => {
    const line = ['fetch(`/v1?flag=', '${v}`);\n'].join('');
    const text = line.repeat(20_000);
    const started = performance.now();
    const found = detect({ text, origin: { kind: 'file', path: 'a.js' }, lineOffset: 0 }, buildRuleSet([compileRule(practice)]));
    // a scan of the kept list per match took ~20 s here; a lookup takes well under one
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(found).toHaveLength(20_000);
    expect(new Set(found.map((f) => f.at.line)).size).toBe(20_000);
  });
});
