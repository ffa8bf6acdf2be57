import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

/**
 * The package.json files of a tree (not under node_modules), which tell front-end packages apart
 * for the client-side practice. fast-glob suits this one question: a quick listing by name.
 */
export async function packageManifests(root: string): Promise<Manifest[]> {
  // loaded here: the pre-commit hook never lists a tree and should not pay for loading fast-glob;
  // by require, which the bundle (src/build-bundle.ts) leaves as it is, not import()
  const fg = createRequire(import.meta.url)('fast-glob') as typeof import('fast-glob');
  const paths = await fg('**/package.json', { cwd: root, ignore: ['**/node_modules/**', '**/.git/**'], dot: false, followSymbolicLinks: false, suppressErrors: true, deep: 8 });
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
  return stat(path).then(
    () => true,
    () => false,
  );
}
