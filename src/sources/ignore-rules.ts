import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';

// Loaded on the first ignore file found: a repository without one (a hook run, say) never pays for it.
const require = createRequire(import.meta.url);
let ignoreFactory: typeof import('ignore') | undefined;
function newMatcher(): Ignore {
  ignoreFactory ??= require('ignore') as typeof import('ignore');
  return ignoreFactory({ allowRelativePaths: true });
}

/** Directories never walked: version-control internals and installed dependencies. */
export const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);

export interface IgnoreLayer {
  /** Directory the patterns are relative to, relative to the scan root ('' for the root itself). */
  readonly base: string;
  readonly matcher: Ignore;
}

/**
 * Whether `rel` (relative to the scan root, `/`-separated, trailing `/` for directories) is ignored.
 * The deepest layer that has an opinion wins, so a nested `!pattern` re-includes what a parent
 * ignored, as in git.
 */
export function isIgnored(layers: readonly IgnoreLayer[], rel: string): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const local = layer.base === '' ? rel : rel.slice(layer.base.length + 1);
    const verdict = layer.matcher.test(local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/**
 * A filter for paths that do not come from a walk (staged files, files in commits): applies the
 * named ignore files of every directory on the path, as the walk would, reading each directory's
 * files once.
 */
export function createPathFilter(root: string, names: readonly string[]): (rel: string) => Promise<boolean> {
  const layers = new Map<string, Promise<IgnoreLayer | undefined>>();
  const layerOf = (dir: string): Promise<IgnoreLayer | undefined> => {
    let layer = layers.get(dir);
    if (layer === undefined) {
      layer = readNamedLayer(dir === '' ? root : `${root}/${dir}`, dir, names);
      layers.set(dir, layer);
    }
    return layer;
  };
  return async (rel) => {
    const parts = rel.split('/');
    const found: IgnoreLayer[] = [];
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const layer = await layerOf(dir);
      if (layer) found.push(layer);
      // an ignored directory hides everything below it, as in a walk
      if (i > 0 && isIgnored(found, `${dir}/`)) return true;
    }
    return isIgnored(found, rel);
  };
}

export async function readNamedLayer(absDir: string, base: string, names: readonly string[]): Promise<IgnoreLayer | undefined> {
  let matcher: Ignore | undefined;
  for (const name of names) {
    try {
      const text = await readFile(name.startsWith('/') ? name : `${absDir}/${name}`, 'utf8');
      matcher ??= newMatcher();
      matcher.add(text);
    } catch {
      // absent: nothing to honour
    }
  }
  return matcher ? { base, matcher } : undefined;
}
