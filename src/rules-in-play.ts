import { holdsEncodedText } from './detect/decode.js';
import { buildPrefilter } from './detect/prefilter.js';
import type { RuleDefinition } from './rules/definition.js';
import { loadBuiltinRules } from './rules/load.js';
import { cachedKeywordAutomaton, type KeywordAutomaton } from './rules/prefilter-cache.js';

/** Up to this much text (a commit's additions, usually far less), only the rules it can wake are compiled. */
const SMALL_TEXT_CHARS = 512 * 1024;

/**
 * The rules that can match in these texts. A rule runs only near one of its keywords, so one whose
 * keywords are all absent finds nothing: leaving it out changes no result, and saves compiling it
 * and its part of the automaton (the start-up of `keyscan staged` and of the agent hooks). The
 * keywords are looked for with the built-in rules' cached automaton, as detect() looks for them; a
 * rule with a keyword that automaton lacks (a config's own) is kept. The same array when nothing
 * is left out.
 */
export function rulesInPlay(definitions: readonly RuleDefinition[], texts: readonly string[], automatonOf: () => KeywordAutomaton | undefined = cachedKeywordAutomaton): readonly RuleDefinition[] {
  let size = 0;
  for (const text of texts) size += text.length;
  if (size > SMALL_TEXT_CHARS) return definitions;
  // an encoded token hides the keywords of the key inside it (src/detect/decode.ts)
  if (texts.some(holdsEncodedText)) return definitions;
  const cached = automatonOf();
  if (cached === undefined) return definitions;
  const automaton = buildPrefilter(cached.keywords, cached.tables);
  const found = new Uint8Array(cached.keywords.length);
  const hits: number[] = [];
  for (const text of texts) {
    hits.length = 0;
    automaton.scan(text, hits);
    for (let h = 0; h < hits.length; h += 2) found[hits[h]!] = 1;
  }
  const index = new Map(cached.keywords.map((k, i) => [k, i]));
  const kept = definitions.filter(
    (def) =>
      def.keywords.length === 0 ||
      def.keywords.some((keyword) => {
        const k = index.get(keyword.toLowerCase());
        return k === undefined || found[k] === 1;
      }),
  );
  return kept.length === definitions.length ? definitions : kept;
}

/**
 * Reads the built-in rules and their keyword automaton ahead, while the hook waits for git (both
 * are kept for the process): the reads overlap git's work instead of following it.
 */
export function readRulesAhead(): void {
  loadBuiltinRules(undefined, { withExamples: false });
  cachedKeywordAutomaton();
}
