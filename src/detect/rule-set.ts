import type { Rule } from '../types.js';
import { buildPrefilter, type Prefilter } from './prefilter.js';

/** What a hit of one keyword sets in motion, split by how each rule runs. */
export interface KeywordPlan {
  readonly length: number;
  readonly byIdentifier: readonly number[];
  readonly byLine: readonly number[];
  readonly byWindow: readonly number[];
}

/** Per rule, the offsets to run it at: anchors (anchored rules) or [start, stop) pairs (window rules). */
export interface WindowScratch {
  readonly windows: number[][];
  /** The rules with a window or anchor in this fragment, each once. */
  readonly touched: number[];
  readonly isTouched: Uint8Array;
  /** Keyword hits of this fragment as [keyword, end] pairs. */
  readonly hits: number[];
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  readonly prefilter: Prefilter;
  readonly plans: readonly KeywordPlan[];
  /** Scratch space reused across fragments; detect() is synchronous, so one set is never shared. */
  readonly scratch: WindowScratch;
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
    scratch: { windows: rules.map(() => []), touched: [], isTouched: new Uint8Array(rules.length), hits: [] },
  };
}
