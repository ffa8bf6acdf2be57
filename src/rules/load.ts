import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TomlError } from 'smol-toml';
import { KeyscanError } from '../errors.js';
import { lazyRequire } from '../lazy-require.js';
import { crc32Of } from '../file-stamp.js';
import { builtFile, packageFile } from '../package-files.js';
import { parseRuleTable, type RuleDefinition } from './definition.js';

/** The package's rules/ directory. */
export const BUILTIN_RULES_DIR = packageFile('rules/');
/** The built-in rules parsed at build time (dist/rules.json), so start-up skips the TOML parser. */
export const RULES_CACHE = builtFile('rules.json');

// smol-toml loads only when TOML is really parsed: the pre-commit hook reads the JSON cache.
let toml: typeof import('smol-toml') | undefined;

/** Parses TOML; a syntax error names the file, line and column. */
export function parseToml(text: string, source: string): Record<string, unknown> {
  try {
    toml ??= lazyRequire<typeof import('smol-toml')>('smol-toml');
    return toml.parse(text);
  } catch (err) {
    const where = err instanceof toml!.TomlError ? `${source}:${(err as TomlError).line}:${(err as TomlError).column}` : source;
    const first = String((err as Error).message).split('\n')[0];
    throw new KeyscanError('RULES', `${where}: invalid TOML: ${first}`, { cause: err });
  }
}

export function parseRuleFile(text: string, source: string): RuleDefinition[] {
  const doc = parseToml(text, source);
  for (const key of Object.keys(doc)) {
    if (key !== 'rules' && key !== 'title' && key !== 'practices') throw new KeyscanError('RULES', `${source}: unknown top-level key ${key}`);
  }
  const rules = doc['rules'];
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) throw new KeyscanError('RULES', `${source}: rules must be an array of tables ([[rules]])`);
  return rules.map((table, i) => parseRuleTable(table, source, i));
}

export interface RulesCache {
  /** Name, size and mtime of each rule file, to tell a stale cache. */
  readonly files: readonly string[];
  /** With empty examples and negatives: those are in RULE_EXAMPLES_CACHE, which no scan reads. */
  readonly definitions: RuleDefinition[];
}

/** Each built-in rule's examples and negatives, in the order of RulesCache.definitions: for tests and the eval. */
export const RULE_EXAMPLES_CACHE = builtFile('rule-examples.json');
export type RuleExamples = Pick<RuleDefinition, 'examples' | 'negatives'>;

function ruleFileNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.toml')).sort();
  } catch (err) {
    throw new KeyscanError('RULES', `cannot read the built-in rules in ${dir}: reinstall keyscan`, { cause: err });
  }
}

/**
 * Name, size and CRC-32 of each rule file: a cache written at build time is used only for exactly
 * these files (mtimes would not do: an install gives every file the date it was written, in no set
 * order). Every start of the hook checks them (src/file-stamp.ts).
 */
export function ruleFilesStamp(dir: string, names: readonly string[]): string[] {
  return names.map((name) => {
    const bytes = readFileSync(join(dir, name));
    return `${name}:${bytes.length}:${crc32Of(bytes).toString(16)}`;
  });
}

function readCache(dir: string, names: readonly string[], withExamples: boolean): RuleDefinition[] | undefined {
  if (dir !== BUILTIN_RULES_DIR) return undefined;
  let cache: RulesCache;
  let examples: RuleExamples[] | undefined;
  try {
    cache = JSON.parse(readFileSync(RULES_CACHE, 'utf8')) as RulesCache;
    if (withExamples) examples = JSON.parse(readFileSync(RULE_EXAMPLES_CACHE, 'utf8')) as RuleExamples[];
  } catch {
    return undefined; // no build yet, or running from src/: parse the TOML
  }
  const stamp = ruleFilesStamp(dir, names);
  if (stamp.length !== cache.files.length || !stamp.every((s, i) => s === cache.files[i])) return undefined;
  if (examples === undefined) return cache.definitions;
  if (examples.length !== cache.definitions.length) return undefined;
  return cache.definitions.map((def, i) => ({ ...def, examples: examples[i]!.examples, negatives: examples[i]!.negatives }));
}

/**
 * Every rules/*.toml, in file-name order so rule order (a tie-breaker) is stable. A scan asks
 * for them without their examples and negatives (empty): it never runs them, and the hook's
 * start-up then parses half the JSON.
 */
export function loadBuiltinRules(dir: string = BUILTIN_RULES_DIR, options: { readonly withExamples?: boolean } = {}): RuleDefinition[] {
  const withExamples = options.withExamples ?? true;
  // a scan's rules are read once per process (the hook reads them ahead, src/rules-in-play.ts);
  // each caller gets its own array
  const forScan = !withExamples && dir === BUILTIN_RULES_DIR;
  if (forScan && scanRules !== undefined) return [...scanRules];
  const names = ruleFileNames(dir);
  const cached = readCache(dir, names, withExamples);
  if (cached === undefined) return parseRuleFiles(dir, names);
  if (!forScan) return cached;
  scanRules = cached;
  return [...cached];
}

let scanRules: readonly RuleDefinition[] | undefined;

export function parseRuleFiles(dir: string, names: readonly string[] = ruleFileNames(dir)): RuleDefinition[] {
  const defs = names.flatMap((name) => parseRuleFile(readFileSync(join(dir, name), 'utf8'), `rules/${name}`));
  const seen = new Map<string, string>();
  for (const def of defs) {
    const other = seen.get(def.id);
    if (other) throw new KeyscanError('RULES', `rule id ${def.id} is defined twice (${other} and ${def.source})`);
    seen.set(def.id, def.source);
  }
  return defs;
}

/** A practice checked in code (not by a regex rule), with the examples that prove it. */
export interface PracticeCheck {
  readonly practice: string;
  readonly description: string;
  /** `path` and `text` of a file that breaks the practice, and what else a scan must know. */
  readonly examples: readonly { readonly path: string; readonly text: string }[];
  readonly negatives: readonly { readonly path: string; readonly text: string }[];
}

/** The [[practices]] tables of the rule files: data for the test that proves the code-based practices. */
export function loadPracticeChecks(dir: string = BUILTIN_RULES_DIR): PracticeCheck[] {
  return ruleFileNames(dir).flatMap((name) => {
    const doc = parseToml(readFileSync(join(dir, name), 'utf8'), `rules/${name}`);
    const list = doc['practices'];
    if (list === undefined) return [];
    if (!Array.isArray(list)) throw new KeyscanError('RULES', `rules/${name}: practices must be an array of tables ([[practices]])`);
    return list.map((t, i) => {
      const table = t as Record<string, unknown>;
      const files = (key: string): { path: string; text: string }[] => {
        const v = table[key];
        if (!Array.isArray(v) || v.some((e) => typeof (e as Record<string, unknown>)['path'] !== 'string' || typeof (e as Record<string, unknown>)['text'] !== 'string'))
          throw new KeyscanError('RULES', `rules/${name}: practices[${i}].${key} must be an array of { path, text } tables`);
        return v as { path: string; text: string }[];
      };
      if (typeof table['practice'] !== 'string' || typeof table['description'] !== 'string')
        throw new KeyscanError('RULES', `rules/${name}: practices[${i}] needs practice and description strings`);
      return { practice: table['practice'], description: table['description'], examples: files('examples'), negatives: files('negatives') };
    });
  });
}
