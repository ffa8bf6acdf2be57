import type { Finding, ScanResult } from '../types.js';
import { commitOf } from '../types.js';
import type { ReportOptions } from './options.js';
import { displayPath } from './paths.js';
import { redact } from './redact.js';

/**
 * Text for XML content and attribute values. Characters XML 1.0 forbids (most C0 controls, lone
 * surrogates) become U+FFFD, since no escape can carry them; tabs and line breaks in attributes are
 * written as references so parsers keep them.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attributes(attrs: Record<string, string | number>): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

function details(f: Finding, opts: ReportOptions, where: string): string {
  const lines = [
    `${f.severity.toUpperCase()} ${f.title} at ${where}:${f.at.line}:${f.at.column}`,
    f.kind === 'secret' ? `secret: ${redact(f.secret, opts, f.maskedUrl)}` : `evidence: ${f.evidence}`,
    `rule: ${f.ruleId}`,
    `fix: ${f.remediation}`,
  ];
  if (f.kind === 'secret') for (const note of f.practices) if (note.id !== 'hardcoded-key') lines.push(`${note.id}: ${note.fix}`);
  const o = commitOf(f.origin);
  if (o) lines.push(`commit ${o.commit} by ${o.author} <${o.email}> on ${o.date}: ${o.message}`);
  // line breaks as themselves: in element content they survive parsing
  return lines.map((l) => escapeXml(l).replace(/&#10;/g, '\n').replace(/&#13;/g, '')).join('\n');
}

function testcase(f: Finding, opts: ReportOptions): string {
  const where = displayPath(f.origin.path, opts.displayRoot);
  const shown = f.kind === 'secret' ? redact(f.secret, opts, f.maskedUrl) : f.evidence;
  const head = attributes({ name: `${f.ruleId} at ${where}:${f.at.line}`, classname: where, file: where, line: f.at.line });
  const failure = attributes({ message: `${f.title}: ${shown}`, type: f.ruleId });
  return `    <testcase${head}>\n      <failure${failure}>${details(f, opts, where)}</failure>\n    </testcase>`;
}

/**
 * JUnit XML for CI test reports: one testsuite, one failing testcase per finding (file and line
 * in its attributes), or one passing testcase "no secrets" when the scan is clean.
 */
export function junit(result: ScanResult, opts: ReportOptions): string {
  const failures = result.findings.length;
  const tests = Math.max(failures, 1);
  const time = (result.stats.durationMs / 1000).toFixed(3);
  const cases = failures > 0 ? result.findings.map((f) => testcase(f, opts)) : [`    <testcase${attributes({ name: 'no secrets', classname: 'keyscan' })}/>`];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'keyscan', tests, failures, errors: 0, time })}>`,
    `  <testsuite${attributes({ name: 'keyscan', tests, failures, errors: 0, skipped: 0, time })}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
