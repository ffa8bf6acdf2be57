// Regexes from a config file run in JavaScript's backtracking engine, where a nested repeat such as
// (a+)+$ takes seconds on 30 characters and forever on 40 (gitleaks' RE2 never backtracks). Each
// one is checked when the config loads, with recheck (its pure-JS backend: no child process, no
// Java, nothing downloaded), and one that backtracks exponentially is refused. Polynomial ones and
// those recheck cannot decide in time are let through: the scan's time budget (src/regex-guard.ts)
// stops them if they really run long.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KeyscanError } from '../errors.js';
import { lazyRequire } from '../lazy-require.js';
import { nodeCrypto } from '../node-crypto.js';

/** One regex of a config, with what to call it in a message. */
export interface ConfigRegex {
  /** `rule acme-token: regex`, `allowlist.regexes[2]`… */
  readonly where: string;
  readonly source: string;
}

export type RegexVerdict = 'safe' | 'polynomial' | 'exponential' | 'unknown';

/** Per regex, per attempt; a config's whole check stops after TOTAL_MS (the rest is left to the budget). */
const ATTEMPT_MS = 1000;
const TOTAL_MS = 5000;
/** Repeats bounded above this are read as unbounded when recheck cannot decide the exact form in time. */
const BOUND_KEPT = 10;
const CACHE_VERSION = 'recheck-4.5.0-3';

type Recheck = typeof import('recheck');
let recheck: Recheck | undefined;

function loadRecheck(): Recheck {
  // recheck picks its backend from the environment only; keyscan wants the in-process pure one
  process.env['RECHECK_SYNC_BACKEND'] = 'pure';
  recheck ??= lazyRequire<Recheck>('recheck');
  return recheck;
}

/**
 * Rewrites a regex source outside escapes and character classes: at each position `rewrite` may
 * return a replacement and how many characters it stands for.
 */
function rewriteSyntax(source: string, rewrite: (rest: string) => readonly [string, number] | undefined): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else {
      const replaced = rewrite(source.slice(i, i + 24));
      if (replaced === undefined) out += c;
      else {
        out += replaced[0];
        i += replaced[1] - 1;
      }
    }
  }
  return out;
}

/** `{n,m}` with a large m (or none) becomes `*` or `+`: same ambiguity, a far smaller automaton. */
export function looseBounds(source: string): string {
  return rewriteSyntax(source, (rest) => {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (m === null) return undefined;
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : m[3] === '' ? Infinity : Number(m[3]);
    return [high > BOUND_KEPT ? (low === 0 ? '*' : '+') : m[0], m[0].length];
  });
}

/**
 * Lookarounds as plain groups: recheck's automaton cannot read some of them ((?=(a+)+$) is
 * "unsupported"), and what backtracks inside one backtracks the same as a group.
 */
export function openLookarounds(source: string): string {
  return rewriteSyntax(source, (rest) => {
    const marker = /^\(\?(?:=|!|<=|<!)/.exec(rest)?.[0];
    return marker === undefined ? undefined : ['(?:', marker.length];
  });
}

function checkForm(form: string, flags: string, timeout: number): RegexVerdict {
  try {
    // the automaton checker decides without running the regex; a short attack search keeps it quick
    const result = loadRecheck().checkSync(form, flags, { checker: 'automaton', timeout, attackLimit: 1000, attackTimeout: 10, maxAttackStringSize: 1000 });
    if (result.status === 'safe') return 'safe';
    if (result.status === 'vulnerable') return result.complexity.type === 'exponential' ? 'exponential' : 'polynomial';
  } catch {
    // an error of the checker is no verdict: the time budget still applies
  }
  return 'unknown';
}

/**
 * The regex as written, and with its large bounds read as unbounded: recheck calls (a{1,30}){1,30}
 * safe (bounded), yet it takes JavaScript seconds on 26 characters. Either form exponential is enough.
 */
function checkOne(source: string, flags: string, timeout: number): RegexVerdict {
  const exact = checkForm(source, flags, timeout);
  if (exact === 'exponential') return exact;
  const loose = looseBounds(source);
  // lookarounds opened only when recheck could not decide the regex as written
  const forms = [loose, ...(exact === 'unknown' ? [looseBounds(openLookarounds(source))] : [])].filter((f, i, all) => f !== source && all.indexOf(f) === i);
  let verdict = exact;
  for (const form of forms) {
    const approx = checkForm(form, flags, timeout);
    if (approx === 'exponential') return approx;
    if (verdict === 'unknown') verdict = approx;
  }
  return verdict;
}

/** Where verdicts are kept: $XDG_CACHE_HOME/keyscan, else ~/.cache/keyscan. */
export function regexCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'keyscan');
}

/** Verdicts by hash of regex and flags: the pre-commit hook should not load recheck on every commit. */
function readCache(path: string): Record<string, RegexVerdict> {
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { version?: string; verdicts?: Record<string, RegexVerdict> };
    return doc.version === CACHE_VERSION && typeof doc.verdicts === 'object' && doc.verdicts !== null ? doc.verdicts : {};
  } catch {
    return {};
  }
}

function writeCache(path: string, verdicts: Record<string, RegexVerdict>): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: CACHE_VERSION, verdicts }));
    renameSync(temp, path);
  } catch {
    // a cache that cannot be written only costs time
  }
}

function keyOf(source: string, flags: string): string {
  return nodeCrypto().createHash('sha256').update(`${flags}\u0000${source}`).digest('hex').slice(0, 32);
}

/** A gitleaks-style `(?i)` prefix is the `i` flag, as compileRegex reads it. */
function splitFlags(source: string): { source: string; flags: string } {
  return source.startsWith('(?i)') ? { source: source.slice(4), flags: 'i' } : { source, flags: '' };
}

/**
 * Refuses a config whose regex backtracks exponentially; the error names the file, where the regex
 * is and why. Returns the verdicts. Without `cacheDir`, nothing is cached.
 */
export function checkConfigRegexes(file: string, regexes: readonly ConfigRegex[], cacheDir?: string): RegexVerdict[] {
  if (regexes.length === 0) return [];
  const path = cacheDir === undefined ? undefined : join(cacheDir, 'regex-verdicts.json');
  const cache = path === undefined ? {} : readCache(path);
  let changed = false;
  const deadline = Date.now() + TOTAL_MS;
  const verdicts = regexes.map(({ where, source: raw }) => {
    const { source, flags } = splitFlags(raw);
    const key = keyOf(source, flags);
    let verdict = cache[key];
    if (verdict === undefined) {
      const left = deadline - Date.now();
      verdict = left <= 0 ? 'unknown' : checkOne(source, flags, Math.min(ATTEMPT_MS, left));
      if (verdict !== 'unknown') {
        cache[key] = verdict;
        changed = true;
      }
    }
    return verdict;
  });
  if (changed && path !== undefined) writeCache(path, cache);
  regexes.forEach(({ where, source: raw }, i) => {
    if (verdicts[i] === 'exponential')
      throw new KeyscanError(
        'CONFIG',
        `${file}: ${where}: ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw)} can backtrack exponentially (a repeat inside a repeat, or alternatives that overlap under a repeat), so a few dozen characters would hang the scan: rewrite it so each character can be matched one way only`,
      );
  });
  return verdicts;
}
