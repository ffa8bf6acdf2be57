import type { Rule } from '../types.js';
import { passesChecksum } from './checksum.js';
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

/**
 * Stage 4: whether a match is a false alarm by its own rule: too little entropy, a bad checksum, a
 * placeholder, allowlisted. Stage 3 asks it of each match before it takes the secret's offsets
 * (most matches are false alarms, and offsets cost a second regex run), so it needs only the
 * strings; `line` gives the secret's line, for allowlists that test it. It runs before overlaps
 * are resolved, so a false alarm never displaces a real key.
 */
export function isFalseAlarm(rule: Rule, secret: string, match: string, line: () => string): boolean {
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return true;
  if (rule.checksum !== undefined && !passesChecksum(rule.checksum, secret)) return true;
  // a practice match is a variable or a flag: placeholders such as ${apiKey} are the point
  if (rule.practice === undefined && isPlaceholder(secret)) return true;
  return isAllowedByRule(rule, secret, match, line);
}
