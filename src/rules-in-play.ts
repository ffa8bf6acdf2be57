import { holdsEncodedText } from './detect/decode.js';
import { buildPrefilter, withHitsKept } from './detect/prefilter.js';
import type { ScannedAutomaton } from './detect/rule-set.js';
import { effectiveRules, type Config } from './rules/config.js';
import type { RuleDefinition } from './rules/definition.js';
import { builtinRulesWhere, readBuiltinRulesAhead } from './rules/load.js';
import { cachedKeywordAutomaton, type KeywordAutomaton } from './rules/prefilter-cache.js';

/** Up to this much text (a commit's additions, usually far less), only the rules it can wake are compiled. */
const SMALL_TEXT_CHARS = 512 * 1024;

/** Whether a rule with these keywords can match the texts at hand. */
export type KeywordTest = (keywords: readonly string[]) => boolean;

/**
 * The rules to run, given which ones the texts can wake: the hook's built-in rules come this way,
 * so that only the definitions of those are read (src/rules/load.ts builtinRulesWhere).
 */
export type RulesFor = (wakes: KeywordTest) => readonly RuleDefinition[];

/** A config's rules (src/rules/config.ts effectiveRules), of the built-in ones only those a test wakes. */
export function effectiveRulesWoken(config: Config): RulesFor {
  return (wakes) => effectiveRules(config, () => builtinRulesWhere((_, keywords) => wakes(keywords)));
}

/** What the texts hold of the built-in rules' keywords. */
interface KeywordsFound {
  /** Whether a rule with these keywords can match in the texts. */
  readonly wakes: KeywordTest;
  /** The built-in rules' automaton, with the texts' hits kept: detect() need not scan them again (src/detect/rule-set.ts). */
  readonly within: ScannedAutomaton;
}

/**
 * Which rules can match in these texts. A rule runs only near one of its keywords, so one whose
 * keywords are all absent finds nothing: leaving it out changes no result, and saves reading and
 * compiling it (the start-up of `keyscan staged` and of the agent hooks). The keywords are looked
 * for with the built-in rules' cached automaton, as detect() looks for them; a rule with a keyword
 * that automaton lacks (a config's own), or with none, is kept. Undefined when every rule is in
 * play: large texts, an encoded token, or no cached automaton.
 */
function keywordsFound(texts: readonly string[], automatonOf: () => KeywordAutomaton | undefined = cachedKeywordAutomaton): KeywordsFound | undefined {
  let size = 0;
  for (const text of texts) size += text.length;
  if (size > SMALL_TEXT_CHARS) return undefined;
  // an encoded token hides the keywords of the key inside it (src/detect/decode.ts)
  if (texts.some(holdsEncodedText)) return undefined;
  const cached = automatonOf();
  if (cached === undefined) return undefined;
  const prefilter = withHitsKept(buildPrefilter(cached.keywords, cached.tables), texts);
  const found = new Uint8Array(cached.keywords.length);
  const hits: number[] = [];
  for (const text of texts) {
    hits.length = 0;
    prefilter.scan(text, hits);
    for (let h = 0; h < hits.length; h += 2) found[hits[h]!] = 1;
  }
  const keywordIndex = new Map(cached.keywords.map((k, i) => [k, i]));
  const wakes: KeywordTest = (keywords) =>
    keywords.length === 0 ||
    keywords.some((keyword) => {
      const k = keywordIndex.get(keyword.toLowerCase());
      return k === undefined || found[k] === 1;
    });
  return { wakes, within: { prefilter, keywordIndex } };
}

/** The rules in play (see keywordsFound), and the automaton that found their keywords when it serves them all. */
export function inPlay(rules: readonly RuleDefinition[] | RulesFor, texts: readonly string[], automatonOf?: () => KeywordAutomaton | undefined): { readonly rules: readonly RuleDefinition[]; readonly within?: ScannedAutomaton } {
  const found = keywordsFound(texts, automatonOf);
  if (found === undefined) return { rules: typeof rules === 'function' ? rules(() => true) : rules };
  const { wakes, within } = found;
  if (typeof rules === 'function') return { rules: rules(wakes).filter((def) => wakes(def.keywords)), within };
  const kept = rules.filter((def) => wakes(def.keywords));
  return { rules: kept.length === rules.length ? rules : kept, within };
}

/** The rules, of these or of those `rules` gives, that can match in these texts (keywordsFound); the same array when nothing is left out. */
export function rulesInPlay(rules: readonly RuleDefinition[] | RulesFor, texts: readonly string[], automatonOf?: () => KeywordAutomaton | undefined): readonly RuleDefinition[] {
  return inPlay(rules, texts, automatonOf).rules;
}

/**
 * Reads the built-in rules' cache and their keyword automaton ahead, while the hook waits for git
 * (both are kept for the process): the reads overlap git's work instead of following it.
 */
export function readRulesAhead(): void {
  readBuiltinRulesAhead();
  cachedKeywordAutomaton();
}
