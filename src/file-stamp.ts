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
  crc32 ??= lazyRequire<{ crc32?: Crc32 }>('node:zlib').crc32 ?? crc32InJs;
  return crc32(bytes, previous);
}

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  const made = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    made[n] = c >>> 0;
  }
  return made;
}

/** What zlib.crc32 computes, for a Node without it. */
export function crc32InJs(bytes: Uint8Array, previous = 0): number {
  table ??= crcTable();
  let crc = ~previous;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
