import { statSync } from 'node:fs';
import type { FileEntry } from './sources/files.js';

/** Files the pool hands out together, and what they weigh on disk. */
export interface Batch {
  readonly files: FileEntry[];
  readonly bytes: number;
}

export interface BatchLimits {
  readonly bytes: number;
  /** So many tiny (or empty) files still make several batches. */
  readonly files: number;
}

/**
 * About 25 ms of scanning at 40 MB/s: the message per batch costs nothing next to it, and at the
 * end of a scan no thread waits long for another's last batch.
 */
export const BATCH_LIMITS: BatchLimits = { bytes: 1024 * 1024, files: 256 };

/**
 * Groups files into batches of at most `limits.bytes` (and `limits.files`), in walk order. A file
 * over the byte budget is a batch of its own, given out as soon as the walk meets it, while the
 * small files around it keep filling the current batch: the pool can send it to a thread of its
 * own instead of holding up a batch of small files behind it.
 */
export async function* batchesBySize<F extends FileEntry>(
  files: AsyncIterable<F> | Iterable<F>,
  sizeOf: (file: F) => number,
  limits: BatchLimits = BATCH_LIMITS,
): AsyncGenerator<{ files: F[]; bytes: number }> {
  let batch: F[] = [];
  let bytes = 0;
  for await (const file of files) {
    const size = sizeOf(file);
    if (size >= limits.bytes) {
      yield { files: [file], bytes: size };
      continue;
    }
    if (bytes + size > limits.bytes) {
      yield { files: batch, bytes };
      batch = [];
      bytes = 0;
    }
    batch.push(file);
    bytes += size;
    if (batch.length >= limits.files) {
      yield { files: batch, bytes };
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) yield { files: batch, bytes };
}

/** Whether a batch is one file over the budget: better in a worker than in the thread that walks. */
export function isOversized(batch: Batch, limits: BatchLimits = BATCH_LIMITS): boolean {
  return batch.bytes >= limits.bytes;
}

/**
 * A file's size for batching, from one stat (no read). A file that cannot be stat'ed counts as
 * empty: reading it will report why.
 */
export function sizeOnDisk(file: FileEntry): number {
  try {
    // in this thread a non-UTF-8 path is a Buffer (a Uint8Array only after crossing to a worker)
    return statSync(file.abs as string | Buffer, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}
