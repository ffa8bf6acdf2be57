import { detect, type RuleSet } from './detect/detect.js';
import { withDecodedFindings } from './detect/decode.js';
import { Secret } from './secret.js';
import { readRegularFile } from './sources/bounded-read.js';
import { readFileFragment, type FileEntry, type ReadOutcome } from './sources/files.js';
import { archiveFragments, archiveKind, DEFAULT_ARCHIVE_LIMITS } from './sources/archives.js';
import { blankNotebookImages, isNotebook } from './sources/notebooks.js';
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
  /** Findings kept out by inline markers (keyscan:allow…). */
  allowed: number;
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
  /** Whether .zip/.jar/.tar.gz… members are scanned (--no-archives turns it off). */
  readonly archives: boolean;
  /** With regexes from a config: detection runs there, under a time budget (src/regex-guard.ts). */
  readonly guard?: { findingsIn(fragment: Fragment): Finding[] } | undefined;
}

export function scanSetup(set: RuleSet, maxFileSize: number, practices: PracticeContext, archives = true, guard?: ScanSetup['guard']): ScanSetup {
  return { set, rulesById: new Map(set.rules.map((r) => [r.id, r])), maxFileSize, practices, archives, guard };
}

/** An archive file itself may be larger than --max-file-size: its members are held to it. */
export const MAX_ARCHIVE_FILE_BYTES = 128 * 1024 * 1024;

function readArchive(file: FileEntry, kind: NonNullable<ReturnType<typeof archiveKind>>, setup: ScanSetup, outcome: BatchOutcome): void {
  let data: Buffer;
  try {
    const read = readRegularFile(file.abs, Math.max(setup.maxFileSize, MAX_ARCHIVE_FILE_BYTES));
    if (read.kind === 'special') return;
    if (read.kind === 'too-large') {
      outcome.skipped.push({ path: file.rel, reason: 'too-large', detail: `archive over ${Math.max(setup.maxFileSize, MAX_ARCHIVE_FILE_BYTES)} bytes` });
      return;
    }
    data = read.buffer;
  } catch (err) {
    outcome.skipped.push({ path: file.rel, reason: 'unreadable', detail: (err as NodeJS.ErrnoException).code ?? String(err) });
    return;
  }
  const read = archiveFragments(data, kind, file.rel, { ...DEFAULT_ARCHIVE_LIMITS, maxMemberBytes: setup.maxFileSize });
  outcome.files++;
  outcome.bytes += read.bytes;
  for (const s of read.skipped) outcome.skipped.push(s);
  for (const fragment of read.fragments) for (const finding of findingsIn(fragment, setup, () => outcome.allowed++)) outcome.findings.push(finding);
}

/** Source, detector and practice checks for one fragment. */
export function findingsIn(fragment: Fragment, setup: ScanSetup, onAllowed?: () => void): Finding[] {
  // the guard's worker does not report inline-marker counts: with config regexes they go uncounted
  // (it runs this function in its worker, so decoding happens there too)
  if (setup.guard) return setup.guard.findingsIn(fragment);
  const found = withDecodedFindings(fragment, setup.set, detect(fragment, setup.set, onAllowed), onAllowed);
  return applyPractices(fragment, found, setup.rulesById, setup.practices);
}

export function readBatch(files: readonly FileEntry[], setup: ScanSetup): BatchOutcome {
  const outcome: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0, allowed: 0 };
  for (const file of files) {
    const kind = setup.archives ? archiveKind(file.rel) : undefined;
    if (kind !== undefined) readArchive(file, kind, setup, outcome);
    else addOutcome(outcome, readFileFragment(file, setup.maxFileSize), setup);
  }
  return outcome;
}

export function addOutcome(outcome: BatchOutcome, read: ReadOutcome, setup: ScanSetup): BatchOutcome {
  if (read.kind === 'skipped') {
    outcome.skipped.push(read.skipped);
    return outcome;
  }
  outcome.files++;
  outcome.bytes += read.bytes;
  const fragment = isNotebook(read.fragment.origin.path) ? { ...read.fragment, text: blankNotebookImages(read.fragment.text) } : read.fragment;
  for (const finding of findingsIn(fragment, setup, () => outcome.allowed++)) outcome.findings.push(finding);
  return outcome;
}
