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
/**
 * The built-in rules parsed at build time, so start-up skips the TOML parser: a header line (the
 * rule files it was built from, each rule's id and keywords), then each rule's definition as JSON
 * on a line of its own. A scan parses only the definitions it runs: the hook runs the few rules
 * whose keywords its commit holds (src/rules-in-play.ts), and parsing all 600 cost its start 3-4 ms.
 */
export const RULES_CACHE = builtFile('rules.jsonl');

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

interface RulesCacheHeader {
  /** Name, size and CRC-32 of each rule file, to tell a stale cache. */
  readonly files: readonly string[];
  /** Each rule's id and keywords, in the order of the definition lines. */
  readonly rules: readonly (readonly [string, readonly string[]])[];
}

/** The cache file's text for these definitions, given with empty examples and negatives (RULE_EXAMPLES_CACHE holds those, which no scan reads). */
export function rulesCacheText(files: readonly string[], definitions: readonly RuleDefinition[]): string {
  const header: RulesCacheHeader = { files, rules: definitions.map((def) => [def.id, def.keywords]) };
  // JSON.stringify writes no raw line break: one line per value
  return [header, ...definitions].map((value) => JSON.stringify(value)).join('\n');
}

/** The cache as read: its header, and each rule's definition parsed when first asked for. */
interface CachedRules {
  readonly header: RulesCacheHeader;
  readonly lines: readonly string[];
  readonly parsed: (RuleDefinition | undefined)[];
}

/** Each built-in rule's examples and negatives, in the order of the definitions in RULES_CACHE: for tests and the eval. */
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

function readCache(): CachedRules | undefined {
  let lines: string[];
  let header: RulesCacheHeader;
  try {
    lines = readFileSync(RULES_CACHE, 'utf8').split('\n');
    header = JSON.parse(lines[0]!) as RulesCacheHeader;
  } catch {
    return undefined; // no build yet, or running from src/: parse the TOML
  }
  const stamp = ruleFilesStamp(BUILTIN_RULES_DIR, ruleFileNames(BUILTIN_RULES_DIR));
  if (stamp.length !== header.files.length || !stamp.every((s, i) => s === header.files[i])) return undefined;
  if (lines.length !== header.rules.length + 1) return undefined;
  return { header, lines, parsed: [] };
}

function definitionAt(cache: CachedRules, i: number): RuleDefinition {
  try {
    return (cache.parsed[i] ??= JSON.parse(cache.lines[i + 1]!) as RuleDefinition);
  } catch (err) {
    // its header was whole and its rule files unchanged: a line was damaged since the build
    throw new KeyscanError('RULES', `the built-in rules cache ${RULES_CACHE} is damaged: reinstall keyscan`, { cause: err });
  }
}

// read once per process, whoever asks (the hook reads it ahead, src/rules-in-play.ts); undefined
// when there is no usable cache
let builtinCache: { readonly value: CachedRules | undefined } | undefined;

function cachedBuiltinRules(): CachedRules | undefined {
  builtinCache ??= { value: readCache() };
  return builtinCache.value;
}

/**
 * The built-in rules a scan runs, without their examples and negatives (a scan never runs them):
 * those `keep` accepts by id and keywords, whose definitions alone are parsed. Each call returns
 * an array of its own; the definitions in it are shared, and read-only.
 */
export function builtinRulesWhere(keep: (id: string, keywords: readonly string[]) => boolean = () => true): RuleDefinition[] {
  const cache = cachedBuiltinRules();
  if (cache === undefined) return parseRuleFiles(BUILTIN_RULES_DIR).filter((def) => keep(def.id, def.keywords));
  const kept: RuleDefinition[] = [];
  cache.header.rules.forEach(([id, keywords], i) => {
    if (keep(id, keywords)) kept.push(definitionAt(cache, i));
  });
  return kept;
}

/** Reads the built-in rules' cache now (and keeps it for the process), parsing no definition: the hook does so while it waits for git. */
export function readBuiltinRulesAhead(): void {
  cachedBuiltinRules();
}

/**
 * Every rules/*.toml, in file-name order so rule order (a tie-breaker) is stable, with their
 * examples and negatives: for tests, the eval and the build's warm-up. A scan asks builtinRulesWhere.
 */
export function loadBuiltinRules(dir: string = BUILTIN_RULES_DIR): RuleDefinition[] {
  const cache = dir === BUILTIN_RULES_DIR ? cachedBuiltinRules() : undefined;
  if (cache === undefined) return parseRuleFiles(dir);
  let examples: RuleExamples[];
  try {
    examples = JSON.parse(readFileSync(RULE_EXAMPLES_CACHE, 'utf8')) as RuleExamples[];
  } catch {
    return parseRuleFiles(dir);
  }
  if (examples.length !== cache.header.rules.length) return parseRuleFiles(dir);
  return cache.header.rules.map((_, i) => ({ ...definitionAt(cache, i), examples: examples[i]!.examples, negatives: examples[i]!.negatives }));
}

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
