import type { Prefilter } from './prefilter.js';
import type { CombinedFollows, FollowsCheck, RuleSet } from './rule-set.js';
import { runTailHolds } from './run-tail.js';

/** How far before a keyword a match may start: a secret's name or prefix sits just before it. */
const WINDOW_BEFORE = 192;
/** How far back an anchor may be from its keyword: past that, the hit is not in a name or a line we read. */
const ANCHOR_REACH_IDENTIFIER = 64;
const ANCHOR_REACH_LINE = 512;

/**
 * Stage 1: every keyword occurrence, as [keyword, end] pairs in `hits` (cleared first; reused
 * across fragments). One pass of the prefilter over the text, whatever the number of rules.
 */
export function keywordHits(text: string, prefilter: Prefilter, hits: number[]): number[] {
  hits.length = 0;
  prefilter.scan(text, hits);
  return hits;
}

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

/** Whether `follows` check `f` matches at a hit's end (on a line ending at `lineEnd`); each check runs once per hit (`hit` numbers it). */
function followsHolds(follows: readonly FollowsCheck[], verdict: Float64Array, f: number, text: string, end: number, lineEnd: number, hit: number): boolean {
  const v = verdict[f]!;
  if (v === hit) return true;
  if (v === -hit) return false;
  const { head, tail } = follows[f]!;
  head.lastIndex = end;
  const ok = head.test(text) && (tail === undefined || runTailHolds(tail, text, end, lineEnd));
  verdict[f] = ok ? hit : -hit;
  return ok;
}

/** Every check of a combined follows regex judged by one run at a hit's end, into `verdict`. */
function judgeAll(all: CombinedFollows, verdict: Float64Array, text: string, end: number, lineEnd: number, hit: number): void {
  all.regex.lastIndex = end;
  const m = all.regex.exec(text)!; // every part is optional: it always matches
  for (let i = 0; i < all.ids.length; i++) {
    const tail = all.tails[i];
    verdict[all.ids[i]!] = m[i + 1] !== undefined && (tail === undefined || runTailHolds(tail, text, end, lineEnd)) ? hit : -hit;
  }
}

function lineStart(text: string, at: number): number {
  let i = at;
  for (const limit = Math.max(0, at - ANCHOR_REACH_LINE); i > limit && text.charCodeAt(i - 1) !== 10; ) i--;
  return i;
}

/**
 * Stage 2: from the hits, where each rule runs: the anchors of anchored rules (a name's or a
 * line's start) and merged [start, stop) windows of the others, in set.scratch. Returns the rules
 * touched, ascending (the order rules run in, a tie-breaker downstream).
 */
export function windowsAround(text: string, hits: readonly number[], set: RuleSet): number[] {
  const n = text.length;
  const { rules, plans } = set;
  const { windows, touched, isTouched } = set.scratch;
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
  // Line starts and ends follow the hits forward with the native indexOf: hits arrive in order, so
  // the whole text is searched for newlines once, even when a minified file is one long line of keywords.
  let currentLineStart = 0;
  let nextNewline = -2; // -2: not searched yet
  const advanceTo = (at: number): void => {
    if (nextNewline === -2) nextNewline = text.indexOf('\n', currentLineStart);
    while (nextNewline !== -1 && nextNewline < at) {
      currentLineStart = nextNewline + 1;
      nextNewline = text.indexOf('\n', currentLineStart);
    }
  };
  const lineStartOf = (at: number): number => {
    if (at < currentLineStart) return lineStart(text, at);
    advanceTo(at);
    return currentLineStart;
  };
  /** The first '\n' at or after a hit's end (its keyword holds none), or the text's length. */
  const lineEndOf = (end: number): number => {
    if (end < currentLineStart) {
      const eol = text.indexOf('\n', end);
      return eol === -1 ? n : eol;
    }
    advanceTo(end);
    return nextNewline === -1 ? n : nextNewline;
  };

  const { follows, followsOf } = set;
  const verdict = set.scratch.followsVerdict;
  for (let h = 0; h < hits.length; h += 2) {
    const plan = plans[hits[h]!]!;
    const end = hits[h + 1]!;
    const kwStart = end - plan.length;
    // this hit's number, unique across fragments: a follows verdict stored under it is this hit's
    const hit = ++set.scratch.checked;
    const lineEnd = plan.hasRunTail ? lineEndOf(end) : n;
    if (plan.followsAll !== undefined) judgeAll(plan.followsAll, verdict, text, end, lineEnd, hit);
    if (plan.byIdentifier.length > 0) {
      let at = -1;
      for (const r of plan.byIdentifier) {
        if (followsOf[r]! >= 0 && !followsHolds(follows, verdict, followsOf[r]!, text, end, lineEnd, hit)) continue;
        if (at < 0) at = identifierStart(text, kwStart);
        pushAnchor(r, at);
      }
    }
    if (plan.byLine.length > 0) {
      let at = -1;
      for (const r of plan.byLine) {
        if (followsOf[r]! >= 0 && !followsHolds(follows, verdict, followsOf[r]!, text, end, lineEnd, hit)) continue;
        if (at < 0) at = lineStartOf(kwStart);
        pushAnchor(r, at);
      }
    }
    for (const r of plan.byWindow) {
      if (followsOf[r]! >= 0 && !followsHolds(follows, verdict, followsOf[r]!, text, end, lineEnd, hit)) continue;
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
  }
  touched.sort((a, b) => a - b);
  return touched;
}
