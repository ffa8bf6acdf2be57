import { createRequire } from 'node:module';
import type { Ignore } from 'ignore';

const require = createRequire(import.meta.url);
let ignoreFactory: typeof import('ignore') | undefined;

interface Layer {
  readonly dir: string;
  readonly file: string;
  readonly matcher: Ignore;
}

/** What ignored a path: `.keyscanignore line 4`, `src/.keyscanignore line 1`. */
export type IgnoredBy = string;

/**
 * A filter for paths that come from the index or from commits (not from a walk), which also says
 * which file and line ignored a path, so a report can say what it suppressed. Ignore files are read
 * with `read` (the work tree, or a base commit) once per directory. Nested files win over their
 * parents, and an ignored directory hides everything below it, as in git.
 */
export function createAttributedFilter(read: (rel: string) => Promise<string | undefined>, name: string): (rel: string) => Promise<IgnoredBy | undefined> {
  const layers = new Map<string, Promise<Layer | undefined>>();
  const layerOf = (dir: string): Promise<Layer | undefined> => {
    let layer = layers.get(dir);
    if (layer === undefined) {
      const file = dir === '' ? name : `${dir}/${name}`;
      layer = read(file).then((text) => (text === undefined ? undefined : { dir, file, matcher: matcherOf(text) }));
      layers.set(dir, layer);
    }
    return layer;
  };
  return async (rel) => {
    const parts = rel.split('/');
    const found: Layer[] = [];
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const layer = await layerOf(dir);
      if (layer) found.push(layer);
      if (i > 0) {
        const by = verdict(found, `${dir}/`);
        if (by !== undefined) return by;
      }
    }
    return verdict(found, rel);
  };
}

function matcherOf(text: string): Ignore {
  ignoreFactory ??= require('ignore') as typeof import('ignore');
  const matcher = ignoreFactory({ allowRelativePaths: true });
  // one pattern per line, marked with its line number, so a match names its line
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '' && !line.startsWith('#')) matcher.add({ pattern: line, mark: String(i + 1) });
  });
  return matcher;
}

function verdict(layers: readonly Layer[], rel: string): IgnoredBy | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const local = layer.dir === '' ? rel : rel.slice(layer.dir.length + 1);
    const result = layer.matcher.test(local);
    if (result.ignored) return `${layer.file} line ${result.rule?.mark ?? '?'}`;
    if (result.unignored) return undefined;
  }
  return undefined;
}
