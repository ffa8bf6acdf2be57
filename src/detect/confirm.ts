import { lineIndexAt, lineStarts, lineText } from '../location.js';
import type { Rule } from '../types.js';
import { isFalseAlarm } from './false-alarms.js';
import type { RuleSet } from './rule-set.js';

/** A window edge never cuts a token: it moves at most this far to the token's end. */
const SNAP_LIMIT = 256;

/** A rule's regex matched: where its secret group is in the scanned text, and what it holds. */
export interface RuleMatch {
  readonly rule: number;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
  /** The whole match, for allowlists that test it. */
  readonly match: string;
}

function isTokenChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 95 || code === 45 || code === 43 || code === 47 || code === 61 || code === 46
  );
}

/** Whether a rule is out of scope for this path: its own path pattern, or an allowlisted path. */
function isSkippedFor(rule: Rule, path: string): boolean {
  return (rule.path !== undefined && !rule.path.test(path)) || rule.allowlist.paths.some((p) => p.test(path));
}

/** Offsets of the secret group in `input`, where `m` matched: the match's own bounds, or its d-flag twin run again at the same place. */
function secretSpan(rule: Rule, m: RegExpExecArray, input: string): readonly [number, number] | undefined {
  if (rule.secretGroup === 0) return [m.index, m.index + m[0].length];
  const spans = rule.spans;
  // the same regex from the same position of the same text: the same match, with offsets
  spans.lastIndex = m.index;
  const again = spans.exec(input);
  return again !== null && again.index === m.index ? again.indices?.[rule.secretGroup] : undefined;
}

/** Keeps a match unless stage 4 finds it a false alarm; only a kept one pays for the secret's offsets. */
type Judge = typeof isFalseAlarm;

function pushMatch(out: RuleMatch[], r: number, rule: Rule, m: RegExpExecArray, input: string, base: number, lineOf: (offset: number) => string, judge: Judge): void {
  const secret = m[rule.secretGroup];
  if (!secret) return;
  let span: readonly [number, number] | undefined | null = null; // null: not looked for yet
  const spanOf = (): readonly [number, number] | undefined => (span === null ? (span = secretSpan(rule, m, input)) : span);
  if (judge(rule, secret, m[0], () => lineOf(base + (spanOf()?.[0] ?? m.index)))) return;
  const at = spanOf();
  if (at === undefined) return;
  out.push({ rule: r, start: base + at[0], end: base + at[1], secret, match: m[0] });
}

/** An anchored (sticky) rule tried at each of its anchors; an anchor inside a match is skipped. */
function confirmAnchored(text: string, r: number, rule: Rule, anchors: readonly number[], out: RuleMatch[], lineOf: (offset: number) => string, judge: Judge): void {
  const regex = rule.regex;
  let doneUntil = -1;
  for (const at of anchors) {
    if (at < doneUntil) continue;
    regex.lastIndex = at;
    const m = regex.exec(text);
    if (m === null || m[0].length === 0) continue;
    doneUntil = at + m[0].length;
    pushMatch(out, r, rule, m, text, 0, lineOf, judge);
  }
}

/** A window rule run over each of its windows, widened so no token is cut at an edge. */
function confirmWindows(text: string, r: number, rule: Rule, windows: readonly number[], out: RuleMatch[], lineOf: (offset: number) => string, judge: Judge): void {
  const n = text.length;
  const regex = rule.regex;
  for (let w = 0; w < windows.length; w += 2) {
    let from = windows[w]!;
    let to = windows[w + 1]!;
    for (let limit = from - SNAP_LIMIT; from > 0 && from > limit && isTokenChar(text.charCodeAt(from - 1)); ) from--;
    for (let limit = to + SNAP_LIMIT; to < n && to < limit && isTokenChar(text.charCodeAt(to)); ) to++;
    const window = text.slice(from, to);
    regex.lastIndex = 0;
    for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      pushMatch(out, r, rule, m, window, from, lineOf, judge);
    }
  }
}

/**
 * Stage 3: each touched rule's regex run where stage 2 said, in rule order, and each match put
 * to its rule's filters (stage 4, src/detect/false-alarms.ts): the matches that pass. Empties the
 * scratch windows as it goes, so the set is ready for the next fragment. `judge` is stage 4; a test
 * that wants every raw match passes one that keeps all.
 */
export function confirmRules(text: string, path: string, set: RuleSet, touched: readonly number[], judge: Judge = isFalseAlarm): RuleMatch[] {
  const { rules } = set;
  const { windows, isTouched } = set.scratch;
  const out: RuleMatch[] = [];
  let starts: readonly number[] | undefined;
  const lineOf = (offset: number): string => {
    starts ??= lineStarts(text);
    return lineText(text, starts, lineIndexAt(starts, offset));
  };
  for (const r of touched) {
    const rule = rules[r]!;
    const list = windows[r]!;
    if (!isSkippedFor(rule, path)) {
      if (rule.anchor !== undefined) confirmAnchored(text, r, rule, list, out, lineOf, judge);
      else confirmWindows(text, r, rule, list, out, lineOf, judge);
    }
    list.length = 0;
    isTouched[r] = 0;
  }
  set.scratch.touched.length = 0;
  return out;
}
