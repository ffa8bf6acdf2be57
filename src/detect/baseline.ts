import { hashSecret } from '../fingerprint.js';
import type { Finding } from '../types.js';
import { commitOf } from '../types.js';

/** One known finding: enough to recognise it again, never the secret itself. */
export interface BaselineEntry {
  readonly ruleId: string;
  readonly file: string;
  /** For people reading the file; matching ignores it, so a moved line stays known. */
  readonly line: number;
  /** hashSecret of the secret (of the evidence, for a practice finding). */
  readonly secretHash: string;
  readonly fingerprint: string;
}

export interface Baseline {
  readonly tool: 'keyscan';
  readonly version: 1;
  readonly findings: readonly BaselineEntry[];
}

function hashOf(f: Finding): string {
  return f.kind === 'secret' ? hashSecret(f.secret.reveal()) : hashSecret(`${f.ruleId}:${f.evidence}`);
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** A baseline of these findings: sorted and stable, so it diffs well in review. */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const entries = findings.map((f) => ({ ruleId: f.ruleId, file: f.origin.path, line: f.at.line, secretHash: hashOf(f), fingerprint: f.fingerprint }));
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    const key = `${e.ruleId}\u0000${e.file}\u0000${e.secretHash}\u0000${e.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { tool: 'keyscan', version: 1, findings: unique.sort(compareEntries) };
}

/**
 * Drops the findings the baseline knows. A finding matches an entry with the same rule and secret
 * hash, preferring one in the same file (so a renamed file still matches); each entry matches one
 * finding at most, so the same key pasted into a new file is reported.
 */
export function dropBaselined(findings: readonly Finding[], baseline: Baseline): { kept: Finding[]; used: ReadonlySet<number> } {
  const open = new Map<string, number[]>();
  baseline.findings.forEach((e, i) => {
    const key = `${e.ruleId}\u0000${e.secretHash}`;
    const list = open.get(key);
    if (list) list.push(i);
    else open.set(key, [i]);
  });
  const used = new Set<number>();
  const known = new Set<Finding>();
  const pending: { f: Finding; key: string }[] = [];
  // same file first, then any file: a finding in its own file must not take a renamed file's entry
  for (const f of findings) {
    const key = `${f.ruleId}\u0000${hashOf(f)}`;
    const list = open.get(key);
    const at = list?.findIndex((i) => baseline.findings[i]!.file === f.origin.path) ?? -1;
    if (list && at !== -1) {
      used.add(list[at]!);
      list.splice(at, 1);
      known.add(f);
    } else {
      pending.push({ f, key });
    }
  }
  for (const { f, key } of pending) {
    const list = open.get(key);
    if (list && list.length > 0) {
      used.add(list.shift()!);
      known.add(f);
    }
  }
  return { kept: findings.filter((f) => !known.has(f)), used };
}

/** Checks a parsed baseline file's shape; the message names what is wrong. */
export function asBaseline(value: unknown): Baseline | string {
  const b = value as Partial<Baseline> | null;
  if (typeof b !== 'object' || b === null || b.tool !== 'keyscan' || b.version !== 1 || !Array.isArray(b.findings))
    return 'not a keyscan baseline (expected {"tool": "keyscan", "version": 1, "findings": [...]})';
  for (const [i, e] of b.findings.entries())
    if (typeof e?.ruleId !== 'string' || typeof e.file !== 'string' || typeof e.secretHash !== 'string') return `entry ${i} lacks ruleId, file or secretHash`;
  return b as Baseline;
}

/**
 * Drops findings listed in a .gitleaksignore: lines `file:rule:line` or `commit:file:rule:line`
 * (gitleaks' fingerprints), so a team switching keeps its ignores; # starts a comment.
 */
export function dropGitleaksIgnored(findings: readonly Finding[], text: string): Finding[] {
  const ignored = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    ignored.add(line);
  }
  if (ignored.size === 0) return [...findings];
  return findings.filter((f) => {
    const plain = `${f.origin.path}:${f.ruleId}:${f.at.line}`;
    if (ignored.has(plain)) return false;
    const c = commitOf(f.origin);
    return !(c && ignored.has(`${c.commit}:${plain}`));
  });
}
