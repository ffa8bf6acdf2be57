import type { Rule } from '../types.js';
import type { RuleMatch } from './confirm.js';

/** Whether the secret carries one of the rule's keywords itself (a prefixed token), not just its context. */
function isSelfIdentifying(c: RuleMatch, rule: Rule): boolean {
  const lower = c.secret.toLowerCase();
  return rule.keywords.some((k) => lower.includes(k));
}

/**
 * Most specific wins: a provider's rule over a generic one, then a token that names itself (a
 * prefix such as ghp_) over a value known only by its context, then the longer keyword, then the
 * longer secret.
 */
function isMoreSpecific(a: RuleMatch, b: RuleMatch, rules: readonly Rule[]): boolean {
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

/**
 * Stage 5: one finding per secret location: of overlapping matches, the most specific rule's.
 * Secrets compete for a location; practice matches only drop exact repeats of one practice.
 * Sorts `candidates` in place.
 */
export function resolveOverlaps(candidates: RuleMatch[], rules: readonly Rule[]): RuleMatch[] {
  candidates.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: RuleMatch[] = [];
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
  return kept;
}
