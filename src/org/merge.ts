// Shard reports into one: the same key (by its hash) found in several repositories is one finding
// with every place it was found. Pure: reports in, merged report out; formats below.
import { SARIF_SEVERITY_LEVEL } from './sarif-levels.js';
import { htmlChunks, type HtmlRow } from '../report/html.js';
import { codeCell, escapeCell } from '../report/markdown.js';

export interface RepoFinding {
  readonly repository: string;
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: string;
  readonly title: string;
  readonly provider: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Redacted by the scan that wrote it; never a key in clear (org scan writes no --show-secrets). */
  readonly secret: string | null;
  readonly secretHash: string;
  readonly remediation: string;
  readonly commit?: string;
}

export interface RepoReport {
  readonly repository: string;
  readonly findings: readonly RepoFinding[];
}

export interface MergedLocation {
  readonly repository: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly commit?: string;
}

export interface MergedFinding {
  readonly secretHash: string;
  readonly ruleId: string;
  readonly kind: string;
  readonly severity: string;
  readonly title: string;
  readonly provider: string;
  readonly secret: string | null;
  readonly remediation: string;
  readonly locations: readonly MergedLocation[];
}

export interface MergedReport {
  readonly tool: 'keyscan';
  readonly kind: 'org-report';
  readonly version: string;
  readonly repositories: number;
  readonly findings: readonly MergedFinding[];
  readonly totals: {
    readonly findings: number;
    readonly locations: number;
    readonly byRepository: Readonly<Record<string, number>>;
    readonly byProvider: Readonly<Record<string, number>>;
    readonly bySeverity: Readonly<Record<string, number>>;
  };
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function bump(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

/** Folds repository reports in one at a time, so a report's parsed JSON can go as soon as it is read. */
export interface Merger {
  add(report: RepoReport): void;
  finish(version: string): MergedReport;
}

type Head = Pick<RepoFinding, 'secretHash' | 'ruleId' | 'kind' | 'severity' | 'title' | 'provider' | 'secret' | 'remediation'>;

export function createMerger(): Merger {
  const byKey = new Map<string, { first: Head; locations: MergedLocation[] }>();
  const repositories = new Set<string>();
  return {
    add(report) {
      repositories.add(report.repository);
      for (const f of report.findings) {
        // practice findings have no key: they stay one per place
        const key = f.kind === 'secret' ? `s:${f.secretHash}` : `p:${f.ruleId}:${report.repository}:${f.file}:${f.line}`;
        const location: MergedLocation = { repository: report.repository, file: f.file, line: f.line, column: f.column, ...(f.commit ? { commit: f.commit } : {}) };
        const entry = byKey.get(key);
        if (entry) entry.locations.push(location);
        else {
          // only what the merged finding shows: not the whole record of the first place
          const { secretHash, ruleId, kind, severity, title, provider, secret, remediation } = f;
          byKey.set(key, { first: { secretHash, ruleId, kind, severity, title, provider, secret, remediation }, locations: [location] });
        }
      }
    },
    finish(version) {
      return finishMerge(byKey, repositories.size, version);
    },
  };
}

export function mergeReports(reports: readonly RepoReport[], version: string): MergedReport {
  const merger = createMerger();
  for (const report of reports) merger.add(report);
  return merger.finish(version);
}

function finishMerge(byKey: ReadonlyMap<string, { first: Head; locations: MergedLocation[] }>, repositories: number, version: string): MergedReport {
  const findings: MergedFinding[] = [...byKey.values()].map(({ first, locations }) => ({
    secretHash: first.secretHash,
    ruleId: first.ruleId,
    kind: first.kind,
    severity: first.severity,
    title: first.title,
    provider: first.provider,
    secret: first.secret,
    remediation: first.remediation,
    locations: locations.length === 1 ? locations : locations.sort((a, b) => (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)),
  }));
  findings.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (a.secretHash < b.secretHash ? -1 : 1));
  const byRepository: Record<string, number> = {};
  const byProvider: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  let locations = 0;
  for (const f of findings) {
    bump(byProvider, f.provider);
    bump(bySeverity, f.severity);
    for (const repo of new Set(f.locations.map((l) => l.repository))) bump(byRepository, repo);
    locations += f.locations.length;
  }
  return {
    tool: 'keyscan',
    kind: 'org-report',
    version,
    repositories,
    findings,
    totals: { findings: findings.length, locations, byRepository, byProvider, bySeverity },
  };
}

/**
 * A document whose one large array is written an element at a time: `shell` holds a placeholder
 * string where the array goes. A large report is compact (indentation would add a third to its size
 * and memory), and no object graph of the whole report exists at once.
 */
function writeLarge(shell: unknown, items: readonly unknown[], toItem: (item: never) => unknown): string[] {
  const placeholder = '"__KEYSCAN_ITEMS__"';
  const pretty = items.length <= 10_000;
  const text = pretty ? JSON.stringify(shell, null, 2) : JSON.stringify(shell);
  const at = text.indexOf(placeholder);
  const parts = items.map((item, i) => `${i === 0 ? '' : ','}${JSON.stringify(toItem(item as never), null, pretty ? 2 : undefined)}`);
  return [`${text.slice(0, at)}[`, ...parts, `]${text.slice(at + placeholder.length)}\n`];
}

export function mergedJson(report: MergedReport): string[] {
  return writeLarge({ ...report, findings: '__KEYSCAN_ITEMS__' }, report.findings, (f: MergedFinding) => f);
}

function repositoriesOf(f: MergedFinding): string[] {
  return [...new Set(f.locations.map((l) => l.repository))];
}

/** SARIF 2.1.0 with one run: a result per key, with every place as a location (`repository/file`). */
export function mergedSarif(report: MergedReport): string[] {
  const ruleIds = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const first = new Map(report.findings.map((f) => [f.ruleId, f]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyscan',
            version: report.version,
            semanticVersion: report.version,
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: first.get(id)!.title }, help: { text: first.get(id)!.remediation }, defaultConfiguration: { level: SARIF_SEVERITY_LEVEL[first.get(id)!.severity] ?? 'warning' } })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: '__KEYSCAN_ITEMS__',
      },
    ],
  };
  return writeLarge(log, report.findings, (f: MergedFinding) => {
    const repositories = repositoriesOf(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: SARIF_SEVERITY_LEVEL[f.severity] ?? 'warning',
      message: { text: `${f.title}${f.secret ? `: ${f.secret}` : ''} (${f.locations.length} place${f.locations.length === 1 ? '' : 's'} in ${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'})` },
      locations: f.locations.map((l) => ({
        physicalLocation: { artifactLocation: { uri: `${l.repository}/${l.file}`.split('/').map(encodeURIComponent).join('/') }, region: { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.column) } },
      })),
      partialFingerprints: { 'keyscan/secretHash/v1': f.secretHash },
      properties: { severity: f.severity, provider: f.provider, repositories },
    };
  });
}

function totalsLine(report: MergedReport): string {
  const sev = Object.entries(report.totals.bySeverity).map(([s, n]) => `${n} ${s}`).join(', ');
  return `${report.totals.findings} keys and practices (${sev || 'none'}) at ${report.totals.locations} places in ${Object.keys(report.totals.byRepository).length} of ${report.repositories} repositories`;
}

export function mergedMarkdown(report: MergedReport): string[] {
  const out = ['## keyscan organisation report', '', totalsLine(report), ''];
  if (report.findings.length > 0) {
    out.push('| Severity | Rule | Secret | Places |', '| --- | --- | --- | --- |');
    for (const f of report.findings) {
      const places = f.locations.slice(0, 5).map((l) => codeCell(`${l.repository}/${l.file}:${l.line}`)).join('<br>') + (f.locations.length > 5 ? `<br>and ${f.locations.length - 5} more` : '');
      out.push(`| ${escapeCell(f.severity)} | ${codeCell(f.ruleId)} | ${f.secret ? codeCell(f.secret) : ''} | ${places} |`);
    }
    out.push('', '### By repository', '', '| Repository | Findings |', '| --- | ---: |');
    for (const [repo, n] of Object.entries(report.totals.byRepository).sort(([, a], [, b]) => b - a)) out.push(`| ${escapeCell(repo)} | ${n} |`);
    out.push('', '### By provider', '', '| Provider | Findings |', '| --- | ---: |');
    for (const [p, n] of Object.entries(report.totals.byProvider).sort(([, a], [, b]) => b - a)) out.push(`| ${escapeCell(p)} | ${n} |`);
  }
  return [`${out.join('\n')}\n`];
}

export function mergedHtml(report: MergedReport): string[] {
  const rows: HtmlRow[] = report.findings.flatMap((f) =>
    f.locations.map((l) => ({ severity: f.severity, provider: f.provider, repository: l.repository, file: l.file, line: l.line, ruleId: f.ruleId, title: f.title, shown: f.secret ?? '', commit: l.commit, group: f.secretHash })),
  );
  const fixes = new Map<string, string>();
  for (const f of report.findings) if (!fixes.has(f.ruleId)) fixes.set(f.ruleId, f.remediation);
  return htmlChunks({ heading: 'keyscan organisation report', summary: [totalsLine(report)], rows, fixes, practices: [], version: report.version });
}
