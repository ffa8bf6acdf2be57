// Writes the benchmark trees. Also a command, to keep trees around for profiling:
//   node bench/generate.mjs <out-dir> [mb] [seed]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { denseTree } from './dense.mjs';
import { createRng } from './prng.mjs';
import { realisticTree } from './realistic.mjs';

export const MB = 1024 * 1024;
/** Enough writes in flight to keep the disk busy without holding much text in memory. */
const WRITE_CONCURRENCY = 32;

/**
 * Writes `entries` under `root`. Entries are pulled one at a time, synchronously, so the PRNG
 * draws happen in the same order however the writes interleave: the tree is the same every run.
 */
export async function writeTree(root, entries) {
  const dirs = new Map();
  const totals = { files: 0, bytes: 0, ignoredFiles: 0, ignoredBytes: 0, dirs: 0 };
  const ensureDir = (dir) => {
    if (!dirs.has(dir)) dirs.set(dir, mkdir(dir, { recursive: true }));
    return dirs.get(dir);
  };
  const writer = async () => {
    for (let step = entries.next(); !step.done; step = entries.next()) {
      const { path, text, ignored } = step.value;
      const abs = join(root, path);
      const bytes = Buffer.byteLength(text);
      if (ignored) {
        totals.ignoredFiles++;
        totals.ignoredBytes += bytes;
      } else {
        totals.files++;
        totals.bytes += bytes;
      }
      await ensureDir(dirname(abs));
      await writeFile(abs, text);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, writer));
  totals.dirs = dirs.size;
  return totals;
}

function countByProvider(planted) {
  if (planted instanceof Map) return planted;
  const counts = new Map();
  for (const { provider } of planted) counts.set(provider, (counts.get(provider) ?? 0) + 1);
  return counts;
}

/**
 * Generates one tree; `files` and `bytes` count what a scan should read (dist/ excluded).
 * Each tree has its own PRNG stream, so changing one generator leaves the other tree as it was.
 */
export async function generateTree(kind, root, { mb, seed }) {
  const started = performance.now();
  const r = createRng(seed * 1000 + (kind === 'realistic' ? 1 : 2));
  const { entries, planted } = (kind === 'realistic' ? realisticTree : denseTree)(r, mb * MB);
  const totals = await writeTree(root, entries);
  return { kind, root, ...totals, planted: countByProvider(planted), seconds: (performance.now() - started) / 1000 };
}

async function main(argv) {
  const [out, mbText = '100', seedText = '1'] = argv;
  if (out === undefined) {
    process.stderr.write('usage: node bench/generate.mjs <out-dir> [mb] [seed]\n');
    process.exitCode = 2;
    return;
  }
  for (const kind of ['realistic', 'dense']) {
    const tree = await generateTree(kind, resolve(out, kind), { mb: Number(mbText), seed: Number(seedText) });
    const planted = [...tree.planted].map(([p, n]) => `${p} ${n}`).join(', ');
    process.stdout.write(`${kind}: ${tree.files} files, ${(tree.bytes / MB).toFixed(1)} MB in ${tree.dirs} dirs (+${tree.ignoredFiles} ignored) in ${tree.seconds.toFixed(1)} s; planted: ${planted}\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
