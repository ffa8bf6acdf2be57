/*
 * Joining regexes into one alternation (or one regex of lookaheads) runs one regex where several
 * ran: the detector does it to a keyword's `follows` checks (src/detect/rule-set.ts), a rule's
 * allowlist (src/detect/false-alarms.ts) and word lists (src/detect/placeholder.ts). Which regexes
 * may be joined, and how a word list becomes one, is decided here.
 */

/**
 * Whether a regex is a plain RegExp. One that is not is run as it is: the regex guard's timed
 * wrapper around a config's regex (src/regex-guard-worker.ts), which a join or a split would
 * replace by an untimed copy of its source.
 */
export function isPlain(regex: RegExp): boolean {
  return Object.getPrototypeOf(regex) === RegExp.prototype;
}

/** A backreference or a named group would change meaning (or clash) once sources are joined. */
const UNJOINABLE = /\\[1-9]|\\k<|\(\?<[A-Za-z_$]/;

/** Whether a regex keeps its meaning as one part of a joined regex: plain, no backreference, no named group. */
export function isJoinable(regex: RegExp): boolean {
  return isPlain(regex) && !UNJOINABLE.test(regex.source);
}

/** One regex that matches where any of `words` occurs, each taken literally. */
export function anyWord(words: readonly string[], flags = ''): RegExp {
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), flags);
}
