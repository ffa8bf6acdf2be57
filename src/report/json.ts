import type { Finding, ScanResult } from '../types.js';
import { commitOf } from '../types.js';
import type { ReportOptions } from './options.js';
import { redact } from './redact.js';
import { suppressedTotal } from './suppressed.js';

function commitFields(f: Finding) {
  const o = commitOf(f.origin);
  return o ? { commit: o.commit, author: o.author, email: o.email, date: o.date, message: o.message } : {};
}

function record(f: Finding, opts: ReportOptions) {
  return {
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    provider: f.provider,
    file: f.origin.path,
    line: f.at.line,
    column: f.at.column,
    endLine: f.at.endLine,
    endColumn: f.at.endColumn,
    secret: f.kind === 'secret' ? redact(f.secret, opts, f.maskedUrl) : null,
    ...(f.kind === 'practice' ? { evidence: f.evidence } : {}),
    ...(f.kind === 'secret' && f.encoding !== undefined ? { encoding: f.encoding } : {}),
    fingerprint: f.fingerprint,
    remediation: f.remediation,
    ...(f.kind === 'secret' ? { practices: f.practices.map((p) => `practice/${p.id}`) } : {}),
    ...(f.kind === 'secret' && f.validation ? { validation: f.validation } : {}),
    ...commitFields(f),
  };
}

export function json(result: ScanResult, opts: ReportOptions): string {
  const skippedReasons: Record<string, number> = {};
  for (const s of result.skipped) skippedReasons[s.reason] = (skippedReasons[s.reason] ?? 0) + 1;
  const doc = {
    tool: 'keyscan',
    version: opts.version,
    findings: result.findings.map((f) => record(f, opts)),
    mode: result.mode,
    practices: result.practices.map((p) => ({ id: `practice/${p.id}`, title: p.title, ok: p.violations === 0, violations: p.violations })),
    stats: { ...result.stats, skippedReasons, suppressed: { total: suppressedTotal(result.stats), by: result.stats.suppressed ?? {} } },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
