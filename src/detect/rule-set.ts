import type { Rule } from '../types.js';
import { buildPrefilter, type Prefilter, type PrefilterTables } from './prefilter.js';
import { isJoinable, isPlain } from './regex-join.js';
import { splitRunTail, type RunTail } from './run-tail.js';

/** What a hit of one keyword sets in motion, split by how each rule runs. */
export interface KeywordPlan {
  readonly length: number;
  readonly byIdentifier: readonly number[];
  readonly byLine: readonly number[];
  readonly byWindow: readonly number[];
  /**
   * The `follows` checks of this keyword's rules as one regex, when they are two or more: one run
   * per hit gives every verdict (an empty named group per check records that it held).
   */
  readonly followsAll: CombinedFollows | undefined;
  /** Whether a follows check of this keyword's rules searches along the line: a hit then needs its line's end. */
  readonly hasRunTail: boolean;
}

export interface CombinedFollows {
  readonly regex: RegExp;
  /** The checks it holds (indexes into RuleSet.follows); check `ids[i]`'s head held when group i + 1 is set. */
  readonly ids: readonly number[];
  /** Check `ids[i]`'s search along the line, run when its head held. */
  readonly tails: readonly (RunTail | undefined)[];
}

/** A `follows` check: a sticky regex, then (when its source ends in one) a search along the line (src/detect/run-tail.ts). */
export interface FollowsCheck {
  readonly head: RegExp;
  readonly tail: RunTail | undefined;
}

/** One sticky regex for several follows checks of the same flags, or undefined when they cannot be joined. */
function combineFollows(checks: readonly FollowsCheck[], ids: readonly number[]): CombinedFollows | undefined {
  if (ids.length < 2) return undefined;
  const follows = ids.map((f) => checks[f]!.head);
  const flags = follows[0]!.flags;
  if (follows.some((head) => !isJoinable(head) || head.flags !== flags)) return undefined;
  // each check a lookahead or nothing: neither consumes, so one failing leaves the others to run.
  // An alternation with an empty branch, not `?`: a quantified group that matches empty is refused.
  // a check with groups of its own would shift the verdict groups' numbers: then they stay apart
  if (follows.some((head) => capturesIn(head.source))) return undefined;
  const source = follows.map((head) => `(?:(?=${head.source})()|)`).join('');
  try {
    return { regex: new RegExp(source, flags), ids, tails: ids.map((f) => checks[f]!.tail) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a regex source has a capturing group: a '(' not escaped, not in a class, not followed
 * by '?' (named groups are refused before this). Read, not run: running a joined regex to count its
 * groups compiled it at every start of the hook.
 */
function capturesIn(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') i++;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(' && source[i + 1] !== '?') return true;
  }
  return false;
}

/** Per rule, the offsets to run it at: anchors (anchored rules) or [start, stop) pairs (window rules). */
export interface WindowScratch {
  readonly windows: number[][];
  /** The rules with a window or anchor in this fragment, each once. */
  readonly touched: number[];
  readonly isTouched: Uint8Array;
  /** Keyword hits of this fragment as [keyword, end] pairs. */
  readonly hits: number[];
  /**
   * Per `follows` check, the hit it was last tried at, signed by its verdict (+ passed, - failed),
   * counted across fragments (`checked`), so rules sharing a check try it once per hit.
   */
  readonly followsVerdict: Float64Array;
  checked: number;
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly prefilter: Prefilter;
  readonly plans: readonly KeywordPlan[];
  /** `follows` checks (RuleDefinition.follows), one per distinct source; `followsOf[rule]` is -1 for none. */
  readonly follows: readonly FollowsCheck[];
  readonly followsOf: Int32Array;
  /** Scratch space reused across fragments; detect() is synchronous, so one set is never shared. */
  readonly scratch: WindowScratch;
}

/** What a hit of a keyword no rule of the set has sets in motion: nothing. */
const NO_PLAN: KeywordPlan = { length: 0, byIdentifier: [], byLine: [], byWindow: [], followsAll: undefined, hasRunTail: false };

/** An automaton that has scanned the texts already (src/rules-in-play.ts), and the number of each of its keywords. */
export interface ScannedAutomaton {
  readonly prefilter: Prefilter;
  readonly keywordIndex: ReadonlyMap<string, number>;
}

/**
 * `cachedPrefilter`: tables kept from an earlier build for these keywords, if any
 * (src/rules/prefilter-cache.ts). `within`: an automaton of more keywords (the built-in rules')
 * that has scanned the texts already; the set uses it, and its numbering, when it holds every
 * keyword of these rules, and hits of its other keywords set nothing in motion.
 */
export function buildRuleSet(rules: readonly Rule[], cachedPrefilter?: (keywords: readonly string[]) => PrefilterTables | undefined, within?: ScannedAutomaton): RuleSet {
  const given = within !== undefined && rules.every((rule) => rule.keywords.every((kw) => within.keywordIndex.has(kw))) ? within : undefined;
  const own = new Map<string, number>();
  const numberOf = (kw: string): number => {
    if (given !== undefined) return given.keywordIndex.get(kw)!;
    let k = own.get(kw);
    if (k === undefined) own.set(kw, (k = own.size));
    return k;
  };
  const rulesByKeyword: (number[] | undefined)[] = [];
  rules.forEach((rule, r) => {
    for (const kw of rule.keywords) (rulesByKeyword[numberOf(kw)] ??= []).push(r);
  });
  const keywords = given !== undefined ? given.prefilter.keywords : [...own.keys()];
  const { follows, followsOf } = followsChecks(rules);
  const combined = new Map<string, CombinedFollows | undefined>();
  const plans = Array.from(keywords, (_, k): KeywordPlan => {
    const list = rulesByKeyword[k];
    if (list === undefined) return NO_PLAN;
    const ids = [...new Set(list.map((r) => followsOf[r]!).filter((f) => f >= 0))].sort((a, b) => a - b);
    const key = ids.join(',');
    if (!combined.has(key)) combined.set(key, combineFollows(follows, ids));
    return {
      length: keywords[k]!.length,
      byIdentifier: list.filter((r) => rules[r]!.anchor === 'identifier'),
      byLine: list.filter((r) => rules[r]!.anchor === 'line'),
      byWindow: list.filter((r) => rules[r]!.anchor === undefined),
      followsAll: combined.get(key),
      hasRunTail: ids.some((f) => follows[f]!.tail !== undefined),
    };
  });
  return {
    rules,
    prefilter: given !== undefined ? given.prefilter : buildPrefilter(keywords, cachedPrefilter?.(keywords)),
    plans,
    follows,
    followsOf,
    scratch: { windows: rules.map(() => []), touched: [], isTouched: new Uint8Array(rules.length), hits: [], followsVerdict: new Float64Array(follows.length), checked: 0 },
  };
}

/** The distinct follows checks, and each rule's (-1 for none). */
function followsChecks(rules: readonly Rule[]): { follows: FollowsCheck[]; followsOf: Int32Array } {
  const follows: FollowsCheck[] = [];
  const followsIndex = new Map<string, number>();
  const followsOf = new Int32Array(rules.length).fill(-1);
  rules.forEach((rule, r) => {
    if (rule.follows === undefined) return;
    const key = `${rule.follows.flags}/${rule.follows.source}`;
    let f = followsIndex.get(key);
    if (f === undefined) {
      f = follows.length;
      followsIndex.set(key, f);
      // a timed config check (not plain) is kept whole: a split would make an untimed copy of it
      follows.push(isPlain(rule.follows) ? splitRunTail(rule.follows) : { head: rule.follows, tail: undefined });
    }
    followsOf[r] = f;
  });
  return { follows, followsOf };
}
