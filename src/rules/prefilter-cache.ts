import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { Prefilter, PrefilterTables } from '../detect/prefilter.js';
import { crc32Of } from '../file-stamp.js';
import { builtFile } from '../package-files.js';

/*
 * The keyword automaton of the built-in rules, built once by `npm run build` and loaded by every
 * start (the pre-commit hook's latency): building it costs more than the rest of rule loading.
 * Layout: "KSPF", a uint32 header length, the JSON header, padding to 4 bytes, then `next` (the
 * transition table) as raw int32 in this machine's byte order. The header's key is a hash of the keywords (in order)
 * and of the prefilter code that made the tables: other keywords (a config's rules, an edited
 * rules/ directory) or another prefilter build find no cache and build their own automaton.
 */
export interface CacheFiles {
  readonly cache: string;
  /** The prefilter code whose tables the cache holds: part of the key. */
  readonly code: string;
}

/** dist/prefilter.bin and the compiled prefilter beside this module; from src/ (tests) there is no .js, so no cache. */
export const BUILT_CACHE: CacheFiles = {
  cache: builtFile('prefilter.bin'),
  code: builtFile('detect/prefilter.js'),
};
const MAGIC = 'KSPF';
/** What most states end: one frozen list for all, not one array each. */
const NO_KEYWORDS: readonly number[] = Object.freeze([]);

interface Header {
  readonly key: string;
  /** The keywords the tables were built for, in order. */
  readonly keywords: readonly string[];
  readonly endianness: string;
  readonly classOf: readonly number[];
  readonly classes: number;
  readonly nextLength: number;
  /** [state, keywords it ends] for every state that ends one. */
  readonly ends: readonly (readonly [number, readonly number[]])[];
}

function cacheKey(keywords: readonly string[], files: CacheFiles): string | undefined {
  let code: Buffer;
  try {
    code = readFileSync(files.code);
  } catch {
    return undefined;
  }
  return crc32Of(Buffer.from(`\u0000${keywords.join('\n')}`), crc32Of(code)).toString(16);
}

/** The cached tables for exactly these keywords (in this order), or undefined (no cache, other keywords, a damaged file). */
export function cachedPrefilterTables(keywords: readonly string[], files: CacheFiles = BUILT_CACHE): PrefilterTables | undefined {
  const cached = cachedKeywordAutomaton(files);
  const same = cached !== undefined && cached.keywords.length === keywords.length && cached.keywords.every((k, i) => k === keywords[i]);
  return same ? cached.tables : undefined;
}

export interface KeywordAutomaton {
  readonly keywords: readonly string[];
  readonly tables: PrefilterTables;
}

/** The cached automaton with the keywords it was built for (the built-in rules'), or undefined. */
export function cachedKeywordAutomaton(files: CacheFiles = BUILT_CACHE): KeywordAutomaton | undefined {
  if (files !== BUILT_CACHE) return readCache(files);
  // read once per process, whoever asks (the hook reads it ahead, src/rules-in-play.ts)
  builtAutomaton ??= { value: readCache(files) };
  return builtAutomaton.value;
}

let builtAutomaton: { readonly value: KeywordAutomaton | undefined } | undefined;

/** The file's automaton, if its key is that of the keywords it holds and of this prefilter code. */
function readCache(files: CacheFiles): KeywordAutomaton | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(files.cache);
  } catch {
    return undefined;
  }
  try {
    if (bytes.toString('latin1', 0, 4) !== MAGIC) return undefined;
    const headerLength = bytes.readUInt32LE(4);
    const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as Header;
    if (header.endianness !== endianness() || !Array.isArray(header.keywords) || header.key !== cacheKey(header.keywords, files)) return undefined;
    const start = align4(8 + headerLength);
    const { classes, nextLength } = header;
    if (bytes.length !== start + nextLength * 4 || header.classOf.length !== 128 || !(classes > 0) || nextLength % classes !== 0) return undefined;
    // read in place when aligned (a file this size has a memory of its own), else copied
    const at = bytes.byteOffset + start;
    const next = at % 4 === 0 ? new Int32Array(bytes.buffer, at, nextLength) : new Int32Array(bytes.buffer.slice(at, at + nextLength * 4));
    const ends: (readonly number[])[] = new Array<readonly number[]>(nextLength / classes).fill(NO_KEYWORDS);
    for (const [state, list] of header.ends) ends[state] = list;
    return { keywords: header.keywords, tables: { classOf: Uint8Array.from(header.classOf), classes, next, ends } };
  } catch {
    return undefined; // a truncated or foreign file: build the automaton instead
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Writes the prefilter's tables for its keywords (at build time), through a rename so no start reads half a file. */
export function writePrefilterCache(prefilter: Prefilter, files: CacheFiles = BUILT_CACHE): void {
  const key = cacheKey(prefilter.keywords, files);
  if (key === undefined) throw new Error(`cannot read ${files.code}: build the TypeScript first`);
  const { classOf, classes, next, ends } = prefilter.tables;
  const stateEnds: [number, readonly number[]][] = [];
  ends.forEach((list, state) => {
    if (list.length > 0) stateEnds.push([state, list]);
  });
  const header: Header = { key, keywords: prefilter.keywords, endianness: endianness(), classOf: [...classOf], classes, nextLength: next.length, ends: stateEnds };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align4(8 + json.length);
  const out = Buffer.alloc(start + next.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  Buffer.from(next.buffer, next.byteOffset, next.byteLength).copy(out, start);
  writeFileSync(`${files.cache}.tmp`, out);
  renameSync(`${files.cache}.tmp`, files.cache);
}
