import { Secret } from '../secret.js';
import type { Finding, Fragment, Location, Rule } from '../types.js';
import { hasAllowMarker } from './allow.js';
import { safeEvidence } from './evidence.js';
import { nearestContext } from './context.js';
import { passesChecksum } from './checksum.js';
import { shannonEntropy } from './entropy.js';
import { fingerprintOf } from '../fingerprint.js';
import { lineIndexAt, lineStarts, lineText, locate } from '../location.js';
import { isPlaceholder } from './placeholder.js';
import { buildPrefilter, type Prefilter } from './prefilter.js';
import { maskedUrlAround } from './url-parts.js';

/** How far before a keyword a match may start: a secret's name or prefix sits just before it. */
const WINDOW_BEFORE = 192;
/** A window edge never cuts a token: it moves at most this far to the token's end. */
const SNAP_LIMIT = 256;

/** What a hit of one keyword sets in motion, split by how each rule runs. */
interface KeywordPlan {
  readonly length: number;
  readonly byIdentifier: readonly number[];
  readonly byLine: readonly number[];
  readonly byWindow: readonly number[];
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly prefilter: Prefilter;
  readonly plans: readonly KeywordPlan[];
  /** Scratch space reused across fragments; detect() is synchronous, so one set is never shared. */
  readonly scratch: { windows: number[][]; touched: number[]; isTouched: Uint8Array };
}

export function buildRuleSet(rules: readonly Rule[]): RuleSet {
  const keywordIndex = new Map<string, number>();
  const rulesByKeyword: number[][] = [];
  rules.forEach((rule, r) => {
    for (const kw of rule.keywords) {
      let k = keywordIndex.get(kw);
      if (k === undefined) {
        k = rulesByKeyword.length;
        keywordIndex.set(kw, k);
        rulesByKeyword.push([]);
      }
      rulesByKeyword[k]!.push(r);
    }
  });
  const keywords = [...keywordIndex.keys()];
  const plans = rulesByKeyword.map((list, k) => ({
    length: keywords[k]!.length,
    byIdentifier: list.filter((r) => rules[r]!.anchor === 'identifier'),
    byLine: list.filter((r) => rules[r]!.anchor === 'line'),
    byWindow: list.filter((r) => rules[r]!.anchor === undefined),
  }));
  return {
    rules,
    prefilter: buildPrefilter(keywords),
    plans,
    scratch: { windows: rules.map(() => []), touched: [], isTouched: new Uint8Array(rules.length) },
  };
}

/** How far back an anchor may be from its keyword: past that, the hit is not in a name or a line we read. */
const ANCHOR_REACH_IDENTIFIER = 64;
const ANCHOR_REACH_LINE = 512;

function isNameChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45 || code === 46
  );
}

/** Start of the name (letters, digits, _ - .) that holds the keyword starting at `at`. */
function identifierStart(text: string, at: number): number {
  let i = at;
  for (const limit = Math.max(0, at - ANCHOR_REACH_IDENTIFIER); i > limit && isNameChar(text.charCodeAt(i - 1)); ) i--;
  return i;
}

function lineStart(text: string, at: number): number {
  let i = at;
  for (const limit = Math.max(0, at - ANCHOR_REACH_LINE); i > limit && text.charCodeAt(i - 1) !== 10; ) i--;
  return i;
}

function isTokenChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 95 || code === 45 || code === 43 || code === 47 || code === 61 || code === 46
  );
}

interface Candidate {
  readonly rule: number;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

function pathOf(fragment: Fragment): string {
  return fragment.origin.path;
}

/** The text with each backslash before a double quote dropped, and where (in the view) they were. */
export function withoutQuoteEscapes(text: string): { text: string; removedAt: number[] } {
  if (!text.includes('\\"')) return { text, removedAt: [] };
  const removedAt: number[] = [];
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\\"'); i !== -1; i = text.indexOf('\\"', i + 2)) {
    out += text.slice(from, i);
    removedAt.push(out.length);
    from = i + 1;
  }
  return { text: out + text.slice(from), removedAt };
}

/** A view offset's place in the original text: later by the backslashes dropped at or before it. */
function toOriginal(removedAt: readonly number[], offset: number): number {
  let lo = 0;
  let hi = removedAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (removedAt[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return offset + lo;
}

function contextOf(rule: Rule, text: string, c: { start: number; end: number }): { context?: string } {
  const found = rule.context === undefined ? undefined : nearestContext(rule.context, text, c.start, c.end);
  return found === undefined ? {} : { context: found };
}

/** How far from the secret an allow marker on its line counts: a minified line can be megabytes. */
const MARKER_REACH = 2048;

/** A keyscan:allow (or another tool's marker) on the secret's first or last line, near the secret. */
function isAllowedInline(text: string, starts: readonly number[], at: Location, lineOffset: number, c: { start: number; end: number }): boolean {
  const first = at.line - lineOffset - 1;
  const last = at.endLine - lineOffset - 1;
  const lineEnd = (i: number): number => (i + 1 < starts.length ? starts[i + 1]! - 1 : text.length);
  const near = (i: number): string => text.slice(Math.max(starts[i]!, c.start - MARKER_REACH), Math.min(lineEnd(i), c.end + MARKER_REACH));
  return hasAllowMarker(near(first)) || (last !== first && hasAllowMarker(near(last)));
}

/** Whether the secret carries one of the rule's keywords itself (a prefixed token), not just its context. */
function isSelfIdentifying(c: Candidate, rule: Rule): boolean {
  const lower = c.secret.toLowerCase();
  return rule.keywords.some((k) => lower.includes(k));
}

/**
 * Most specific wins: a provider's rule over a generic one, then a token that names itself (a
 * prefix such as ghp_) over a value known only by its context, then the longer keyword, then the
 * longer secret.
 */
function isMoreSpecific(a: Candidate, b: Candidate, rules: readonly Rule[]): boolean {
  const ra = rules[a.rule]!;
  const rb = rules[b.rule]!;
  const ga = ra.provider === 'generic' ? 0 : 1;
  const gb = rb.provider === 'generic' ? 0 : 1;
  if (ga !== gb) return ga > gb;
  const sa = isSelfIdentifying(a, ra) ? 1 : 0;
  const sb = isSelfIdentifying(b, rb) ? 1 : 0;
  if (sa !== sb) return sa > sb;
  const ka = Math.max(...ra.keywords.map((k) => k.length));
  const kb = Math.max(...rb.keywords.map((k) => k.length));
  if (ka !== kb) return ka > kb;
  if (a.end - a.start !== b.end - b.start) return a.end - a.start > b.end - b.start;
  return a.rule < b.rule;
}

function isAllowedByRule(rule: Rule, secret: string, match: string, line: () => string): boolean {
  const allow = rule.allowlist;
  if (allow.stopwords.length > 0) {
    const lower = secret.toLowerCase();
    if (allow.stopwords.some((w) => lower.includes(w))) return true;
  }
  if (allow.regexes.length === 0) return false;
  const target = allow.regexTarget === 'secret' ? secret : allow.regexTarget === 'match' ? match : line();
  return allow.regexes.some((r) => r.test(target));
}

/**
 * Finds the secrets in one fragment. Pure: the same fragment and rules give the same findings.
 * A rule's regex runs only in windows around its keywords' hits, so a large file without
 * keywords costs one pass of the prefilter and nothing more.
 */
/** `onAllowed` hears of each finding an inline marker (keyscan:allow…) kept out, so reports can count them. */
export function detect(fragment: Fragment, set: RuleSet, onAllowed?: () => void): Finding[] {
  // Rules read quotes; JSON strings (notebooks, configs embedded in JSON) escape them. The scan
  // runs on a view without the backslashes, and positions are mapped back for locations.
  const view = withoutQuoteEscapes(fragment.text);
  const { text } = view;
  const n = text.length;
  const { rules, scratch } = set;
  const { windows, touched, isTouched } = scratch;

  const touch = (r: number): number[] => {
    if (isTouched[r] === 0) {
      isTouched[r] = 1;
      touched.push(r);
    }
    return windows[r]!;
  };
  const pushAnchor = (r: number, at: number): void => {
    const list = touch(r);
    if (list.length === 0 || list[list.length - 1]! < at) list.push(at);
  };
  // Line starts follow the hits forward with the native indexOf: hits arrive in order, so the whole
  // text is searched for newlines once, even when a minified file is one long line of keywords.
  let currentLineStart = 0;
  let nextNewline = -2; // -2: not searched yet
  const lineStartOf = (at: number): number => {
    if (at < currentLineStart) return lineStart(text, at);
    if (nextNewline === -2) nextNewline = text.indexOf('\n', currentLineStart);
    while (nextNewline !== -1 && nextNewline < at) {
      currentLineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', currentLineStart);
    }
    return currentLineStart;
  };

  set.prefilter.scan(text, (k, end) => {
    const plan = set.plans[k]!;
    const kwStart = end - plan.length;
    if (plan.byIdentifier.length > 0) {
      const at = identifierStart(text, kwStart);
      for (const r of plan.byIdentifier) pushAnchor(r, at);
    }
    if (plan.byLine.length > 0) {
      const at = lineStartOf(kwStart);
      for (const r of plan.byLine) pushAnchor(r, at);
    }
    for (const r of plan.byWindow) {
      const list = touch(r);
      const start = Math.max(0, kwStart - WINDOW_BEFORE);
      const stop = Math.min(n, end + rules[r]!.windowAfter);
      const last = list.length - 2;
      if (last >= 0 && start <= list[last + 1]!) {
        list[last] = Math.min(list[last]!, start);
        list[last + 1] = Math.max(list[last + 1]!, stop);
      } else {
        list.push(start, stop);
      }
    }
  });
  if (touched.length === 0) return [];

  const path = pathOf(fragment);
  const candidates: Candidate[] = [];
  let starts: number[] | undefined;
  const lineOf = (offset: number): string => {
    starts ??= lineStarts(text);
    return lineText(text, starts, lineIndexAt(starts, offset));
  };
  /** Filters one regex match (found at offset `base` of the text) into a candidate. */
  const consider = (r: number, rule: Rule, m: RegExpExecArray, base: number): void => {
    const secret = m[rule.secretGroup];
    const span = m.indices?.[rule.secretGroup];
    if (!secret || !span) return;
    if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return;
    if (rule.checksum !== undefined && !passesChecksum(rule.checksum, secret)) return;
    // a practice match is a variable or a flag: placeholders such as ${apiKey} are the point
    if (rule.practice === undefined && isPlaceholder(secret)) return;
    const start = base + span[0];
    if (isAllowedByRule(rule, secret, m[0], () => lineOf(start))) return;
    candidates.push({ rule: r, start, end: base + span[1], secret });
  };

  touched.sort((a, b) => a - b);
  for (const r of touched) {
    const rule = rules[r]!;
    const list = windows[r]!;
    const regex = rule.regex;
    const skip =
      (rule.path !== undefined && !rule.path.test(path)) || rule.allowlist.paths.some((p) => p.test(path));
    if (skip) {
      // nothing to run
    } else if (rule.anchor !== undefined) {
      let doneUntil = -1;
      for (const at of list) {
        if (at < doneUntil) continue;
        regex.lastIndex = at;
        const m = regex.exec(text);
        if (m === null || m[0].length === 0) continue;
        doneUntil = at + m[0].length;
        consider(r, rule, m, 0);
      }
    } else {
      for (let w = 0; w < list.length; w += 2) {
        let from = list[w]!;
        let to = list[w + 1]!;
        for (let limit = from - SNAP_LIMIT; from > 0 && from > limit && isTokenChar(text.charCodeAt(from - 1)); ) from--;
        for (let limit = to + SNAP_LIMIT; to < n && to < limit && isTokenChar(text.charCodeAt(to)); ) to++;
        const window = text.slice(from, to);
        regex.lastIndex = 0;
        for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
          if (m[0].length === 0) {
            regex.lastIndex++;
            continue;
          }
          consider(r, rule, m, from);
        }
      }
    }
    list.length = 0;
    isTouched[r] = 0;
  }
  touched.length = 0;
  if (candidates.length === 0) return [];

  // One finding per secret location: of overlapping candidates, the most specific rule's.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  // Secrets compete for a location; practice matches only drop exact repeats of one practice.
  const kept: Candidate[] = [];
  let lastSecret: number | undefined;
  // practice matches seen, by start and practice: a lookup, not a scan of kept (which made a file of many quadratic)
  const practiceAt = new Set<string>();
  for (const c of candidates) {
    const practice = rules[c.rule]!.practice;
    if (practice !== undefined) {
      const key = `${c.start} ${practice}`;
      if (!practiceAt.has(key)) {
        practiceAt.add(key);
        kept.push(c);
      }
      continue;
    }
    const last = lastSecret === undefined ? undefined : kept[lastSecret];
    if (last !== undefined && c.start < last.end) {
      if (isMoreSpecific(c, last, rules)) kept[lastSecret!] = c;
    } else {
      lastSecret = kept.length;
      kept.push(c);
    }
  }

  const original = fragment.text;
  const originalStarts = view.removedAt.length === 0 ? (starts ??= lineStarts(text)) : lineStarts(original);
  const findings: Finding[] = [];
  for (const found of kept) {
    const c = { ...found, start: toOriginal(view.removedAt, found.start), end: toOriginal(view.removedAt, found.end - 1) + 1 };
    const at = locate(originalStarts, c.start, c.end, fragment.lineOffset);
    if (isAllowedInline(original, originalStarts, at, fragment.lineOffset, c)) {
      onAllowed?.();
      continue;
    }
    const rule = rules[c.rule]!;
    if (rule.practice !== undefined) {
      findings.push({
        kind: 'practice',
        ruleId: `practice/${rule.practice}`,
        practice: rule.practice,
        title: rule.title,
        provider: rule.provider,
        severity: rule.severity,
        remediation: rule.remediation,
        origin: fragment.origin,
        at,
        // the matched text (a variable name, a flag) is no secret, but keep fingerprints alike
        fingerprint: fingerprintOf(`practice/${rule.practice}`, path, `${at.line}:${c.secret}`),
        evidence: safeEvidence(c.secret),
      });
      continue;
    }
    findings.push({
      kind: 'secret',
      ruleId: rule.id,
      title: rule.title,
      provider: rule.provider,
      severity: rule.severity,
      remediation: rule.remediation,
      secret: new Secret(c.secret),
      origin: fragment.origin,
      at,
      fingerprint: fingerprintOf(rule.id, path, c.secret),
      practices: [],
      ...contextOf(rule, original, c),
      ...maskedUrlAround(original, c.start, c.end),
    });
  }
  return findings;
}
