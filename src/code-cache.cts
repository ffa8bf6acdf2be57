import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';

/*
 * Loads the bundled CLI (dist/keyscan.cjs and its chunks, written by src/build-bundle.ts) with V8's
 * code cache: the pre-commit hook's start-up is mostly loading and compiling modules, not scanning.
 * Node 20 offers no compile cache for ES modules (module.enableCompileCache came in Node 22), so
 * the bundle is CommonJS and each chunk is compiled as a vm.Script with the cache the build wrote
 * after a warm-up run, which holds the bytecode of every function that run used.
 *
 * A cache file is used only for exactly the chunk it was made from: V8 itself checks only the
 * source's length, so the file starts with the SHA-1 of the chunk. A cache another V8 made (another
 * Node version or V8 flags) is rejected by V8 and the chunk compiles as usual: slower, same result.
 */

/** The bundle's entry chunk, beside the compiled modules. */
export const BUNDLE_ENTRY = 'keyscan.cjs';
/** Chunks name each other `./keyscan-<name>.cjs`; everything else is node's or a dependency. */
const CHUNK = /^\.\/(keyscan[\w.-]*\.cjs)$/;
const MAGIC = Buffer.from('KSCC', 'latin1');
const HASH_BYTES = 20;

export function cacheFileOf(chunkFile: string): string {
  return `${chunkFile}.v8cache`;
}

export interface LoadedChunk {
  readonly name: string;
  readonly script: Script;
  /** The chunk's SHA-1, which a cache file for it must start with. */
  readonly hash: Buffer;
  readonly cacheRejected: boolean;
}

export interface ChunkLoader {
  /** The entry chunk's exports; undefined when there is no bundle (a build without it, or src/ under tests). */
  readonly entry: () => Record<string, unknown> | undefined;
  /** Every chunk loaded so far, in load order (the build writes their caches). */
  readonly loaded: () => readonly LoadedChunk[];
}

function cachedDataFor(file: string, hash: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFileOf(file));
  } catch {
    return undefined;
  }
  const head = MAGIC.length + HASH_BYTES;
  if (bytes.length <= head || !bytes.subarray(0, MAGIC.length).equals(MAGIC) || !bytes.subarray(MAGIC.length, head).equals(hash)) return undefined;
  return bytes.subarray(head);
}

/** The bytes of a cache file for this chunk: the header, then V8's data. */
export function cacheFileBytes(chunk: LoadedChunk): Buffer {
  return Buffer.concat([MAGIC, chunk.hash, chunk.script.createCachedData()]);
}

/** `useCache: false` compiles without the cache files (the build, which writes them). */
export function chunkLoader(dir: string, options: { readonly useCache?: boolean } = {}): ChunkLoader {
  const useCache = options.useCache ?? true;
  const nodeRequire = createRequire(join(dir, BUNDLE_ENTRY));
  const modules = new Map<string, { exports: Record<string, unknown> }>();
  const loaded: LoadedChunk[] = [];

  const requireFromChunk = (id: string): unknown => {
    const chunk = CHUNK.exec(id);
    return chunk === null ? nodeRequire(id) : load(chunk[1]!);
  };

  function load(name: string): Record<string, unknown> {
    const known = modules.get(name);
    if (known !== undefined) return known.exports;
    const file = join(dir, name);
    const bytes = readFileSync(file);
    const hash = createHash('sha1').update(bytes).digest();
    const cachedData = useCache ? cachedDataFor(file, hash) : undefined;
    // the wrapper node gives a CommonJS module, with `require` resolving the chunks to this loader
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) });
    loaded.push({ name, script, hash, cacheRejected: cachedData === undefined || script.cachedDataRejected === true });
    const module = { exports: {} as Record<string, unknown> };
    modules.set(name, module); // before it runs, as node's require does: chunks may import each other
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFromChunk, module, file, dir);
    return module.exports;
  }

  return {
    entry: () => {
      try {
        return load(BUNDLE_ENTRY);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (err as NodeJS.ErrnoException).path === join(dir, BUNDLE_ENTRY)) return undefined;
        throw err;
      }
    },
    loaded: () => loaded,
  };
}
