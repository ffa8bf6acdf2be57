import type { Finding, ScanResult, Severity } from '../types.js';
import { commitOf } from '../types.js';
import type { ReportOptions } from './options.js';
import { checkoutPath } from './paths.js';
import { printable } from './printable.js';
import { redact } from './redact.js';

type Command = 'error' | 'warning' | 'notice';

const COMMAND: Readonly<Record<Severity, Command>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'warning',
  info: 'notice',
};

/** A workflow command's message: a newline would end the command, `%` starts an escape. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` (ends the properties) and `,` (separates them). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function properties(f: Finding, opts: ReportOptions): string {
  const { line, column, endLine, endColumn } = f.at;
  // columns only on a one-line span (GitHub refuses them across lines); none on an empty one
  const columns = endLine === line && endColumn > column;
  const props: [string, string | number][] = [
    // the real name, newlines percent-encoded, so GitHub finds the file; other control characters
    // escaped, as no file GitHub shows could be found by them anyway
    ['file', checkoutPath(f.origin.path, opts.displayRoot).replace(/[^\r\n]+/g, printable)],
    ['line', line],
    ...(columns ? [['col', column] as [string, number]] : []),
    ['endLine', endLine],
    ...(columns ? [['endColumn', endColumn] as [string, number]] : []),
    ['title', f.title],
  ];
  return props.map(([name, value]) => `${name}=${escapeProperty(String(value))}`).join(',');
}

function message(f: Finding, opts: ReportOptions): string {
  const what = f.kind === 'secret' ? redact(f.secret, opts, f.maskedUrl) : f.evidence;
  const lines = [`${what} (${f.ruleId})`, f.remediation];
  // hard-coding is in every secret's remediation already; the other practices get a line each
  if (f.kind === 'secret') for (const note of f.practices) if (note.id !== 'hardcoded-key') lines.push(`${note.id}: ${note.fix}`);
  const o = commitOf(f.origin);
  if (o) lines.push(`commit ${o.commit} by ${o.author} on ${o.date.slice(0, 10)}: ${o.message}`);
  // each line shown as it is, but no control character from the scanned tree reaches the log
  return lines.map(printable).join('\n');
}

/**
 * GitHub Actions workflow commands, one per finding: annotations on the pull request's files.
 * error for critical and high, warning for medium and low, notice for info.
 */
export function github(result: ScanResult, opts: ReportOptions): string {
  return result.findings.map((f) => `::${COMMAND[f.severity]} ${properties(f, opts)}::${escapeData(message(f, opts))}\n`).join('');
}
