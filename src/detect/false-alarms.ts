import type { Rule, RuleAllowlist } from '../types.js';
import { passesChecksum } from './checksum.js';
import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';
import { anyWord, isJoinable } from './regex-join.js';

/**
 * A rule's allowlist as fewer tests: its stop words as one regex (run on the lower-cased secret,
 * as `includes` ran on it), and its regexes of the same flags as one alternation. The same answers:
 * a stop word is in the secret exactly when the alternation of all matches somewhere, and some regex
 * matches exactly when their alternation does. A regex a join would change stays apart
 * (src/detect/regex-join.ts: the guard's timed config regexes among them), and so does one whose
 * g or y flag makes each test start where the last ended.
 */
interface AllowMatcher {
  readonly stopwords: RegExp | undefined;
  readonly regexes: readonly RegExp[];
}

const matchers = new WeakMap<RuleAllowlist, AllowMatcher>();

function matcherOf(allow: RuleAllowlist): AllowMatcher {
  let matcher = matchers.get(allow);
  if (matcher !== undefined) return matcher;
  const byFlags = new Map<string, RegExp[]>();
  const apart: RegExp[] = [];
  for (const regex of allow.regexes) {
    if (!isJoinable(regex) || /[gy]/.test(regex.flags)) apart.push(regex);
    else {
      const group = byFlags.get(regex.flags);
      if (group === undefined) byFlags.set(regex.flags, [regex]);
      else group.push(regex);
    }
  }
  const joined = [...byFlags].map(([flags, group]) => (group.length === 1 ? group[0]! : new RegExp(group.map((r) => `(?:${r.source})`).join('|'), flags)));
  matcher = {
    stopwords: allow.stopwords.length === 0 ? undefined : anyWord(allow.stopwords),
    regexes: [...joined, ...apart],
  };
  matchers.set(allow, matcher);
  return matcher;
}

/** Whether the rule's own allowlist (stop words, regexes) keeps this match out. */
export function isAllowedByRule(rule: Rule, secret: string, match: string, line: () => string): boolean {
  const allow = rule.allowlist;
  if (allow.stopwords.length === 0 && allow.regexes.length === 0) return false;
  const matcher = matcherOf(allow);
  if (matcher.stopwords !== undefined && matcher.stopwords.test(secret.toLowerCase())) return true;
  if (matcher.regexes.length === 0) return false;
  const target = allow.regexTarget === 'secret' ? secret : allow.regexTarget === 'match' ? match : line();
  return matcher.regexes.some((r) => r.test(target));
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
