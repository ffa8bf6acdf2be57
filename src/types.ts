import type { Secret } from './secret.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

/** Where a fragment's text came from. `path` is relative to the scan root, with `/` separators. */
export interface CommitInfo {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** ISO 8601, the author date. */
  readonly date: string;
  /** First line of the message; keys found in the message are masked in it (see scanGit). */
  readonly message: string;
}

export type Origin =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdin'; readonly path: string }
  | { readonly kind: 'staged'; readonly path: string }
  /** A field of an AI coding agent's hook event (`prompt`, `tool_input.command`), or the file it writes. */
  | { readonly kind: 'agent'; readonly path: string }
  | ({ readonly kind: 'commit'; readonly path: string } & CommitInfo)
  /** A commit's message; `path` is MESSAGE_PATH, line 1 is the subject. */
  | ({ readonly kind: 'message'; readonly path: string } & CommitInfo);

/** Text plus where it came from; `lineOffset` is the line number of its first line minus one. */
export interface Fragment {
  readonly text: string;
  readonly origin: Origin;
  readonly lineOffset: number;
}

/** 1-based; columns count UTF-16 code units, as SARIF's default columnKind does. */
export interface Location {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface RuleExample {
  readonly text: string;
  readonly secret: string;
  /** The file name it is scanned as, for rules restricted by `path`. */
  readonly path?: string;
}

export interface RuleAllowlist {
  readonly regexes: readonly RegExp[];
  /** What `regexes` test: the secret (default), the whole match or the line. */
  readonly regexTarget: 'secret' | 'match' | 'line';
  readonly stopwords: readonly string[];
  readonly paths: readonly RegExp[];
}

export type Checksum = 'github-crc32' | 'npm-crc32' | 'jwt' | 'decoded-value';

export interface Rule {
  readonly id: string;
  /** Set on practice rules: their matches are practice findings, not secrets. */
  readonly practice: PracticeId | undefined;
  /** For keys whose provider offers a narrower kind: what to use instead (practice/broad-scope-key). */
  readonly narrower: string | undefined;
  /** When set, only secrets it matches are of the broad kind (AKIA, not ASIA, for AWS). */
  readonly narrowerMatch: RegExp | undefined;
  /** The environment variable code should read this key from (practice/hardcoded-key). */
  readonly envVar: string | undefined;
  /** Finds what completes the key for validation in the same text (its group 1), such as a shop's host. */
  readonly context: RegExp | undefined;
  readonly provider: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediation: string;
  readonly validator: string | undefined;
  /** Lower-case; the rule runs only where one of them occurs. */
  readonly keywords: readonly string[];
  /** Finds the rule's matches (g, or y for anchored rules): no group offsets, which cost an array per match. */
  readonly regex: RegExp;
  /** `regex` with the d flag: run again only where a match survived its filters, for the secret's offsets. */
  readonly spans: RegExp;
  readonly secretGroup: number;
  readonly entropy: number | undefined;
  readonly path: RegExp | undefined;
  readonly checksum: Checksum | undefined;
  /** How far past a keyword hit (in UTF-16 units) the regex may reach; multi-line rules need more. */
  readonly windowAfter: number;
  /** Anchored rules try their (sticky) regex once per identifier or line holding a keyword hit. */
  readonly anchor: 'identifier' | 'line' | undefined;
  /** Must match (sticky) at a keyword hit's end for the rule to run for that hit (RuleDefinition.follows). */
  readonly follows: RegExp | undefined;
  readonly allowlist: RuleAllowlist;
  readonly examples: readonly RuleExample[];
  readonly negatives: readonly string[];
  /** Which file defined it, for messages. */
  readonly source: string;
}

/** The answer of --validate about one key. */
export type ValidationStatus = 'live' | 'invalid' | 'unknown' | 'unsupported';

export interface Validation {
  readonly status: ValidationStatus;
  /** ISO 8601, when the provider answered (or the attempt ended). */
  readonly checkedAt: string;
  /** Account, organisation, user or scopes the provider revealed; or why the answer is unknown. */
  readonly detail: string;
}

/** The key-management practices keyscan checks; each is reported as practice/<id>. */
export const PRACTICES = [
  'hardcoded-key',
  'key-in-url',
  'client-side-exposure',
  'dotenv-committed',
  'dotenv-not-ignored',
  'broad-scope-key',
  'leaked-in-history',
  'stale-key',
] as const;
export type PracticeId = (typeof PRACTICES)[number];

/** A practice a secret finding also breaks, with the fix for this file and provider. */
export interface PracticeNote {
  readonly id: PracticeId;
  readonly fix: string;
}

export type Finding = SecretFinding | PracticeFinding;

/** How a key inside an encoded token was written (src/detect/decode.ts). */
export type Encoding = 'base64' | 'base64url' | 'percent' | 'hex' | 'escapes';
/** Outermost first: `base64>percent` is a percent-encoded key, base64-encoded again. */
export type EncodingChain = Encoding | `${Encoding}>${Encoding}`;

export interface SecretFinding {
  readonly kind: 'secret';
  readonly ruleId: string;
  readonly title: string;
  readonly provider: string;
  readonly severity: Severity;
  readonly remediation: string;
  readonly secret: Secret;
  readonly origin: Origin;
  readonly at: Location;
  readonly fingerprint: string;
  /** Practices this key breaks besides being leaked (hard-coded, in a URL, in client code…). */
  readonly practices: readonly PracticeNote[];
  /** Set by --validate: whether the provider accepts the key now. */
  readonly validation?: Validation;
  /** What the rule's `context` regex found beside the key (no secret): a Shopify shop, say. */
  readonly context?: string;
  /** When the key is a URL's password: the URL with it masked (`postgres://app:****@db.internal`), for reports. */
  readonly maskedUrl?: string;
  /** Set when the key was found by decoding: `at` is then the encoded token's place in the text. */
  readonly encoding?: EncodingChain;
}

/** A practice broken without a key in clear: a key variable put into a URL, a public env prefix… */
export interface PracticeFinding {
  readonly kind: 'practice';
  readonly ruleId: `practice/${PracticeId}`;
  readonly practice: PracticeId;
  readonly title: string;
  readonly provider: string;
  readonly severity: Severity;
  readonly remediation: string;
  readonly origin: Origin;
  readonly at: Location;
  readonly fingerprint: string;
  /** What the rule matched (a variable, a flag, an env name): never a key's value. */
  readonly evidence: string;
}

/** `dependencies`: a node_modules directory, counted once and never walked. */
export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'symlink-loop' | 'symlink-dir' | 'symlink-outside' | 'special' | 'archive' | 'dependencies';

export interface Skipped {
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail: string;
}

export interface ScanStats {
  /** Files scanned; in git modes, file diffs. */
  readonly files: number;
  /** Commits read, in history mode. */
  readonly commits?: number;
  readonly bytes: number;
  readonly skipped: number;
  readonly durationMs: number;
  /** Findings kept out of the report, by what kept them out (`baseline`, `.keyscanignore line 4`…). */
  readonly suppressed?: Readonly<Record<string, number>>;
}

/** What an inline marker (keyscan:allow and other tools' markers) kept out, in stats.suppressed. */
export const SUPPRESSED_BY_MARKER = 'inline allow marker';

/** Adds `count` suppressions by `by` to a stats.suppressed record. */
export function addSuppressed(into: Record<string, number>, by: string, count = 1): void {
  if (count > 0) into[by] = (into[by] ?? 0) + count;
}

export type ScanMode = 'files' | 'staged' | 'history';

export interface PracticeSummary {
  readonly id: PracticeId;
  readonly title: string;
  readonly violations: number;
}

export interface ScanResult {
  readonly mode: ScanMode;
  readonly findings: readonly Finding[];
  readonly stats: ScanStats;
  /** Files not scanned and why; binary and over-size files are expected, the rest are warnings. */
  readonly skipped: readonly Skipped[];
  /** What a user must know about the scan's coverage (a shallow clone, say); printed on stderr. */
  readonly warnings: readonly string[];
  /** Each practice checked, and how many findings break it. */
  readonly practices: readonly PracticeSummary[];
}

/** The commit a finding was found in (in a file it changed, or in its message); undefined outside history. */
export function commitOf(origin: Origin): CommitInfo | undefined {
  return origin.kind === 'commit' || origin.kind === 'message' ? origin : undefined;
}
