import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KeyscanError } from '../errors.js';
import { PRACTICES, type PracticeId } from '../types.js';
import { compileRegex } from './compile.js';
import { parseRuleTable, type AllowlistDefinition, type RuleDefinition } from './definition.js';
import { translateGoRegex } from './go-regex.js';
import { builtinRulesWhere, parseToml } from './load.js';
import { checkConfigRegexes, type ConfigRegex } from './regex-safety.js';

/** The settings of keyscan.toml (or a gitleaks config), as plain data. */
export interface Config {
  /** The file it came from, or undefined for the defaults. */
  readonly source: string | undefined;
  readonly useDefault: boolean;
  readonly disabledRules: readonly string[];
  readonly rules: readonly RuleDefinition[];
  readonly allowlist: Required<Pick<AllowlistDefinition, 'paths' | 'regexes' | 'stopwords'>>;
  readonly practices: { readonly disable: readonly PracticeId[]; readonly maxKeyAge: number | undefined; readonly clientSidePaths: readonly string[] };
  readonly maxFileSize: string | number | undefined;
  readonly validate: boolean | undefined;
  /** Rules of a gitleaks config that could not be translated, with the reason: reported, not dropped in silence. */
  readonly untranslated: readonly string[];
}

export const DEFAULT_CONFIG: Config = {
  source: undefined,
  useDefault: true,
  disabledRules: [],
  rules: [],
  allowlist: { paths: [], regexes: [], stopwords: [] },
  practices: { disable: [], maxKeyAge: undefined, clientSidePaths: [] },
  maxFileSize: undefined,
  validate: undefined,
  untranslated: [],
};

/** keyscan.toml wins over .keyscan.toml, which wins over a gitleaks config. */
export const CONFIG_NAMES = ['keyscan.toml', '.keyscan.toml', '.gitleaks.toml'] as const;

const TOP_KEYS = new Set(['title', 'extend', 'rules', 'allowlist', 'allowlists', 'practices', 'maxFileSize', 'validate', 'validation']);
const GITLEAKS_RULE_KEYS = new Set(['tags', 'allowlists']);

type Table = Record<string, unknown>;

function lineOf(text: string, key: string): number {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*(?:\\[{1,2}[^\\]]*\\b${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b|"?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s*=)`).test(l));
  return at + 1;
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds the config of a scan root: the first of CONFIG_NAMES that exists. */
export function findConfig(root: string): string | undefined {
  for (const name of CONFIG_NAMES) {
    const path = join(root, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadOptions {
  /**
   * A config found in the scanned tree is the repository's, not the user's: it and every file its
   * `[extend] path` names must lie inside this directory. A `--config` the user named is not confined.
   */
  readonly confineTo?: string | undefined;
  /** The real paths of the configs extending this one, to tell a cycle. */
  readonly chain?: readonly string[];
  /** Where verdicts of the regex check are cached (src/rules/regex-safety.ts); none: not cached. */
  readonly regexCacheDir?: string | undefined;
}

function realPathOf(path: string, shown: string): string {
  try {
    return realpathSync(path);
  } catch (err) {
    throw new KeyscanError('CONFIG', `cannot read config ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Reads a keyscan or gitleaks config. Errors name the file, the line and the key. Validation
 * endpoints are not a config setting: they come from the environment or the command line only.
 */
export function loadConfig(path: string, shown: string = path, options: LoadOptions = {}): Config {
  const real = realPathOf(path, shown);
  const chain = options.chain ?? [];
  if (chain.includes(real)) throw new KeyscanError('CONFIG', `${shown}: [extend] path makes a cycle (a config extends itself): remove one of the extends`);
  if (options.confineTo !== undefined && !isInside(real, realPathOf(options.confineTo, options.confineTo)))
    throw new KeyscanError('CONFIG', `${shown}: a repository's config may only extend files inside the repository (use --config to name one elsewhere)`);
  // a FIFO would block the read, a huge file would fill memory: a config is a small regular file
  const info = statSync(real);
  if (!info.isFile()) throw new KeyscanError('CONFIG', `${shown}: a config must be a regular file`);
  if (info.size > MAX_CONFIG_BYTES) throw new KeyscanError('CONFIG', `${shown}: a config may be at most ${MAX_CONFIG_BYTES / 1048576} MiB, this one is ${(info.size / 1048576).toFixed(1)} MiB`);
  let text: string;
  try {
    text = readFileSync(real, 'utf8');
  } catch (err) {
    throw new KeyscanError('CONFIG', `cannot read config ${shown}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  const isGitleaks = path.endsWith('gitleaks.toml') || /gitleaks/i.test(shown);
  const doc = parseToml(text, shown);
  const fail = (key: string, what: string): never => {
    throw new KeyscanError('CONFIG', `${shown}:${lineOf(text, key.split('.').pop()!)}: ${key} ${what}`);
  };
  // Validation endpoints are never taken from a file in the scanned repository (it may be an
  // attacker's): such settings are dropped here, and the scan warns about them when it validates.
  for (const key of Object.keys(doc)) {
    const value = doc[key];
    if (/endpoint/i.test(key)) delete doc[key];
    else if ((key === 'validate' || key === 'validation') && isTable(value)) delete doc[key];
  }
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) fail(key, 'is not a known setting (see README: Configuration)');

  const strings = (v: unknown, key: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return fail(key, 'must be an array of strings');
    return v as string[];
  };

  const extend = doc['extend'];
  if (extend !== undefined && !isTable(extend)) fail('extend', 'must be a table');
  const ext = (extend ?? {}) as Table;
  for (const key of Object.keys(ext)) if (!['useDefault', 'disabledRules', 'path', 'url'].includes(key)) fail(`extend.${key}`, 'is not a known setting');
  if (ext['useDefault'] !== undefined && typeof ext['useDefault'] !== 'boolean') fail('extend.useDefault', 'must be true or false');
  if (ext['url'] !== undefined) fail('extend.url', 'is not supported: keyscan loads no config from the network');
  // gitleaks: a config with [extend] path extends that file; one without [extend] replaces the defaults
  const useDefault = (ext['useDefault'] as boolean | undefined) ?? !isGitleaks;

  const allowlistOf = (v: unknown, key: string): Required<Pick<AllowlistDefinition, 'paths' | 'regexes' | 'stopwords'>> => {
    if (v === undefined) return { paths: [], regexes: [], stopwords: [] };
    const tables = Array.isArray(v) ? v : [v];
    const out = { paths: [] as string[], regexes: [] as string[], stopwords: [] as string[] };
    tables.forEach((t, i) => {
      if (!isTable(t)) fail(key, 'must be a table');
      const k = Array.isArray(v) ? `${key}[${i}]` : key;
      for (const field of Object.keys(t as Table))
        if (!['paths', 'regexes', 'stopwords', 'description', 'regexTarget', 'commits', 'condition', 'targetRules'].includes(field)) fail(`${k}.${field}`, 'is not a known allowlist setting');
      out.paths.push(...strings((t as Table)['paths'], `${k}.paths`));
      out.regexes.push(...strings((t as Table)['regexes'], `${k}.regexes`));
      out.stopwords.push(...strings((t as Table)['stopwords'], `${k}.stopwords`));
    });
    for (const [i, r] of [...out.paths, ...out.regexes].entries()) {
      try {
        compileRegex(translate(r), '', key);
      } catch (err) {
        fail(`${key}`, `has an invalid regex #${i + 1}: ${(err as Error).message}`);
      }
    }
    return { paths: out.paths.map(translate), regexes: out.regexes.map(translate), stopwords: out.stopwords };
  };

  const untranslated: string[] = [];
  const rules: RuleDefinition[] = [];
  const rawRules = doc['rules'] ?? [];
  if (!Array.isArray(rawRules)) fail('rules', 'must be an array of tables ([[rules]])');
  (rawRules as unknown[]).forEach((raw, i) => {
    if (!isTable(raw)) fail(`rules[${i}]`, 'must be a table');
    const t = { ...(raw as Table) };
    const id = typeof t['id'] === 'string' ? t['id'] : `#${i + 1}`;
    if (isGitleaks) for (const k of GITLEAKS_RULE_KEYS) delete t[k];
    const allow = (raw as Table)['allowlists'] ?? (raw as Table)['allowlist'];
    delete t['allowlist'];
    if (typeof t['regex'] === 'string') {
      const translated = translateGoRegex(t['regex']);
      if ('untranslatable' in translated) {
        untranslated.push(`${id}: ${translated.untranslatable}`);
        return;
      }
      t['regex'] = translated.pattern;
    } else if (isGitleaks && t['regex'] === undefined) {
      untranslated.push(`${id}: a path-only rule (no regex) is not supported`);
      return;
    }
    if (t['keywords'] === undefined && typeof t['regex'] === 'string') {
      // gitleaks allows rules without keywords; keyscan needs one to know where to look
      const literal = /[A-Za-z0-9_]{3,}/.exec(String(t['regex']).replace(/\\./g, ' ').replace(/\[[^\]]*\]/g, ' ').replace(/\{\d+(?:,\d*)?\}/g, ' '));
      if (!literal) {
        untranslated.push(`${id}: no keywords and no literal text in the regex to use as one`);
        return;
      }
      t['keywords'] = [literal[0].toLowerCase()];
    }
    if (t['validator'] !== undefined)
      fail(`rules[${i}].validator`, `(rule ${id}) is not allowed in a config: validators belong to keyscan's built-in rules, and a custom rule could send any text to any provider`);
    const def = parseRuleTable(
      {
        provider: 'custom',
        description: id,
        severity: 'high',
        remediation: 'Revoke or rotate this secret and load it from the environment or a secret manager.',
        ...t,
        ...(allow !== undefined ? { allowlist: mergeAllow(allowlistOf(allow, `rules[${i}].allowlists`)) } : {}),
      },
      shown,
      i,
    );
    rules.push(def);
  });

  const practices = doc['practices'];
  if (practices !== undefined && !isTable(practices)) fail('practices', 'must be a table');
  const pr = (practices ?? {}) as Table;
  for (const key of Object.keys(pr)) if (!['disable', 'maxKeyAge', 'clientSidePaths'].includes(key)) fail(`practices.${key}`, 'is not a known setting');
  const clientSidePaths = strings(pr['clientSidePaths'], 'practices.clientSidePaths').map(translate);
  for (const r of clientSidePaths) {
    try {
      compileRegex(r, '', 'practices.clientSidePaths');
    } catch (err) {
      fail('practices.clientSidePaths', `has an invalid regex: ${(err as Error).message}`);
    }
  }
  const disable = strings(pr['disable'], 'practices.disable').map((p) => p.replace(/^practice\//, ''));
  for (const p of disable) if (!PRACTICES.includes(p as PracticeId)) fail('practices.disable', `names an unknown practice ${JSON.stringify(p)} (one of ${PRACTICES.join(', ')})`);
  const maxKeyAge = pr['maxKeyAge'];
  if (maxKeyAge !== undefined && (typeof maxKeyAge !== 'number' && typeof maxKeyAge !== 'bigint')) fail('practices.maxKeyAge', 'must be a number of days');
  const maxFileSize = doc['maxFileSize'];
  if (maxFileSize !== undefined && typeof maxFileSize !== 'string' && typeof maxFileSize !== 'number' && typeof maxFileSize !== 'bigint') fail('maxFileSize', 'must be a size such as "10MB" or a number of bytes');
  const validate = doc['validate'];
  if (validate !== undefined && typeof validate !== 'boolean') fail('validate', 'must be true or false');
  if (doc['validation'] !== undefined) fail('validation', 'is not a config setting (use validate = true)');

  const globalAllow = allowlistOf(doc['allowlists'] ?? doc['allowlist'], doc['allowlists'] ? 'allowlists' : 'allowlist');
  checkConfigRegexes(shown, [
    ...rules.flatMap(ruleRegexes),
    ...globalAllow.regexes.map((source, n) => ({ where: `allowlist regexes[${n}]`, source })),
    ...globalAllow.paths.map((source, n) => ({ where: `allowlist paths[${n}]`, source })),
    ...clientSidePaths.map((source, n) => ({ where: `practices.clientSidePaths[${n}]`, source })),
  ], options.regexCacheDir);

  let base: Config = DEFAULT_CONFIG;
  if (typeof ext['path'] === 'string')
    base = loadConfig(resolve(dirname(path), ext['path']), `${shown} → ${ext['path']}`, { ...options, chain: [...chain, real] });
  return {
    source: shown,
    useDefault: base.source !== undefined ? base.useDefault : useDefault,
    disabledRules: [...base.disabledRules, ...strings(ext['disabledRules'], 'extend.disabledRules')],
    rules: [...base.rules, ...rules],
    allowlist: mergeAllow(base.allowlist, globalAllow),
    practices: {
      disable: [...base.practices.disable, ...(disable as PracticeId[])],
      maxKeyAge: maxKeyAge === undefined ? base.practices.maxKeyAge : Number(maxKeyAge),
      clientSidePaths: [...base.practices.clientSidePaths, ...clientSidePaths],
    },
    maxFileSize: (maxFileSize as string | number | undefined) ?? base.maxFileSize,
    validate: (validate as boolean | undefined) ?? base.validate,
    untranslated: [...base.untranslated, ...untranslated],
  };
}

/** Every regex a config rule carries, named for messages. */
function ruleRegexes(def: RuleDefinition): ConfigRegex[] {
  const at = (key: string): string => `rule ${def.id}: ${key}`;
  const out: ConfigRegex[] = [{ where: at('regex'), source: def.regex }];
  for (const key of ['path', 'context', 'narrowerMatch', 'follows'] as const) {
    const source = def[key];
    if (source !== undefined) out.push({ where: at(key), source });
  }
  def.allowlist?.regexes?.forEach((source, n) => out.push({ where: at(`allowlist regexes[${n}]`), source }));
  def.allowlist?.paths?.forEach((source, n) => out.push({ where: at(`allowlist paths[${n}]`), source }));
  return out;
}

/**
 * The regexes that came from config files (the rules' own and the allowlists'): a scan runs them
 * under a time budget (src/regex-guard.ts). Empty for the defaults, so the hot path stays as it is.
 */
export function configRegexes(config: Config): string[] {
  const all = [
    ...config.rules.flatMap(ruleRegexes).map((r) => r.source),
    ...config.allowlist.regexes,
    ...config.allowlist.paths,
    ...config.practices.clientSidePaths,
  ];
  return [...new Set(all)];
}

function translate(regex: string): string {
  const t = translateGoRegex(regex);
  return 'pattern' in t ? t.pattern : regex;
}

function mergeAllow(...lists: Required<Pick<AllowlistDefinition, 'paths' | 'regexes' | 'stopwords'>>[]): Required<Pick<AllowlistDefinition, 'paths' | 'regexes' | 'stopwords'>> {
  return { paths: lists.flatMap((l) => l.paths), regexes: lists.flatMap((l) => l.regexes), stopwords: lists.flatMap((l) => l.stopwords) };
}

/**
 * The rules a scan runs: the built-ins (unless a config replaces them) minus disabled ones, custom
 * rules (replacing a built-in of the same id), every rule carrying the global allowlist.
 */
// a scan never runs the rules' examples: without them, the hook's start-up parses half the JSON
export function effectiveRules(config: Config, builtins: () => RuleDefinition[] = builtinRulesWhere): RuleDefinition[] {
  const custom = new Map(config.rules.map((r) => [r.id, r]));
  const base = config.useDefault ? builtins().filter((r) => !custom.has(r.id)) : [];
  const all = [...base, ...config.rules].filter((r) => !config.disabledRules.includes(r.id));
  const global = config.allowlist;
  if (global.paths.length + global.regexes.length + global.stopwords.length === 0) return all;
  return all.map((r) => ({
    ...r,
    allowlist: {
      regexTarget: r.allowlist?.regexTarget ?? 'secret',
      regexes: [...(r.allowlist?.regexes ?? []), ...global.regexes],
      stopwords: [...(r.allowlist?.stopwords ?? []), ...global.stopwords],
      paths: [...(r.allowlist?.paths ?? []), ...global.paths],
    },
  }));
}
