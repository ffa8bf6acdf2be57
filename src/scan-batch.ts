import { detect, type RuleSet } from './detect/detect.js';
import { Secret } from './secret.js';
import { readFileFragment, type FileEntry, type ReadOutcome } from './sources/files.js';
import type { Finding, PracticeFinding, SecretFinding, Skipped } from './types.js';

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
}

export type PlainFinding = (Omit<SecretFinding, 'secret'> & { readonly secret: string }) | PracticeFinding;

export function toPlainFinding(finding: Finding): PlainFinding {
  return finding.kind === 'secret' ? { ...finding, secret: finding.secret.reveal() } : finding;
}

export function fromPlainFinding(plain: PlainFinding): Finding {
  return plain.kind === 'secret' ? { ...plain, secret: new Secret(plain.secret) } : plain;
}

export function readBatch(files: readonly FileEntry[], set: RuleSet, maxFileSize: number): BatchOutcome {
  const outcome: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0 };
  for (const file of files) addOutcome(outcome, readFileFragment(file, maxFileSize), set);
  return outcome;
}

export function addOutcome(outcome: BatchOutcome, read: ReadOutcome, set: RuleSet): BatchOutcome {
  if (read.kind === 'skipped') {
    outcome.skipped.push(read.skipped);
    return outcome;
  }
  outcome.files++;
  outcome.bytes += read.bytes;
  for (const finding of detect(read.fragment, set)) outcome.findings.push(finding);
  return outcome;
}
