import { KeyscanError } from '../errors.js';
import { PRACTICES, SEVERITIES, type Checksum, type PracticeId, type Severity } from '../types.js';

/** A rule as written in TOML: plain data, so it crosses to worker threads as it is. */
export interface RuleDefinition {
  readonly id: string;
  readonly provider: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediation: string;
  readonly validator?: string | undefined;
  readonly regex: string;
  readonly secretGroup?: number | undefined;
  readonly entropy?: number | undefined;
  readonly keywords: readonly string[];
  readonly path?: string | undefined;
  readonly checksum?: Checksum | undefined;
  readonly window?: number | undefined;
  readonly anchor?: Anchor | undefined;
  /**
   * A regex that must match (sticky) where a keyword hit ends before the rule runs for that hit: a
   * cheap necessary condition (the operator after a name, say) that spares the full regex at most
   * hits. Every match of the rule must meet it; the rule's examples and test/detect/follows.test.ts prove it.
   */
  readonly follows?: string | undefined;
  readonly practice?: PracticeId | undefined;
  readonly narrower?: string | undefined;
  readonly narrowerMatch?: string | undefined;
  readonly envVar?: string | undefined;
  /** A regex whose group 1, found anywhere in the same text, completes the key for validation (a Shopify shop). */
  readonly context?: string | undefined;
  readonly allowlist?: AllowlistDefinition | undefined;
  /** `path`: the file name the example is scanned as (for rules restricted by `path`). */
  readonly examples: readonly { readonly text: string; readonly secret: string; readonly path?: string }[];
  readonly negatives: readonly string[];
  readonly source: string;
  /** Set by the build's rule cache: regex and secretGroup were checked when it was written. */
  readonly checked?: boolean;
}

export interface AllowlistDefinition {
  readonly regexes?: readonly string[];
  readonly regexTarget?: 'secret' | 'match' | 'line';
  readonly stopwords?: readonly string[];
  readonly paths?: readonly string[];
}

/**
 * Where an anchored rule's regex is tried: once, at the start of the identifier or of the line that
 * holds each keyword hit, instead of at every position of a window. For rules whose keywords are
 * common words (token, secret, password), that is the difference between a pass over every file and
 * a few attempts per hit.
 */
export type Anchor = 'identifier' | 'line';
const ANCHORS: readonly Anchor[] = ['identifier', 'line'];
const CHECKSUMS: readonly Checksum[] = ['github-crc32', 'npm-crc32', 'jwt', 'decoded-value'];
const RULE_KEYS = new Set([
  'id', 'provider', 'description', 'severity', 'remediation', 'validator', 'regex', 'secretGroup',
  'entropy', 'keywords', 'path', 'checksum', 'window', 'anchor', 'allowlist', 'examples', 'negatives', 'practice', 'narrower', 'narrowerMatch', 'envVar', 'context', 'follows',
]);
const ALLOWLIST_KEYS = new Set(['regexes', 'regexTarget', 'stopwords', 'paths', 'description']);

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Checks one `[[rules]]` table and returns it typed. `where` names the file and rule for messages,
 * so a bad rule file says exactly which key to fix.
 */
export function parseRuleTable(table: unknown, source: string, index: number): RuleDefinition {
  const where = (key?: string): string => {
    const id = isTable(table) && typeof table['id'] === 'string' ? table['id'] : `#${index + 1}`;
    return `${source}: rule ${id}${key ? `: ${key}` : ''}`;
  };
  const fail = (key: string, what: string): never => {
    throw new KeyscanError('RULES', `${where(key)} ${what}`);
  };
  if (!isTable(table)) fail('', 'must be a table');
  const t = table as Table;
  for (const key of Object.keys(t)) if (!RULE_KEYS.has(key)) fail(key, 'is not a known rule key');

  const str = (key: string, required: boolean): string | undefined => {
    const v = t[key];
    if (v === undefined) return required ? fail(key, 'is required') : undefined;
    if (typeof v !== 'string' || (required && v.trim() === '')) return fail(key, 'must be a non-empty string');
    return v;
  };
  const strings = (key: string, from: Table = t): string[] => {
    const v = from[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return fail(key, 'must be an array of strings');
    return v as string[];
  };
  const num = (key: string): number | undefined => {
    const v = t[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' && typeof v !== 'bigint') return fail(key, 'must be a number');
    return Number(v);
  };

  const id = str('id', true)!;
  if (!/^[a-z0-9][a-z0-9._/-]*$/.test(id)) fail('id', 'must be lower-case letters, digits, ".", "_", "/" or "-"');
  const severity = str('severity', true)! as Severity;
  if (!SEVERITIES.includes(severity)) fail('severity', `must be one of ${SEVERITIES.join(', ')}`);
  const practice = str('practice', false) as PracticeId | undefined;
  if (practice !== undefined && !PRACTICES.includes(practice)) fail('practice', `must be one of ${PRACTICES.join(', ')}`);
  if (practice !== undefined && !id.startsWith(`practice/${practice}`)) fail('id', `of a practice rule must start with practice/${practice}`);
  const envVar = str('envVar', false);
  if (envVar !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(envVar)) fail('envVar', 'must be an environment variable name (A-Z, 0-9, _)');
  const anchor = str('anchor', false) as Anchor | undefined;
  if (anchor !== undefined && !ANCHORS.includes(anchor)) fail('anchor', `must be one of ${ANCHORS.join(', ')}`);
  const checksum = str('checksum', false) as Checksum | undefined;
  if (checksum !== undefined && !CHECKSUMS.includes(checksum)) fail('checksum', `must be one of ${CHECKSUMS.join(', ')}`);
  const keywords = strings('keywords');
  if (keywords.length === 0) fail('keywords', 'must list at least one keyword');
  if (keywords.some((k) => k.length < 2)) fail('keywords', 'must each be at least 2 characters');

  const examples = ((): { text: string; secret: string; path?: string }[] => {
    const v = t['examples'];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail('examples', 'must be an array of { text, secret } tables');
    return v.map((e, i) => {
      if (!isTable(e) || typeof e['text'] !== 'string' || typeof e['secret'] !== 'string')
        return fail(`examples[${i}]`, 'must be a table with string keys text and secret');
      if (e['path'] !== undefined && typeof e['path'] !== 'string') return fail(`examples[${i}].path`, 'must be a string');
      return typeof e['path'] === 'string' ? { text: e['text'], secret: e['secret'], path: e['path'] } : { text: e['text'], secret: e['secret'] };
    });
  })();

  let allowlist: AllowlistDefinition | undefined;
  if (t['allowlist'] !== undefined) {
    const a = t['allowlist'];
    if (!isTable(a)) return fail('allowlist', 'must be a table');
    for (const key of Object.keys(a)) if (!ALLOWLIST_KEYS.has(key)) fail(`allowlist.${key}`, 'is not a known allowlist key');
    const regexTarget = a['regexTarget'] ?? 'secret';
    if (regexTarget !== 'secret' && regexTarget !== 'match' && regexTarget !== 'line')
      fail('allowlist.regexTarget', 'must be "secret", "match" or "line"');
    allowlist = {
      regexes: strings('regexes', a),
      regexTarget: regexTarget as 'secret' | 'match' | 'line',
      stopwords: strings('stopwords', a),
      paths: strings('paths', a),
    };
  }

  const secretGroup = num('secretGroup');
  if (secretGroup !== undefined && (!Number.isInteger(secretGroup) || secretGroup < 0)) fail('secretGroup', 'must be a whole number');
  const window = num('window');
  if (window !== undefined && (!Number.isInteger(window) || window < 16 || window > 65536)) fail('window', 'must be a whole number from 16 to 65536');

  return {
    id,
    provider: str('provider', true)!,
    description: str('description', true)!,
    severity,
    remediation: str('remediation', true)!,
    validator: str('validator', false),
    regex: str('regex', true)!,
    secretGroup,
    entropy: num('entropy'),
    keywords,
    path: str('path', false),
    checksum,
    window,
    anchor,
    follows: str('follows', false),
    practice,
    narrower: str('narrower', false),
    narrowerMatch: str('narrowerMatch', false),
    context: str('context', false),
    envVar,
    allowlist,
    examples,
    negatives: strings('negatives'),
    source,
  };
}
