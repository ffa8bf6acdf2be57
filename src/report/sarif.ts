import type { Finding, ScanResult, Severity } from '../types.js';
import { commitOf, SEVERITIES } from '../types.js';
import type { ReportOptions } from './options.js';
import { checkoutPath } from './paths.js';
import { redact } from './redact.js';

export const SARIF_SCHEMA_URI = 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json';

/** The partialFingerprints key: a versioned name, so a change of scheme is a new key, not a clash. */
export const FINGERPRINT_KEY = 'keyscanFingerprint/v1';

type Level = 'error' | 'warning' | 'note';

/** CWE-798, use of hard-coded credentials: GitHub shows it as the alert's CWE tag. */
const HARDCODED_CREDENTIALS_CWE = 'external/cwe/cwe-798';

/**
 * GitHub code scanning ranks an alert by its rule's security-severity (9.0 and up critical, 7.0
 * high, 4.0 medium, below that low) and shows the result's level where it has none.
 */
export const SARIF_SEVERITY: Readonly<Record<Severity, { readonly securitySeverity: string; readonly level: Level }>> = {
  critical: { securitySeverity: '9.5', level: 'error' },
  high: { securitySeverity: '8.0', level: 'error' },
  medium: { securitySeverity: '5.5', level: 'warning' },
  low: { securitySeverity: '3.0', level: 'note' },
  info: { securitySeverity: '1.0', level: 'note' },
};

/** `openai-project-key` → `OpenaiProjectKey`: SARIF's rule name is an identifier for people. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, `%`, `#`, `?`, `:`…). */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * The remediation every finding of a rule shares. Practices append a fix for each file's language
 * ("In this file: read it with os.environ…"), so keep the whole sentences they have in common.
 */
function sharedRemediation(texts: readonly string[]): string {
  const padded = texts.map((t) => `${t} `);
  let prefix = padded[0]!;
  for (const t of padded) {
    let i = 0;
    while (i < prefix.length && i < t.length && prefix[i] === t[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const end = prefix.lastIndexOf('. ');
  if (padded.every((t) => t === prefix)) return prefix.trimEnd();
  return end > 0 ? prefix.slice(0, end + 1) : 'Each result says how to fix it in its file.';
}

function worst(severities: readonly Severity[]): Severity {
  return SEVERITIES.find((s) => severities.includes(s)) ?? 'info';
}

function ruleDescriptor(id: string, findings: readonly Finding[], result: ScanResult) {
  const first = findings[0]!;
  const severity = worst(findings.map((f) => f.severity));
  const { securitySeverity, level } = SARIF_SEVERITY[severity];
  const practice = first.kind === 'practice' ? result.practices.find((p) => p.id === first.practice) : undefined;
  const title = practice?.title ?? first.title;
  const fullDescription =
    first.kind === 'practice'
      ? `${title}: keyscan reports code that breaks this practice of the key-management guide (${id}).`
      : `${first.title}, written in clear: whoever can read the repository, its history or a build of it can use the key.`;
  return {
    id,
    name: pascalCase(id),
    shortDescription: { text: title },
    fullDescription: { text: fullDescription },
    help: { text: sharedRemediation(findings.map((f) => f.remediation)) },
    defaultConfiguration: { level },
    properties: {
      tags: first.kind === 'practice' ? ['security', 'practice'] : ['security', 'secret', HARDCODED_CREDENTIALS_CWE],
      'security-severity': securitySeverity,
      severity,
      provider: first.provider,
    },
  };
}

/** An empty region (a practice about a whole file) names the line only. */
function region(f: Finding) {
  const { line, column, endLine, endColumn } = f.at;
  if (endLine === line && endColumn <= column) return { startLine: line, endLine };
  return { startLine: line, startColumn: column, endLine, endColumn };
}

function resultProperties(f: Finding) {
  const o = commitOf(f.origin);
  return {
    severity: f.severity,
    provider: f.provider,
    remediation: f.remediation,
    ...(f.kind === 'secret' ? { practices: f.practices.map((p) => `practice/${p.id}`) } : {}),
    ...(f.kind === 'secret' && f.validation ? { validation: f.validation } : {}),
    ...(f.kind === 'secret' && f.encoding !== undefined ? { encoding: f.encoding } : {}),
    ...(o ? { commit: o.commit, author: o.author, email: o.email, date: o.date, commitMessage: o.message } : {}),
  };
}

function message(f: Finding, opts: ReportOptions): string {
  switch (f.kind) {
    case 'secret':
      return `${f.title}: ${redact(f.secret, opts, f.maskedUrl)}`;
    case 'practice':
      return `${f.title}: ${f.evidence}`;
  }
}

/**
 * SARIF 2.1.0, one run; rules are those the findings name (sorted by id), so results point at them
 * by index. Columns count UTF-16 code units and endColumn is exclusive: SARIF's defaults.
 */
export function sarif(result: ScanResult, opts: ReportOptions): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const ruleIds = [...byRule.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyscan',
            version: opts.version,
            semanticVersion: opts.version,
            rules: ruleIds.map((id) => ruleDescriptor(id, byRule.get(id)!, result)),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIndex.get(f.ruleId)!,
          level: SARIF_SEVERITY[f.severity].level,
          message: { text: message(f, opts) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: pathToUri(checkoutPath(f.origin.path, opts.displayRoot)), uriBaseId: '%SRCROOT%' },
                region: region(f),
              },
            },
          ],
          // the fingerprint is rule, file and a hash of the key: never the key, and no line number
          partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
          properties: resultProperties(f),
        })),
        properties: {
          mode: result.mode,
          practices: result.practices.map((p) => ({ id: `practice/${p.id}`, title: p.title, ok: p.violations === 0, violations: p.violations })),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
