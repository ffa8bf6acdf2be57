import { buildRuleSet, detect } from './detect/detect.js';
import { compileRule } from './rules/compile.js';
import { builtinRulesWhere } from './rules/load.js';
import { cachedPrefilterTables } from './rules/prefilter-cache.js';
import { maskAll } from './secret.js';

/**
 * Text keyscan prints that did not come from a report (an error, a stack trace) with every key the
 * built-in rules find in it masked: a path, a revision or a config line quoted in an error may hold
 * one. Only on the error path, so compiling the rules here costs nothing on a clean run.
 */
export function maskKeysIn(text: string): string {
  try {
    const set = buildRuleSet(builtinRulesWhere().map(compileRule), cachedPrefilterTables);
    const found = detect({ text, origin: { kind: 'stdin', path: '' }, lineOffset: 0 }, set);
    return maskAll(text, found.flatMap((f) => (f.kind === 'secret' ? [f.secret.reveal()] : [])));
  } catch {
    return text; // the rules themselves failed to load: the message says so, and holds no key of ours
  }
}
