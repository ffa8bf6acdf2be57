import type { Finding, Fragment } from '../types.js';
import { isAllowedInline } from './allow.js';
import { confirmRules } from './confirm.js';
import { toFinding } from './finding.js';
import { lineStarts, locate } from '../location.js';
import { resolveOverlaps } from './overlap.js';
import { toOriginal, withoutQuoteEscapes, type QuoteView } from './quote-view.js';
import type { RuleMatch } from './confirm.js';
import type { RuleSet } from './rule-set.js';
import { keywordHits, windowsAround } from './windows.js';

export { buildRuleSet, type RuleSet } from './rule-set.js';
export { withoutQuoteEscapes } from './quote-view.js';

/**
 * Finds the secrets in one fragment. Pure: the same fragment and rules give the same findings.
 * A rule's regex runs only in windows around its keywords' hits, so a large file without
 * keywords costs one pass of the prefilter and nothing more. Each stage is a named function
 * (bench --profile times them apart).
 * `onAllowed` hears of each finding an inline marker (keyscan:allow…) kept out, so reports can count them.
 */
export function detect(fragment: Fragment, set: RuleSet, onAllowed?: () => void): Finding[] {
  const view = withoutQuoteEscapes(fragment.text);
  const { text } = view;
  const hits = keywordHits(text, set.prefilter, set.scratch.hits);
  if (hits.length === 0) return [];
  const touched = windowsAround(text, hits, set);
  if (touched.length === 0) return [];
  // stage 3 puts each match to the filters of stage 4 as it is found: the candidates that pass
  const candidates = confirmRules(text, fragment.origin.path, set, touched);
  if (candidates.length === 0) return [];
  return toFindings(resolveOverlaps(candidates, set.rules), fragment, view, set, onAllowed);
}

/** Stages 6 and 7: back to the fragment's own offsets, inline allow markers, then findings. */
function toFindings(kept: readonly RuleMatch[], fragment: Fragment, view: QuoteView, set: RuleSet, onAllowed?: () => void): Finding[] {
  const original = fragment.text;
  const starts = lineStarts(original);
  const findings: Finding[] = [];
  for (const found of kept) {
    const c = { ...found, start: toOriginal(view.removedAt, found.start), end: toOriginal(view.removedAt, found.end - 1) + 1 };
    const at = locate(starts, c.start, c.end, fragment.lineOffset);
    if (isAllowedInline(original, starts, at, fragment.lineOffset, c)) {
      onAllowed?.();
      continue;
    }
    findings.push(toFinding(set.rules[c.rule]!, fragment, c, at));
  }
  return findings;
}
