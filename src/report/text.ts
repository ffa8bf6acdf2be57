import pc from 'picocolors';
import type { Finding, ScanResult, SecretFinding, Severity } from '../types.js';
import { commitOf, SEVERITIES } from '../types.js';
import type { ReportOptions } from './options.js';
import { displayPath } from './paths.js';
import { redact } from './redact.js';
import { suppressedText } from './suppressed.js';

type Colors = ReturnType<typeof pc.createColors>;

function severityLabel(c: Colors, severity: Severity): string {
  const label = severity.toUpperCase().padEnd(8);
  switch (severity) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    case 'info':
      return c.dim(label);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function plural(n: number, word: string): string {
  // not toLocaleString: loading Intl costs the pre-commit hook tens of milliseconds
  return `${String(n).replace(/\B(?=(\d{3})+$)/g, ',')} ${word}${n === 1 ? '' : 's'}`;
}

function validationTag(f: SecretFinding, c: Colors): string {
  const v = f.validation;
  if (v === undefined) return '';
  const detail = v.detail ? ` (${v.detail})` : '';
  switch (v.status) {
    case 'live':
      return `  ${c.bold(c.bgRed(c.white(' LIVE ')))}${c.red(detail)}`;
    case 'invalid':
      return `  ${c.green('revoked or invalid')}`;
    case 'unknown':
      return `  ${c.yellow(`validity unknown${detail}`)}`;
    case 'unsupported':
      return '';
  }
}

/** Live keys come first, in a block of their own: they are incidents, the rest are chores. */
function liveBlock(result: ScanResult, c: Colors, opts: ReportOptions): string[] {
  const live = result.findings.filter((f): f is SecretFinding => f.kind === 'secret' && f.validation?.status === 'live');
  if (live.length === 0) return [];
  return [
    c.bold(c.red(`${live.length} LIVE ${live.length === 1 ? 'KEY' : 'KEYS'}: the provider accepted ${live.length === 1 ? 'it' : 'them'} just now. Revoke ${live.length === 1 ? 'it' : 'them'} first.`)),
    ...live.map((f) => `  ${c.red('●')} ${displayPath(f.origin.path, opts.displayRoot)}:${f.at.line}:${f.at.column}  ${f.title}  ${redact(f.secret, opts)}${f.validation?.detail ? `  ${c.dim(f.validation.detail)}` : ''}`),
    '',
  ];
}

function findingLines(f: Finding, c: Colors, opts: ReportOptions): string[] {
  const where = `${f.at.line}:${f.at.column}`.padEnd(8);
  const indent = ' '.repeat(10);
  const shown = f.kind === 'secret' ? `  ${c.magenta(redact(f.secret, opts))}${validationTag(f, c)}` : `  ${c.cyan(f.evidence)}`;
  const lines = [`  ${c.dim(where)} ${severityLabel(c, f.severity)} ${c.bold(f.title)}${shown}`];
  const o = commitOf(f.origin);
  if (o) lines.push(`${indent} ${c.yellow(`commit ${o.commit.slice(0, 12)}`)} ${c.dim('·')} ${o.author} <${o.email}> ${c.dim('·')} ${o.date.slice(0, 10)} ${c.dim('·')} ${o.message}`);
  lines.push(`${indent} ${c.dim(f.ruleId)} ${c.dim('·')} ${f.remediation}`);
  // hard-coding is in every secret finding's remediation already; the other practices get a line each
  if (f.kind === 'secret')
    for (const note of f.practices) if (note.id !== 'hardcoded-key') lines.push(`${indent} ${c.yellow(`✗ ${note.id}`)}: ${note.fix}`);
  return lines;
}

/** The guide at a glance: one line per practice, ✓ when nothing breaks it. */
function practiceLines(result: ScanResult, c: Colors): string[] {
  const width = Math.max(...result.practices.map((p) => p.id.length));
  return [
    '',
    c.bold('Practices'),
    ...result.practices.map((p) =>
      p.violations === 0
        ? `  ${c.green('✓')} ${p.id.padEnd(width)}  ${c.dim(p.title)}`
        : `  ${c.red('✗')} ${p.id.padEnd(width)}  ${p.title} ${c.red(`(${p.violations})`)}`,
    ),
  ];
}

/** What a blocked commit needs to hear: how to fix it, how to mark a false positive, how to bypass. */
function stagedAdvice(c: Colors): string[] {
  return [
    '',
    c.bold('This commit was blocked because it adds the secrets above.'),
    '  Fix: remove each key from the file, load it from an environment variable or a secret manager,',
    '       and rotate the key at its provider: a key that reached a commit may already be copied.',
    '       Then stage the fixed file again (git add <file>), or take it out of this commit: git restore --staged <file>.',
    '  A false positive? Add a comment containing keyscan:allow on its line, or list the path in .keyscanignore.',
    `  To commit anyway: git commit --no-verify ${c.dim('(the key stays in history if you do)')}`,
  ];
}

function summary(result: ScanResult, c: Colors): string {
  const { stats, findings } = result;
  const what =
    result.mode === 'history'
      ? `${plural(stats.commits ?? 0, 'commit')}, ${plural(stats.files, 'file change')}`
      : result.mode === 'staged'
        ? `${plural(stats.files, 'staged file')}`
        : plural(stats.files, 'file');
  const scanned = `${what} (${formatBytes(stats.bytes)}) scanned in ${(stats.durationMs / 1000).toFixed(2)} s`;
  const skippedByReason = new Map<string, number>();
  for (const s of result.skipped) skippedByReason.set(s.reason, (skippedByReason.get(s.reason) ?? 0) + 1);
  const skipped =
    stats.skipped > 0
      ? ` · ${stats.skipped} skipped (${[...skippedByReason].map(([reason, n]) => `${n} ${reason.replace('-', ' ')}`).join(', ')})`
      : '';
  const hidden = suppressedText(stats);
  const suppressed = hidden === '' ? '' : ` · ${c.yellow(hidden)}`;
  if (findings.length === 0) return `${c.green('✓ No secrets found')} · ${scanned}${skipped}${suppressed}`;
  const files = new Set(findings.map((f) => f.origin.path)).size;
  const bySeverity = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return `${c.red(c.bold(`✗ ${plural(findings.length, 'finding')}`))} (${bySeverity}) in ${plural(files, 'file')} · ${scanned}${skipped}${suppressed}`;
}

/** Findings grouped by file, in the order they arrive (sorted by the scan). */
export function text(result: ScanResult, opts: ReportOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = liveBlock(result, c, opts);
  let currentPath: string | undefined;
  for (const f of result.findings) {
    if (f.origin.path !== currentPath) {
      if (currentPath !== undefined) out.push('');
      currentPath = f.origin.path;
      out.push(c.underline(displayPath(currentPath, opts.displayRoot)));
    }
    out.push(...findingLines(f, c, opts));
  }
  if (result.mode === 'staged' && result.findings.length > 0) out.push(...stagedAdvice(c));
  if (result.mode !== 'staged' && result.practices.length > 0) out.push(...practiceLines(result, c).slice(out.length === 0 ? 1 : 0));
  if (out.length > 0) out.push('');
  out.push(summary(result, c));
  return `${out.join('\n')}\n`;
}
