import { commitOf, type Finding, type ScanResult } from '../types.js';
import type { ReportOptions } from './options.js';
import { displayPath } from './paths.js';
import { redact } from './redact.js';
import { suppressedText } from './suppressed.js';

/** One table row: a finding at one place. Plain strings, already redacted. */
export interface HtmlRow {
  readonly severity: string;
  readonly provider: string;
  readonly repository: string | undefined;
  readonly file: string;
  readonly line: number;
  readonly ruleId: string;
  readonly title: string;
  readonly shown: string;
  readonly commit: string | undefined;
  /** Rows of one key share a group (an org report's key found in several places). */
  readonly group: string;
}

export interface HtmlPage {
  readonly heading: string;
  readonly summary: readonly string[];
  readonly rows: readonly HtmlRow[];
  /** Rule id → its fix, shown once per rule. */
  readonly fixes: ReadonlyMap<string, string>;
  readonly practices: readonly { readonly id: string; readonly title: string; readonly violations: number }[];
  readonly version: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function options(values: readonly string[]): string {
  return [...new Set(values)].sort().map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('');
}

// Sorting and filtering, inline: the file opens from disk with no network (the CSP forbids it).
const SCRIPT = `
(() => {
  const body = document.querySelector('#findings tbody');
  const rows = [...body.rows];
  const count = document.getElementById('shown');
  const filters = [...document.querySelectorAll('[data-filter]')];
  function apply() {
    let shown = 0;
    for (const row of rows) {
      const ok = filters.every((f) => {
        const v = f.value.trim().toLowerCase();
        if (v === '') return true;
        const cell = (row.dataset[f.dataset.filter] || '').toLowerCase();
        return f.tagName === 'SELECT' ? cell === v : cell.includes(v);
      });
      row.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = String(shown);
  }
  for (const f of filters) f.addEventListener('input', apply);
  for (const th of document.querySelectorAll('#findings th[data-key]')) {
    const button = th.querySelector('button');
    button.addEventListener('click', () => {
      const key = th.dataset.key;
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of document.querySelectorAll('#findings th')) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const value = (r) => (key === 'line' || key === 'rank' ? Number(r.dataset[key]) : (r.dataset[key] || ''));
      rows.sort((a, b) => { const x = value(a), y = value(b); return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1); });
      for (const r of rows) body.appendChild(r);
    });
  }
  apply();
})();
`;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.sev{font-weight:600;text-transform:uppercase;font-size:12px}.sev-critical{color:#a40e26}.sev-high{color:#bc4c00}.sev-medium{color:#9a6700}.sev-low,.sev-info{color:#57606a}
.filters{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}label{display:flex;flex-direction:column;font-size:12px;color:#57606a}
.ok{color:#1a7f37}.bad{color:#a40e26}
`;

/** The page as pieces in order (the table's rows one by one), so a large one can be written without one string of it all. */
export function htmlChunks(page: HtmlPage): string[] {
  const withRepo = page.rows.some((r) => r.repository !== undefined);
  const head = [
    ['rank', 'Severity'],
    ['provider', 'Provider'],
    ...(withRepo ? [['repository', 'Repository']] : []),
    ['file', 'File'],
    ['line', 'Line'],
    ['rule', 'Rule'],
    ['secret', 'Secret'],
  ];
  const rows = page.rows.map((r) => {
    const data = `data-rank="${SEVERITY_ORDER[r.severity] ?? 9}" data-severity="${escapeHtml(r.severity)}" data-provider="${escapeHtml(r.provider)}" data-repository="${escapeHtml(r.repository ?? '')}" data-file="${escapeHtml(r.file)}" data-line="${r.line}" data-rule="${escapeHtml(r.ruleId)}" data-secret="${escapeHtml(r.shown)}" data-group="${escapeHtml(r.group)}"`;
    const cells = [
      `<td class="sev sev-${escapeHtml(r.severity)}">${escapeHtml(r.severity)}</td>`,
      `<td>${escapeHtml(r.provider)}</td>`,
      ...(withRepo ? [`<td>${escapeHtml(r.repository ?? '')}</td>`] : []),
      `<td><code>${escapeHtml(r.file)}</code>${r.commit ? `<br><small>commit <code>${escapeHtml(r.commit.slice(0, 12))}</code></small>` : ''}</td>`,
      `<td>${r.line}</td>`,
      `<td><a href="#fix-${escapeHtml(r.ruleId)}">${escapeHtml(r.ruleId)}</a><br><small>${escapeHtml(r.title)}</small></td>`,
      `<td><code>${escapeHtml(r.shown)}</code></td>`,
    ];
    return `<tr ${data}>${cells.join('')}</tr>`;
  });
  const select = (key: string, label: string, values: readonly string[]): string =>
    `<label>${label}<select data-filter="${key}"><option value="">all</option>${options(values)}</select></label>`;
  const fixes = [...page.fixes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, fix]) => `<dt id="fix-${escapeHtml(id)}"><code>${escapeHtml(id)}</code></dt><dd>${escapeHtml(fix)}</dd>`);
  const practices = page.practices.map((p) => `<tr><td class="${p.violations === 0 ? 'ok' : 'bad'}">${p.violations === 0 ? '&#10003;' : '&#10007;'}</td><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.title)}</td><td>${p.violations}</td></tr>`);
  const top = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.heading)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.heading)}</h1>
${page.summary.map((s) => `<p>${escapeHtml(s)}</p>`).join('\n')}
<h2>Findings</h2>
<div class="filters" role="search" aria-label="Filter findings">
${select('severity', 'Severity', page.rows.map((r) => r.severity))}
${select('provider', 'Provider', page.rows.map((r) => r.provider))}
${withRepo ? select('repository', 'Repository', page.rows.map((r) => r.repository ?? '')) : ''}
<label>File contains<input type="search" data-filter="file"></label>
</div>
<p><span id="shown">${page.rows.length}</span> of ${page.rows.length} findings shown.</p>
<table id="findings">
<caption>Findings, one row per place; secrets redacted</caption>
<thead><tr>${head.map(([key, label]) => `<th scope="col" data-key="${key}"><button type="button">${label}</button></th>`).join('')}</tr></thead>
<tbody>
`;
  const bottom = `
</tbody>
</table>
${fixes.length > 0 ? `<h2>How to fix</h2>\n<dl>${fixes.join('')}</dl>` : ''}
${practices.length > 0 ? `<h2>Practices</h2>\n<table id="practices"><caption>Key-management practices checked</caption><thead><tr><th scope="col">OK</th><th scope="col">Practice</th><th scope="col">Guideline</th><th scope="col">Violations</th></tr></thead><tbody>${practices.join('')}</tbody></table>` : ''}
<p><small>keyscan ${escapeHtml(page.version)}</small></p>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
  return [top, ...rows.map((r) => `${r}\n`), bottom];
}

/** A self-contained page: data in the table, no external script, style, font or image. */
export function htmlPage(page: HtmlPage): string {
  return htmlChunks(page).join('');
}

function shownOf(f: Finding, opts: ReportOptions): string {
  return f.kind === 'secret' ? redact(f.secret, opts) : f.evidence;
}

/** `--format html` / `--report html=file` for a scan. */
export function html(result: ScanResult, opts: ReportOptions): string {
  const fixes = new Map<string, string>();
  for (const f of result.findings) if (!fixes.has(f.ruleId)) fixes.set(f.ruleId, f.remediation);
  const hidden = suppressedText(result.stats);
  return htmlPage({
    heading: 'keyscan report',
    summary: [
      `${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} · ${result.stats.files} file${result.stats.files === 1 ? '' : 's'} scanned (${result.mode})`,
      ...(hidden === '' ? [] : [hidden]),
    ],
    rows: result.findings.map((f) => ({
      severity: f.severity,
      provider: f.provider,
      repository: undefined,
      file: displayPath(f.origin.path, opts.displayRoot),
      line: f.at.line,
      ruleId: f.ruleId,
      title: f.title,
      shown: shownOf(f, opts),
      commit: commitOf(f.origin)?.commit,
      group: f.fingerprint,
    })),
    fixes,
    practices: result.practices.map((p) => ({ id: `practice/${p.id}`, title: p.title, violations: p.violations })),
    version: opts.version,
  });
}
