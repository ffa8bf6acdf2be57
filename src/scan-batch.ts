import { detect, type RuleSet } from './detect/detect.js';
import { Secret } from './secret.js';
import { readFileFragment, type FileEntry, type ReadOutcome } from './sources/files.js';
import { applyPractices, type PracticeContext } from './practices/apply.js';
import type { Finding, Fragment, PracticeFinding, Rule, SecretFinding, Skipped } from './types.js';

export interface BatchRequest {
  readonly id: number;
  readonly files: readonly FileEntry[];
}

/** An accumulator: a batch's findings, skips and counts. */
export interface BatchOutcome {
  findings: Finding[];
  skipped: Skipped[];
  files: number;
  bytes: number;
  /** What the time budget of config regexes stopped, from pool workers (src/regex-guard.ts). */
  warnings?: string[];
}

export type PlainFinding = (Omit<SecretFinding, 'secret'> & { readonly secret: string }) | PracticeFinding;

export function toPlainFinding(finding: Finding): PlainFinding {
  return finding.kind === 'secret' ? { ...finding, secret: finding.secret.reveal() } : finding;
}

export function fromPlainFinding(plain: PlainFinding): Finding {
  return plain.kind === 'secret' ? { ...plain, secret: new Secret(plain.secret) } : plain;
}

/** What scanning a file needs besides the file: rules, limits, and the practice checks' context. */
export interface ScanSetup {
  readonly set: RuleSet;
  readonly rulesById: ReadonlyMap<string, Rule>;
  readonly maxFileSize: number;
  readonly practices: PracticeContext;
  /** With regexes from a config: detection runs there, under a time budget (src/regex-guard.ts). */
  readonly guard?: { findingsIn(fragment: Fragment): Finding[] } | undefined;
}

export function scanSetup(set: RuleSet, maxFileSize: number, practices: PracticeContext, guard?: ScanSetup['guard']): ScanSetup {
  return { set, rulesById: new Map(set.rules.map((r) => [r.id, r])), maxFileSize, practices, guard };
}

/** Source, detector and practice checks for one fragment. */
export function findingsIn(fragment: Fragment, setup: ScanSetup): Finding[] {
  if (setup.guard) return setup.guard.findingsIn(fragment);
  const found = detect(fragment, setup.set);
  return applyPractices(fragment, found, setup.rulesById, setup.practices);
}

export function readBatch(files: readonly FileEntry[], setup: ScanSetup): BatchOutcome {
  const outcome: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0 };
  for (const file of files) addOutcome(outcome, readFileFragment(file, setup.maxFileSize), setup);
  return outcome;
}

export function addOutcome(outcome: BatchOutcome, read: ReadOutcome, setup: ScanSetup): BatchOutcome {
  if (read.kind === 'skipped') {
    outcome.skipped.push(read.skipped);
    return outcome;
  }
  outcome.files++;
  outcome.bytes += read.bytes;
  for (const finding of findingsIn(read.fragment, setup)) outcome.findings.push(finding);
  return outcome;
}
