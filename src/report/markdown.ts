import type { Finding, ScanResult } from '../types.js';
import { commitOf, SEVERITIES } from '../types.js';
import type { ReportOptions } from './options.js';
import { displayPath } from './paths.js';
import { printable } from './printable.js';
import { redact } from './redact.js';
import { suppressedText } from './suppressed.js';

/**
 * Text for a table cell: a pipe would end the cell, a backtick open code, `*`, `_`, `[`, `<`, `&`,
 * `$` format, link or open HTML, entities and math; CommonMark shows a backslash-escaped character
 * as itself. A line break would end the row.
 */
export function escapeCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&$]/g, '\\$&').replace(/\r\n?|\n/g, ' ');
}

/**
 * Text as code in a table cell: fenced by more backticks than it holds in a row (padded when it
 * starts or ends with one), pipes escaped (GitHub and GitLab split cells before reading code).
 */
export function codeCell(text: string): string {
  const body = text.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function plural(n: number, word: string): string {
  return `${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} ${word}${n === 1 ? '' : 's'}`;
}

function scanned(result: ScanResult): string {
  const { stats } = result;
  const what =
    result.mode === 'history'
      ? `${plural(stats.commits ?? 0, 'commit')}, ${plural(stats.files, 'file change')}`
      : plural(stats.files, result.mode === 'staged' ? 'staged file' : 'file');
  const hidden = suppressedText(stats);
  return `${what} scanned${stats.skipped > 0 ? `, ${stats.skipped} skipped` : ''}${hidden === '' ? '' : ` · ⚠️ ${escapeCell(hidden)}`}`;
}

function summaryLine(result: ScanResult): string {
  const { findings } = result;
  if (findings.length === 0) return `✅ No secrets found · ${scanned(result)}`;
  const files = new Set(findings.map((f) => f.origin.path)).size;
  const bySeverity = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return `❌ **${plural(findings.length, 'finding')}** (${bySeverity}) in ${plural(files, 'file')} · ${scanned(result)}`;
}

function row(f: Finding, opts: ReportOptions): string {
  const where = `${printable(displayPath(f.origin.path, opts.displayRoot))}:${f.at.line}`;
  const shown = f.kind === 'secret' ? redact(f.secret, opts, f.maskedUrl) : printable(f.evidence);
  const c = commitOf(f.origin);
  const commit = c ? ` (commit ${codeCell(c.commit.slice(0, 12))})` : '';
  return `| ${escapeCell(f.severity)} | ${codeCell(where)}${commit} | ${codeCell(f.ruleId)} | ${escapeCell(printable(f.title))} | ${codeCell(shown)} |`;
}

/**
 * A job summary ($GITHUB_STEP_SUMMARY) or merge-request note: a heading, a one-line summary, a
 * table of findings and the practices. Every cell is escaped, redacted unless --show-secrets.
 */
export function markdown(result: ScanResult, opts: ReportOptions): string {
  const out = ['## keyscan', '', summaryLine(result)];
  if (result.findings.length > 0)
    out.push('', '| Severity | Location | Rule | Title | Secret |', '| --- | --- | --- | --- | --- |', ...result.findings.map((f) => row(f, opts)));
  if (result.practices.length > 0) {
    out.push('', '### Practices', '', '| | Practice | Guideline | Violations |', '| --- | --- | --- | ---: |');
    for (const p of result.practices) out.push(`| ${p.violations === 0 ? '✅' : '❌'} | ${escapeCell(p.id)} | ${escapeCell(p.title)} | ${p.violations} |`);
  }
  return `${out.join('\n')}\n`;
}
