// The read floor: walking a tree and reading every file in Node, with nothing scanned. No scanner
// written in Node gets below it, so keyscan/floor is what the scanning itself costs.
//   node bench/read-floor.mjs <root> [threads] [skip-dir,...]
// threads 0 reads in this thread; n > 0 walks here and reads in n workers. Prints {files, bytes}.
import { opendir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Reads in flight in total, as a scanner reading ahead would have. */
const CONCURRENCY = 16;
const BATCH_FILES = 32;

/** Depth-first, files before subdirectories, skipping directories by name (as .gitignore would). */
async function* walk(dir, skip) {
  const subdirs = [];
  for await (const entry of await opendir(dir)) {
    if (entry.isDirectory()) {
      if (!skip.has(entry.name)) subdirs.push(join(dir, entry.name));
    } else if (entry.isFile()) {
      yield join(dir, entry.name);
    }
  }
  for (const sub of subdirs) yield* walk(sub, skip);
}

/** Reads every path with at most `limit` reads in flight. */
async function readAll(paths, limit) {
  const totals = { files: 0, bytes: 0 };
  const inFlight = new Set();
  for await (const path of paths) {
    const read = readFile(path).then((buffer) => {
      totals.files++;
      totals.bytes += buffer.length;
      inFlight.delete(read);
    });
    inFlight.add(read);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return totals;
}

/** Paths arriving as messages, consumed as an async iterable; ends when `null` arrives. */
async function* messages(port) {
  const queue = [];
  let head = 0;
  let wake;
  port.on('message', (batch) => {
    queue.push(batch);
    wake?.();
  });
  for (;;) {
    if (head === queue.length) await new Promise((resolve) => (wake = resolve));
    const batch = queue[head++];
    if (batch === null) return;
    yield* batch;
  }
}

async function readInWorkers(root, threads, skip) {
  const workers = Array.from({ length: threads }, () => new Worker(new URL(import.meta.url), { workerData: { limit: Math.ceil(CONCURRENCY / threads) } }));
  const results = workers.map((w) => new Promise((resolve, reject) => (w.once('message', resolve), w.once('error', reject))));
  let batch = [];
  let next = 0;
  for await (const path of walk(root, skip)) {
    batch.push(path);
    if (batch.length === BATCH_FILES) {
      workers[next++ % threads].postMessage(batch);
      batch = [];
    }
  }
  if (batch.length > 0) workers[next % threads].postMessage(batch);
  for (const w of workers) w.postMessage(null);
  const totals = await Promise.all(results);
  await Promise.all(workers.map((w) => w.terminate()));
  return totals.reduce((sum, t) => ({ files: sum.files + t.files, bytes: sum.bytes + t.bytes }), { files: 0, bytes: 0 });
}

async function main(argv) {
  const [root, threadsText = '0', skipText = ''] = argv;
  const threads = Number(threadsText);
  const skip = new Set(skipText.split(',').filter(Boolean));
  const totals = threads === 0 ? await readAll(walk(root, skip), CONCURRENCY) : await readInWorkers(root, threads, skip);
  process.stdout.write(`${JSON.stringify(totals)}\n`);
}

if (isMainThread) {
  await main(process.argv.slice(2));
} else {
  parentPort.postMessage(await readAll(messages(parentPort), workerData.limit));
}
