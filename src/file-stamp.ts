import { crc32OfBytes } from './detect/checksum.js';
import { lazyRequire } from './lazy-require.js';

/*
 * The stamp of a build input's bytes, which tells whether a cache (the rules', the keyword
 * automaton's) was built from exactly them. CRC-32, by zlib where Node has it (20.15 and later):
 * the hook's start checks every rule file, and node:zlib loads and hashes them in about 1 ms where
 * node:crypto's SHA-1 took about 4. Elsewhere a table in JS gives the same value, more slowly. Not
 * a defence against anyone: the files checked are the installed package's own.
 */
type Crc32 = (data: Uint8Array, value?: number) => number;
let crc32: Crc32 | undefined;

/** CRC-32 of `bytes`, continuing from `previous` (the CRC of what came before them). */
export function crc32Of(bytes: Uint8Array, previous = 0): number {
  crc32 ??= lazyRequire<{ crc32?: Crc32 }>('node:zlib').crc32 ?? crc32OfBytes;
  return crc32(bytes, previous);
}
