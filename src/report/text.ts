import pc from 'picocolors';
import type { Finding, ScanResult, SecretFinding, Severity } from '../types.js';
import { commitOf, SEVERITIES } from '../types.js';
import type { ReportOptions } from './options.js';
import { displayPath } from './paths.js';
import { printable } from './printable.js';
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
    ...live.map((f) => `  ${c.red('●')} ${where(f, opts)}  ${printable(f.title)}  ${redact(f.secret, opts, f.maskedUrl)}${f.validation?.detail ? `  ${c.dim(printable(f.validation.detail))}` : ''}`),
    '',
  ];
}

/** `path:line:col`, from where the user stands, with control characters escaped. */
function where(f: Finding, opts: ReportOptions): string {
  return `${printable(displayPath(f.origin.path, opts.displayRoot))}:${f.at.line}:${f.at.column}`;
}

/** On a terminal, words wrapped to its width, the lines after the first indented by `indent`. */
function wrap(text: string, indent: number, columns: number | undefined): string {
  const room = columns === undefined ? Infinity : columns - 1 - indent;
  if (text.length <= room || room < 20) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Cuts `text` to `max` characters, with an ellipsis. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? '…'.slice(0, Math.max(0, max)) : `${text.slice(0, max - 1)}…`;
}

/**
 * One finding, one line: `path:line:col  SEVERITY  title  key`. On a terminal the line fits its
 * width: the title gives way first, then the path (from the left, keeping the file name).
 */
function findingLine(f: Finding, c: Colors, opts: ReportOptions): string {
  let location = where(f, opts);
  let title = printable(f.title);
  const encoded = f.kind === 'secret' && f.encoding !== undefined ? ` (${f.encoding})` : ''; // found by decoding the token there
  const shown = f.kind === 'secret' ? `${redact(f.secret, opts, f.maskedUrl)}${encoded}` : printable(f.evidence);
  const inCommit = commitOf(f.origin);
  const commit = inCommit ? `  ${inCommit.commit.slice(0, 12)}` : '';
  const severity = f.severity.toUpperCase().padEnd(8);
  const tag = f.kind === 'secret' ? validationTag(f, c) : '';
  const tagWidth = f.kind === 'secret' ? plainValidationTag(f).length : 0;
  if (opts.width !== undefined) {
    const fixed = 2 + severity.length + 2 + 2 + shown.length + commit.length + tagWidth;
    let room = opts.width - 1 - fixed - location.length;
    if (title.length > room) title = cut(title, Math.max(12, room));
    room = opts.width - 1 - fixed - title.length;
    if (location.length > room) location = `…${location.slice(location.length - Math.max(room - 1, 16))}`;
  }
  const evidence = f.kind === 'secret' ? c.magenta(shown) : c.cyan(shown);
  return `${location}  ${severityLabel(c, f.severity)}  ${c.bold(title)}  ${evidence}${c.yellow(commit)}${tag}`;
}

function plainValidationTag(f: SecretFinding): string {
  return validationTag(f, pc.createColors(false));
}

/** --verbose: under each finding, its commit, rule and fix, and the practices it breaks. */
function detailLines(f: Finding, c: Colors): string[] {
  const indent = '    ';
  const lines: string[] = [];
  const o = commitOf(f.origin);
  if (o)
    lines.push(`${indent}${c.yellow(`commit ${o.commit.slice(0, 12)}`)} ${c.dim('·')} ${printable(o.author)} <${printable(o.email)}> ${c.dim('·')} ${o.date.slice(0, 10)} ${c.dim('·')} ${printable(o.message)}`);
  lines.push(`${indent}${c.dim(f.ruleId)} ${c.dim('·')} ${printable(f.remediation)}`);
  // hard-coding is in every secret finding's remediation already; the other practices get a line each
  if (f.kind === 'secret')
    for (const note of f.practices) if (note.id !== 'hardcoded-key') lines.push(`${indent}${c.yellow(`✗ ${note.id}`)}: ${printable(note.fix)}`);
  return lines;
}

/**
 * Each rule's fix once, and each practice a finding breaks, once: what the findings above need.
 * A secret's remediation names its file ("In this file: …"); here it speaks of the rule.
 */
function howToFix(findings: readonly Finding[], c: Colors, terminalWidth: number | undefined): string[] {
  const fixes = new Map<string, string>();
  const notes = new Set<string>();
  for (const f of findings) {
    if (!fixes.has(f.ruleId)) fixes.set(f.ruleId, f.remediation.split(' In this file: ')[0]!);
    // a practice's fix names the provider's header, narrower key or how this language reads the
    // environment (hardcoded-key: read it with process.env.OPENAI_API_KEY): each distinct one once
    if (f.kind === 'secret') for (const note of f.practices) notes.add(`${note.id}\u0000${note.fix}`);
  }
  const noteRows = [...notes].map((n) => n.split('\u0000') as [string, string]);
  const width = Math.max(...[...fixes.keys(), ...noteRows.map(([id]) => id)].map((k) => k.length));
  const columns = terminalWidth;
  return [
    '',
    c.bold('How to fix'),
    ...[...fixes].map(([id, fix]) => `  ${c.dim(id.padEnd(width))}  ${wrap(printable(fix), width + 4, columns)}`),
    ...noteRows.map(([id, fix]) => `  ${c.yellow(id.padEnd(width))}  ${wrap(printable(fix), width + 4, columns)}`),
  ];
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

/** Findings one line each, grouped by file (in the order the scan sorted them); the fixes once, at the end. */
export function text(result: ScanResult, opts: ReportOptions): string {
  const c = pc.createColors(opts.color);
  const out: string[] = liveBlock(result, c, opts);
  let currentPath: string | undefined;
  for (const f of result.findings) {
    // a blank line between files: a file's findings read as one block
    if (currentPath !== undefined && f.origin.path !== currentPath) out.push('');
    currentPath = f.origin.path;
    out.push(findingLine(f, c, opts));
    if (opts.verbose) out.push(...detailLines(f, c));
  }
  if (!opts.verbose && result.findings.length > 0) out.push(...howToFix(result.findings, c, opts.width));
  if (result.mode === 'staged' && result.findings.length > 0) out.push(...stagedAdvice(c));
  if (result.mode !== 'staged' && result.practices.length > 0) out.push(...practiceLines(result, c).slice(out.length === 0 ? 1 : 0));
  if (out.length > 0) out.push('');
  out.push(summary(result, c));
  return `${out.join('\n')}\n`;
}
