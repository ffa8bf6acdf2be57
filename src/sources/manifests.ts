import { readFile } from 'node:fs/promises';

export interface Manifest {
  /** Directory of the package.json, relative to the scan root ('' for the root itself). */
  readonly dir: string;
  readonly text: string;
}

/**
 * The package.json files of a tree (not under node_modules), which tell front-end packages apart
 * for the client-side practice. fast-glob suits this one question: a quick listing by name.
 */
export async function packageManifests(root: string): Promise<Manifest[]> {
  // loaded here: the pre-commit hook never lists a tree and should not pay for loading fast-glob
  const { default: fg } = await import('fast-glob');
  const paths = await fg('**/package.json', { cwd: root, ignore: ['**/node_modules/**', '**/.git/**'], dot: false, followSymbolicLinks: false, suppressErrors: true, deep: 8 });
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
