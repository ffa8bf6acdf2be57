import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuleSet, detect, type RuleSet } from '../../src/detect/detect.js';
import { compileRule } from '../../src/rules/compile.js';
import type { RuleDefinition } from '../../src/rules/definition.js';
import { BUILTIN_RULES_DIR, loadBuiltinRules, parseRuleFile } from '../../src/rules/load.js';
import type { Finding, Fragment, SecretFinding } from '../../src/types.js';

export function ruleFiles(): { name: string; text: string }[] {
  return readdirSync(BUILTIN_RULES_DIR)
    .filter((n) => n.endsWith('.toml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(BUILTIN_RULES_DIR, name), 'utf8') }));
}

export function builtinDefinitions(): RuleDefinition[] {
  return loadBuiltinRules();
}

export function fileDefinitions(name: string, text: string): RuleDefinition[] {
  return parseRuleFile(text, `rules/${name}`);
}

export function ruleSetOf(defs: readonly RuleDefinition[]): RuleSet {
  return buildRuleSet(defs.map(compileRule));
}

export function fragmentOf(text: string, path = 'example.txt'): Fragment {
  return { text, origin: { kind: 'file', path }, lineOffset: 0 };
}

export function findIn(text: string, set: RuleSet, path?: string): Finding[] {
  return detect(fragmentOf(text, path), set);
}

export function secretsIn(text: string, set: RuleSet, path?: string): SecretFinding[] {
  return findIn(text, set, path).filter((f): f is SecretFinding => f.kind === 'secret');
}

/** What a finding found: the secret, or for a practice finding, where it points. */
export function shown(f: Finding): string {
  return f.kind === 'secret' ? f.secret.reveal() : f.evidence;
}
