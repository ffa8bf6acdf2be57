import type { Rule } from '../types.js';
import { lineIndexAt, lineStarts, lineText } from '../location.js';
import { passesChecksum } from './checksum.js';
import type { RuleMatch } from './confirm.js';
import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';

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

/** Whether a match is a false alarm by its own rule: too little entropy, a bad checksum, a placeholder, allowlisted. */
function isFalseAlarm(rule: Rule, m: RuleMatch, lineOf: (offset: number) => string): boolean {
  if (rule.entropy !== undefined && shannonEntropy(m.secret) < rule.entropy) return true;
  if (rule.checksum !== undefined && !passesChecksum(rule.checksum, m.secret)) return true;
  // a practice match is a variable or a flag: placeholders such as ${apiKey} are the point
  if (rule.practice === undefined && isPlaceholder(m.secret)) return true;
  return isAllowedByRule(rule, m.secret, m.match, () => lineOf(m.start));
}

/**
 * Stage 4: the matches that survive their rule's filters (entropy, checksum, placeholder,
 * allowlist). It runs before overlaps are resolved, so a false alarm never displaces a real key.
 */
export function dropFalseAlarms(matches: readonly RuleMatch[], text: string, rules: readonly Rule[]): RuleMatch[] {
  let starts: readonly number[] | undefined;
  const lineOf = (offset: number): string => {
    starts ??= lineStarts(text);
    return lineText(text, starts, lineIndexAt(starts, offset));
  };
  return matches.filter((m) => !isFalseAlarm(rules[m.rule]!, m, lineOf));
}
