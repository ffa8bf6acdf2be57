import type { RuleDefinition } from '../rules/definition.js';

/**
 * The validator of each rule, for rules keyscan ships only: a validator belongs to the built-in
 * rules of its own provider. A rule from a config (even one that reuses a built-in id) gets none,
 * so a repository cannot make a scan send a GitHub token to Telegram or any text to any provider.
 * The definition must be the built-in one itself: same source file and regex, not just the same id.
 */
export function validatorsByRule(rules: readonly RuleDefinition[], builtins: readonly RuleDefinition[]): Map<string, string> {
  const shipped = new Map(builtins.map((r) => [r.id, r]));
  const out = new Map<string, string>();
  for (const rule of rules) {
    const own = shipped.get(rule.id);
    if (own === undefined || own.validator === undefined) continue;
    if (rule.source !== own.source || rule.regex !== own.regex || rule.provider !== own.provider) continue;
    if (own.validator !== own.provider) continue; // a validator is named after its provider
    out.set(rule.id, own.validator);
  }
  return out;
}
