import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** O_NONBLOCK: opening a FIFO (or a file swapped for one after a walk) cannot block; O_NOCTTY: a terminal device never becomes ours. */
export const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

export type BoundedRead =
  | { readonly kind: 'read'; readonly buffer: Buffer }
  | { readonly kind: 'special' }
  /** size: what stat said, when that already was too much; undefined when the read ran past the limit. */
  | { readonly kind: 'too-large'; readonly size: number | undefined };

const GROW_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Reads a file from a scanned tree (or anything it may name: an ignore file, a config, a baseline)
 * with bounds: only a regular file, checked on the open descriptor, and never more than
 * `maxBytes + 1` bytes of it, whatever stat says (a /proc file says 0). Throws what open and read
 * throw (ENOENT, EACCES).
 */
export function readRegularFile(path: string | Uint8Array, maxBytes: number): BoundedRead {
  const fd = openSync(toPath(path), OPEN_FLAGS);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { kind: 'special' };
    if (info.size > maxBytes) return { kind: 'too-large', size: info.size };
    const buffer = readUpTo(fd, info.size, maxBytes);
    return buffer === undefined ? { kind: 'too-large', size: undefined } : { kind: 'read', buffer };
  } finally {
    closeSync(fd);
  }
}

/** At most `maxBytes + 1` bytes: the content, or undefined when there is more than maxBytes. */
function readUpTo(fd: number, sizeHint: number, maxBytes: number): Buffer | undefined {
  const limit = maxBytes + 1;
  let buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(sizeHint + 1, 4096)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length >= limit) return undefined;
      const grown = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2, buffer.length + GROW_MAX_BYTES));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const n = readSync(fd, buffer, length, buffer.length - length, null);
    if (n === 0) break;
    length += n;
  }
  return length > maxBytes ? undefined : buffer.subarray(0, length);
}

/** A worker receives a Buffer path as a plain Uint8Array; fs wants a Buffer. */
function toPath(path: string | Uint8Array): string | Buffer {
  return typeof path === 'string' || Buffer.isBuffer(path) ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);
}
