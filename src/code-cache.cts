import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/*
 * Loads the bundled CLI (dist/keyscan.cjs, one file written by src/build-bundle.ts) with V8's code
 * cache: the pre-commit hook's start-up is mostly loading and compiling modules, not scanning.
 * Node 20 offers no compile cache for ES modules (module.enableCompileCache came in Node 22), so
 * the bundle is CommonJS, compiled as a vm.Script with the cache the build wrote after a warm-up
 * run, which holds the bytecode of every function that run used.
 *
 * A cache file is used only for exactly the bundle it was made from: V8 itself checks only the
 * source's length, so the file starts with the bundle's CRC-32. zlib's CRC (Node 20.15 and later)
 * costs each start well under a millisecond, where loading node:crypto for a SHA-1 cost 2-3; this
 * guards against a stale or misplaced cache, not against anyone (an attacker who can write the
 * bundle needs no cache). A Node without zlib.crc32 runs the bundle without its cache; a cache
 * another V8 made (another Node version or V8 flags) is rejected by V8. Either way the bundle
 * compiles as usual: slower, same result.
 */

/** The bundle, beside the compiled modules, and its cache. */
export const BUNDLE = 'keyscan.cjs';
export const BUNDLE_CACHE = `${BUNDLE}.v8cache`;
const MAGIC = Buffer.from('KSCC', 'latin1');
const HEAD_BYTES = MAGIC.length + 4;

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly script: Script;
  /** The bundle's CRC-32, which its cache file must start with; undefined on a Node without zlib.crc32. */
  readonly crc: number | undefined;
  readonly cacheRejected: boolean;
}

function crc32Of(bytes: Buffer): number | undefined {
  return (require('node:zlib') as { crc32?: (data: Buffer) => number }).crc32?.(bytes);
}

function cachedDataFor(dir: string, crc: number): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, BUNDLE_CACHE));
  } catch {
    return undefined;
  }
  if (bytes.length <= HEAD_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC) || bytes.readUInt32BE(MAGIC.length) !== crc) return undefined;
  return bytes.subarray(HEAD_BYTES);
}

/** The bytes of the bundle's cache file: the header, then V8's data (what the bundle has compiled so far). */
export function cacheFileBytes(bundle: LoadedBundle): Buffer {
  if (bundle.crc === undefined) throw new Error('this Node has no zlib.crc32 (Node 20.15 and later have it), which the cache is keyed by');
  const head = Buffer.alloc(HEAD_BYTES);
  MAGIC.copy(head);
  head.writeUInt32BE(bundle.crc, MAGIC.length);
  return Buffer.concat([head, bundle.script.createCachedData()]);
}

/**
 * Runs the bundle in `dir` as node would run a CommonJS module, with its cache unless `useCache` is
 * false (the build, which writes it); undefined when there is no bundle (a build without it, or
 * src/ under tests).
 */
export function loadBundle(dir: string, options: { readonly useCache?: boolean } = {}): LoadedBundle | undefined {
  const file = join(dir, BUNDLE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const crc = crc32Of(bytes);
  const cachedData = (options.useCache ?? true) && crc !== undefined ? cachedDataFor(dir, crc) : undefined;
  // the wrapper node gives a CommonJS module
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dir);
  return { exports: module.exports, script, crc, cacheRejected: cachedData === undefined || script.cachedDataRejected === true };
}
