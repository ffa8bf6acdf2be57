import type { Worker } from 'node:worker_threads';
import { BATCH_LIMITS, type Batch } from './batch-by-size.js';
import { KeyscanError } from './errors.js';
import { lazyRequire } from './lazy-require.js';
import { fromPlainFinding, type BatchOutcome, type BatchRequest, type PlainFinding } from './scan-batch.js';

type Reply = { id: number; error?: string } & Omit<BatchOutcome, 'findings'> & { findings: PlainFinding[] };

export interface Pool {
  /** Whether a worker would take a batch now, without waiting. */
  hasRoom(): boolean;
  /** Resolves when the batch is accepted (a worker has room), not when it is done. */
  submit(batch: Batch): Promise<void>;
  /** Waits for every batch and stops the workers. */
  drain(): Promise<BatchOutcome>;
}

/** Each worker keeps this many batches queued, so it never waits on the main thread. */
const BATCHES_PER_WORKER = 2;
/**
 * ...but takes a second one only while what it holds is at most this much: a worker busy with one
 * large file is not given more, which another worker (or the main thread) would finish sooner.
 */
const QUEUED_BYTES_PER_WORKER = BATCH_LIMITS.bytes;

export function createPool(size: number, workerData: unknown): Pool {
  // required here, not imported: the bundle (src/build-bundle.ts) would load it at every start
  const { Worker: WorkerThread } = lazyRequire<typeof import('node:worker_threads')>('node:worker_threads');
  const url = new URL('./scan-worker.js', import.meta.url);
  const total: BatchOutcome = { findings: [], skipped: [], files: 0, bytes: 0, allowed: 0 };
  const pending = new Map<number, { worker: number; bytes: number; resolve: () => void; reject: (err: Error) => void }>();
  const load = new Array<number>(size).fill(0);
  const queuedBytes = new Array<number>(size).fill(0);
  let failure: Error | undefined;
  let nextId = 0;
  let wake: (() => void) | undefined;

  const workers = Array.from({ length: size }, (_, w) => {
    const worker: Worker = new WorkerThread(url, { workerData });
    worker.on('message', (reply: Reply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      load[w]!--;
      queuedBytes[w]! -= job.bytes;
      if (reply.error !== undefined) {
        failure ??= new KeyscanError('INTERNAL', `a scan worker failed: ${reply.error.split('\n')[0]}`);
        job.reject(failure);
      } else {
        for (const f of reply.findings) total.findings.push(fromPlainFinding(f));
        for (const s of reply.skipped) total.skipped.push(s);
        if (reply.warnings?.length) (total.warnings ??= []).push(...reply.warnings);
        total.files += reply.files;
        total.bytes += reply.bytes;
        total.allowed += reply.allowed;
        job.resolve();
      }
      wake?.();
    });
    worker.on('error', (err) => {
      failure ??= new KeyscanError('INTERNAL', `a scan worker failed: ${err.message}`, { cause: err });
      for (const [id, job] of pending) if (job.worker === w) { pending.delete(id); job.reject(failure); }
      wake?.();
    });
    return worker;
  });

  const done: Promise<void>[] = [];
  const hasRoom = (w: number): boolean => load[w] === 0 || (load[w]! < BATCHES_PER_WORKER && queuedBytes[w]! <= QUEUED_BYTES_PER_WORKER);
  /** The worker with room that holds the fewest bytes, or -1. */
  const roomiest = (): number => {
    let best = -1;
    for (let w = 0; w < size; w++) if (hasRoom(w) && (best === -1 || queuedBytes[w]! < queuedBytes[best]!)) best = w;
    return best;
  };
  const waitForRoom = async (): Promise<number> => {
    for (;;) {
      if (failure) throw failure;
      const best = roomiest();
      if (best !== -1) return best;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  return {
    hasRoom() {
      return failure === undefined && roomiest() !== -1;
    },
    async submit(batch) {
      const w = await waitForRoom();
      const id = nextId++;
      load[w]!++;
      queuedBytes[w]! += batch.bytes;
      const finished = new Promise<void>((resolve, reject) => pending.set(id, { worker: w, bytes: batch.bytes, resolve, reject }));
      finished.catch(() => undefined); // drain() reports it; until then it must not count as unhandled
      done.push(finished);
      const request: BatchRequest = { id, files: batch.files };
      workers[w]!.postMessage(request);
    },
    async drain() {
      try {
        await Promise.all(done);
      } finally {
        await Promise.all(workers.map((worker) => worker.terminate()));
      }
      return total;
    },
  };
}
