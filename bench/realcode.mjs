// The bench's real-code tree: pinned popular npm packages as published (the eval's real-code list plus
// typescript, about 83 MB of JavaScript, TypeScript declarations and JSON), unpacked side by side under
// os.tmpdir()/keyscan-bench-realcode-<hash of the list>, so only a first run needs the registry.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL_PACKAGES, unpackedPackages } from './npm-packages.mjs';
import { archiveKind } from '../dist/sources/archives.js';
import { DEFAULT_MAX_FILE_SIZE, isBinary } from '../dist/sources/files.js';
import { ALWAYS_SKIPPED_DIRS } from '../dist/sources/ignore-rules.js';

/** typescript: large single files (lib/typescript.js is 9 MB), so the pool's split by bytes shows. */
export const BENCH_PACKAGES = [...REAL_PACKAGES, 'typescript@5.9.3'];
/** What the read floor skips by name: nothing a real package holds, once pruneUnread() ran. */
export const REALCODE_FLOOR_SKIP = [...ALWAYS_SKIPPED_DIRS].join(',');
const PROBE_BYTES = 8192;

function treeDir(specs) {
  const hash = createHash('sha256').update(JSON.stringify(specs)).digest('hex').slice(0, 12);
  return join(tmpdir(), `keyscan-bench-realcode-${hash}`);
}

function startsBinary(path) {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(PROBE_BYTES);
    return isBinary(head.subarray(0, readSync(fd, head, 0, PROBE_BYTES, 0)));
  } finally {
    closeSync(fd);
  }
}

/**
 * Why keyscan would not read a file the way the read floor does (the floor reads every regular file,
 * keyscan skips binaries and files over --max-file-size, opens archives, follows links, honours
 * .keyscanignore), or undefined. Such files are deleted from the tree, so both read the same bytes.
 */
function unreadReason(name, info, abs) {
  if (info.isSymbolicLink()) return 'link';
  if (info.isDirectory()) return ALWAYS_SKIPPED_DIRS.has(name) ? 'skipped dir' : undefined;
  if (!info.isFile()) return 'special';
  if (name === '.keyscanignore') return 'ignore file';
  if (archiveKind(name) !== undefined) return 'archive';
  if (info.size > DEFAULT_MAX_FILE_SIZE) return 'over --max-file-size';
  return startsBinary(abs) ? 'binary' : undefined;
}

/** Deletes what keyscan and the floor would read differently; counts the rest. */
async function pruneUnread(dir, totals, dropped) {
  for (const name of (await readdir(dir)).sort()) {
    const abs = join(dir, name);
    const info = await lstat(abs);
    const reason = unreadReason(name, info, abs);
    if (reason !== undefined) {
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      await rm(abs, { recursive: true, force: true });
    } else if (info.isDirectory()) {
      totals.dirs++;
      await pruneUnread(abs, totals, dropped);
    } else {
      totals.files++;
      totals.bytes += info.size;
    }
  }
}

/**
 * The real-code tree, packed on first use; undefined (after saying why through `log`) when no package
 * could be packed or found in the cache. Packages missing from a partial cache are named.
 */
export async function realCodeTree(log) {
  const started = performance.now();
  const base = treeDir(BENCH_PACKAGES);
  const root = join(base, 'tree');
  const { roots, missing, error } = await unpackedPackages(BENCH_PACKAGES, root);
  if (error !== undefined) log(`!!! real-code tree: ${error.message}; is the npm registry reachable?`);
  if (roots.length === 0) {
    log('!!! REAL-CODE TREE SKIPPED: no package could be packed or found in the cache.');
    return undefined;
  }
  if (missing.length > 0) log(`!!! real-code tree: ${missing.length} of ${BENCH_PACKAGES.length} packages missing (${missing.join(', ')}); measured on the others`);
  // what was pruned when the packages were unpacked is kept next to the tree, to report on later runs
  const droppedFile = join(base, 'dropped.json');
  const dropped = JSON.parse(await readFile(droppedFile, 'utf8').catch(() => '{}'));
  // a pack cut short (Ctrl-C) leaves its work dir behind
  for (const name of await readdir(root)) if (name.startsWith('.pack-')) await rm(join(root, name), { recursive: true, force: true });
  const totals = { files: 0, bytes: 0, dirs: 0 };
  await pruneUnread(root, totals, dropped);
  await writeFile(droppedFile, JSON.stringify(dropped));
  return {
    kind: 'real-code',
    root,
    ...totals,
    packages: roots.map((r) => r.spec),
    dropped,
    floorSkip: REALCODE_FLOOR_SKIP,
    planted: new Map(),
    seconds: (performance.now() - started) / 1000,
  };
}
