import type { Rule } from '../types.js';
import { gateSource } from './gate.js';
import { buildPrefilter, type Prefilter, type PrefilterTables } from './prefilter.js';

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
  /** Gates of anchored rules (src/detect/gate.ts), one per distinct source; `gateOf[rule]` is -1 for none (or one unshared). */
  readonly gates: readonly RegExp[];
  readonly gateOf: Int32Array;
  /** Scratch space reused across fragments; detect() is synchronous, so one set is never shared. */
  readonly scratch: WindowScratch;
}

/** `cachedPrefilter`: tables kept from an earlier build for these keywords, if any (src/rules/prefilter-cache.ts). */
export function buildRuleSet(rules: readonly Rule[], cachedPrefilter?: (keywords: readonly string[]) => PrefilterTables | undefined): RuleSet {
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
  const gates: RegExp[] = [];
  const gateIndex = new Map<string, number>();
  const gateOf = new Int32Array(rules.length).fill(-1);
  rules.forEach((rule, r) => {
    if (rule.anchor === undefined) return;
    const source = gateSource(rule.regex.source);
    if (source === undefined) return;
    const flags = `${rule.regex.flags.replace(/[dgy]/g, '')}y`; // sticky, as the rule runs
    const key = `${flags}/${source}`;
    let g = gateIndex.get(key);
    if (g === undefined) {
      let gate: RegExp;
      try {
        gate = new RegExp(source, flags);
      } catch {
        return; // a regex form the gate's parser misreads: the rule just runs ungated
      }
      g = gates.length;
      gateIndex.set(key, g);
      gates.push(gate);
    }
    gateOf[r] = g;
  });
  // A gate costs about what a failing rule does (both mostly fail in the name): it pays only when
  // two or more rules share it, so one run stands in for several (measured: bench --profile).
  const users = new Int32Array(gates.length);
  for (const g of gateOf) if (g >= 0) users[g]!++;
  gateOf.forEach((g, r) => {
    if (g >= 0 && users[g]! < 2) gateOf[r] = -1;
  });
  return {
    rules,
    prefilter: buildPrefilter(keywords, cachedPrefilter?.(keywords)),
    plans,
    gates,
    gateOf,
    scratch: { windows: rules.map(() => []), touched: [], isTouched: new Uint8Array(rules.length), hits: [] },
  };
}
