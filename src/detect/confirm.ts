import type { Rule } from '../types.js';
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

function pushMatch(out: RuleMatch[], r: number, rule: Rule, m: RegExpExecArray, base: number): void {
  const secret = m[rule.secretGroup];
  const span = m.indices?.[rule.secretGroup];
  if (!secret || !span) return;
  out.push({ rule: r, start: base + span[0], end: base + span[1], secret, match: m[0] });
}

/** An anchored (sticky) rule tried at each of its anchors; an anchor inside a match is skipped. */
function confirmAnchored(text: string, r: number, rule: Rule, anchors: readonly number[], out: RuleMatch[]): void {
  const regex = rule.regex;
  let doneUntil = -1;
  for (const at of anchors) {
    if (at < doneUntil) continue;
    regex.lastIndex = at;
    const m = regex.exec(text);
    if (m === null || m[0].length === 0) continue;
    doneUntil = at + m[0].length;
    pushMatch(out, r, rule, m, 0);
  }
}

/** A window rule run over each of its windows, widened so no token is cut at an edge. */
function confirmWindows(text: string, r: number, rule: Rule, windows: readonly number[], out: RuleMatch[]): void {
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
      pushMatch(out, r, rule, m, from);
    }
  }
}

/**
 * Stage 3: each touched rule's regex run where stage 2 said, in rule order. Empties the
 * scratch windows as it goes, so the set is ready for the next fragment.
 */
export function confirmRules(text: string, path: string, set: RuleSet, touched: readonly number[]): RuleMatch[] {
  const { rules } = set;
  const { windows, isTouched } = set.scratch;
  const out: RuleMatch[] = [];
  for (const r of touched) {
    const rule = rules[r]!;
    const list = windows[r]!;
    if (!isSkippedFor(rule, path)) {
      if (rule.anchor !== undefined) confirmAnchored(text, r, rule, list, out);
      else confirmWindows(text, r, rule, list, out);
    }
    list.length = 0;
    isTouched[r] = 0;
  }
  set.scratch.touched.length = 0;
  return out;
}
