import type { Dirent } from 'node:fs';
import { promises as fsp, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readRegularFile } from './bounded-read.js';

export interface Manifest {
  /** Directory of the package.json, relative to the scan root ('' for the root itself). */
  readonly dir: string;
  readonly text: string;
}

/** A package.json larger than this tells nothing a scan needs (which packages run in browsers). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * A package.json of the scanned tree, read as any file there is (src/sources/bounded-read.ts): a
 * FIFO, a device or a huge file under that name is no manifest, and never blocks the scan.
 */
function readManifest(path: string): string | undefined {
  try {
    const read = readRegularFile(path, MAX_MANIFEST_BYTES);
    return read.kind === 'read' ? read.buffer.toString('utf8') : undefined;
  } catch {
    return undefined; // none here, or unreadable
  }
}

/** How deep package.json files are looked for: a path of at most this many parts (fast-glob's `deep: 8`, used before). */
const MANIFEST_MAX_PARTS = 8;

/**
 * Paths of the package.json files below `root`, as `fast-glob '**' + '/package.json'` with
 * `dot: false`, `followSymbolicLinks: false` and node_modules ignored listed them: regular files
 * only (no link), no dot-directory, no node_modules, unreadable directories passed over. Our own
 * walk: loading fast-glob cost every history scan 30-35 ms before its first commit.
 */
function packageJsonPaths(root: string): string[] {
  const found: string[] = [];
  // synchronous: a history scan waits for this walk before its first commit (git log waits on
  // its pipe meanwhile), and a promise per directory made 202 directories cost 45-60 ms
  const walk = (dir: string, prefix: string, parts: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable: the walk reports it; here it only means packages less to classify
    }
    for (const entry of entries) {
      if (entry.isFile()) {
        if (entry.name === 'package.json') found.push(prefix + entry.name);
      } else if (entry.isDirectory() && parts + 1 < MANIFEST_MAX_PARTS && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`, parts + 1);
      }
    }
  };
  walk(root, '', 0);
  return found;
}

/**
 * The package.json files of a tree (not under node_modules), which tell front-end packages apart
 * for the client-side practice.
 */
export async function packageManifests(root: string): Promise<Manifest[]> {
  const paths = packageJsonPaths(root);
  const manifests: Manifest[] = [];
  for (const path of paths.sort()) {
    // unreadable: the walk reports it; here it only means one package less to classify
    const text = readManifest(`${root}/${path}`);
    if (text !== undefined) manifests.push({ dir: path === 'package.json' ? '' : path.slice(0, -'/package.json'.length), text });
  }
  return manifests;
}

/** The package.json files on the way from the root to each path: enough for a few staged files. */
export async function manifestsAbove(root: string, paths: readonly string[]): Promise<Manifest[]> {
  const dirs = new Set<string>(['']);
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const manifests: Manifest[] = [];
  for (const dir of [...dirs].sort()) {
    const text = readManifest(dir === '' ? `${root}/package.json` : `${root}/${dir}/package.json`);
    if (text !== undefined) manifests.push({ dir, text });
  }
  return manifests;
}

/**
 * The package.json files in the directories above `dir`, up to the top of its repository (or 8
 * levels): a scan of `src/` still belongs to the package around it.
 */
export async function manifestsAboveDir(dir: string): Promise<string[]> {
  const texts: string[] = [];
  let current = dir;
  for (let level = 0; level < 8; level++) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
    const text = readManifest(`${current}/package.json`);
    if (text !== undefined) texts.push(text);
    if (await exists(`${current}/.git`)) break; // a file in worktrees, a directory elsewhere
  }
  return texts;
}

async function exists(path: string): Promise<boolean> {
  return fsp.stat(path).then(
    () => true,
    () => false,
  );
}
