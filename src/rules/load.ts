import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { KeyscanError } from '../errors.js';
import { parseRuleTable, type RuleDefinition } from './definition.js';

/** rules/ beside dist/ (built) or src/ (tests): both are two levels below the package root. */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

export function parseRuleFile(text: string, source: string): RuleDefinition[] {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    const where = err instanceof TomlError ? `${source}:${err.line}:${err.column}` : source;
    const first = String((err as Error).message).split('\n')[0];
    throw new KeyscanError('RULES', `${where}: invalid TOML: ${first}`, { cause: err });
  }
  for (const key of Object.keys(doc)) {
    if (key !== 'rules' && key !== 'title') throw new KeyscanError('RULES', `${source}: unknown top-level key ${key}`);
  }
  const rules = doc['rules'];
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) throw new KeyscanError('RULES', `${source}: rules must be an array of tables ([[rules]])`);
  return rules.map((table, i) => parseRuleTable(table, source, i));
}

/** Every rules/*.toml, in file-name order so rule order (a tie-breaker) is stable. */
export function loadBuiltinRules(dir: string = BUILTIN_RULES_DIR): RuleDefinition[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.toml')).sort();
  } catch (err) {
    throw new KeyscanError('RULES', `cannot read the built-in rules in ${dir}: reinstall keyscan`, { cause: err });
  }
  const defs = names.flatMap((name) => parseRuleFile(readFileSync(join(dir, name), 'utf8'), `rules/${name}`));
  const seen = new Map<string, string>();
  for (const def of defs) {
    const other = seen.get(def.id);
    if (other) throw new KeyscanError('RULES', `rule id ${def.id} is defined twice (${other} and ${def.source})`);
    seen.set(def.id, def.source);
  }
  return defs;
}
