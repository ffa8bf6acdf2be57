import { createHash } from 'node:crypto';
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
 * source's length, so the file starts with the SHA-1 of the bundle. A cache another V8 made
 * (another Node version or V8 flags) is rejected by V8 and the bundle compiles as usual: slower,
 * same result.
 */

/** The bundle, beside the compiled modules, and its cache. */
export const BUNDLE = 'keyscan.cjs';
export const BUNDLE_CACHE = `${BUNDLE}.v8cache`;
const MAGIC = Buffer.from('KSCC', 'latin1');
const HASH_BYTES = 20;

export interface LoadedBundle {
  readonly exports: Record<string, unknown>;
  readonly script: Script;
  /** The bundle's SHA-1, which its cache file must start with. */
  readonly hash: Buffer;
  readonly cacheRejected: boolean;
}

function cachedDataFor(dir: string, hash: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, BUNDLE_CACHE));
  } catch {
    return undefined;
  }
  const head = MAGIC.length + HASH_BYTES;
  if (bytes.length <= head || !bytes.subarray(0, MAGIC.length).equals(MAGIC) || !bytes.subarray(MAGIC.length, head).equals(hash)) return undefined;
  return bytes.subarray(head);
}

/** The bytes of the bundle's cache file: the header, then V8's data (what the bundle has compiled so far). */
export function cacheFileBytes(bundle: LoadedBundle): Buffer {
  return Buffer.concat([MAGIC, bundle.hash, bundle.script.createCachedData()]);
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
  const hash = createHash('sha1').update(bytes).digest();
  const cachedData = (options.useCache ?? true) ? cachedDataFor(dir, hash) : undefined;
  // the wrapper node gives a CommonJS module
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dir);
  return { exports: module.exports, script, hash, cacheRejected: cachedData === undefined || script.cachedDataRejected === true };
}
