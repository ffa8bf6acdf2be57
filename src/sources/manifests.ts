import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Manifest {
  /** Directory of the package.json, relative to the scan root ('' for the root itself). */
  readonly dir: string;
  readonly text: string;
}

/** How deep package.json files are looked for: a path of at most this many parts (fast-glob's `deep: 8`, used before). */
const MANIFEST_MAX_PARTS = 8;

/**
 * Paths of the package.json files below `root`, as `fast-glob '**' + '/package.json'` with
 * `dot: false`, `followSymbolicLinks: false` and node_modules ignored listed them: regular files
 * only (no link), no dot-directory, no node_modules, unreadable directories passed over. Our own
 * walk: loading fast-glob cost every history scan 30-35 ms before its first commit.
 */
async function packageJsonPaths(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string, parts: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable: the walk reports it; here it only means packages less to classify
    }
    for (const entry of entries) {
      if (entry.isFile()) {
        if (entry.name === 'package.json') found.push(prefix + entry.name);
      } else if (entry.isDirectory() && parts + 1 < MANIFEST_MAX_PARTS && !entry.name.startsWith('.') && entry.name !== 'node_modules') {
        await walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`, parts + 1);
      }
    }
  };
  await walk(root, '', 0);
  return found;
}

/**
 * The package.json files of a tree (not under node_modules), which tell front-end packages apart
 * for the client-side practice.
 */
export async function packageManifests(root: string): Promise<Manifest[]> {
  const paths = await packageJsonPaths(root);
  const manifests: Manifest[] = [];
  for (const path of paths.sort()) {
    try {
      manifests.push({ dir: path === 'package.json' ? '' : path.slice(0, -'/package.json'.length), text: await readFile(`${root}/${path}`, 'utf8') });
    } catch {
      // unreadable: the walk reports it; here it only means one package less to classify
    }
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
    try {
      manifests.push({ dir, text: await readFile(dir === '' ? `${root}/package.json` : `${root}/${dir}/package.json`, 'utf8') });
    } catch {
      // no package.json here
    }
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
    try {
      texts.push(await readFile(`${current}/package.json`, 'utf8'));
    } catch {
      // none here
    }
    if (await exists(`${current}/.git`)) break; // a file in worktrees, a directory elsewhere
  }
  return texts;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
