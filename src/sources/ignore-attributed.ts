import { compilePatterns, type PatternList } from './ignore-patterns.js';

interface Layer {
  readonly dir: string;
  readonly file: string;
  /** Each pattern with its line number: the last one that matches decides, and is named. */
  readonly lines: readonly { readonly line: number; readonly pattern: PatternList }[];
}

/** What ignored a path: `.keyscanignore line 4`, `src/.keyscanignore line 1`. */
export type IgnoredBy = string;

/** A path's verdict: at once when every ignore file it depends on was read before, else once they are. */
export type AttributedVerdict = IgnoredBy | undefined | Promise<IgnoredBy | undefined>;

/**
 * A filter for paths that come from the index or from commits (not from a walk), which also says
 * which file and line ignored a path, so a report can say what it suppressed. Ignore files are read
 * with `read` (the work tree, or a base commit) once per directory. Nested files win over their
 * parents, and an ignored directory hides everything below it, as in git. Once a path's
 * directories have been read, its verdict comes back at once, not as a promise: a history asks
 * once per file diff, and an await per directory cost it more than the verdicts.
 */
export function createAttributedFilter(read: (rel: string) => Promise<string | undefined>, name: string): (rel: string) => AttributedVerdict {
  const layers = new Map<string, Promise<Layer | undefined>>();
  // the layers read so far, by directory (undefined: no ignore file there)
  const loaded = new Map<string, Layer | undefined>();
  const layerOf = (dir: string): Promise<Layer | undefined> => {
    let layer = layers.get(dir);
    if (layer === undefined) {
      const file = dir === '' ? name : `${dir}/${name}`;
      layer = read(file).then((text) => {
        const got: Layer | undefined = text === undefined ? undefined : { dir, file, lines: linesOf(text) };
        loaded.set(dir, got);
        return got;
      });
      layers.set(dir, layer);
    }
    return layer;
  };
  // Directories from the top, each one's layer in turn: a verdict, or the first directory whose
  // ignore file is not read yet (an ignored directory decides before the files below it are read).
  const judgeRead = (parts: readonly string[], rel: string): { readonly by: IgnoredBy | undefined } | { readonly unread: string } => {
    const found: Layer[] = [];
    let dir = '';
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) dir = i === 1 ? parts[0]! : `${dir}/${parts[i - 1]!}`;
      if (!loaded.has(dir)) return { unread: dir };
      const layer = loaded.get(dir);
      if (layer) found.push(layer);
      if (i > 0) {
        const by = verdict(found, `${dir}/`);
        if (by !== undefined) return { by };
      }
    }
    return { by: verdict(found, rel) };
  };
  const readingAsNeeded = async (parts: readonly string[], rel: string, unread: string): Promise<IgnoredBy | undefined> => {
    for (let next = unread; ; ) {
      await layerOf(next);
      const judged = judgeRead(parts, rel);
      if ('by' in judged) return judged.by;
      next = judged.unread;
    }
  };
  return (rel) => {
    const parts = rel.split('/');
    const judged = judgeRead(parts, rel);
    return 'by' in judged ? judged.by : readingAsNeeded(parts, rel, judged.unread);
  };
}

function linesOf(text: string): Layer['lines'] {
  const out: { line: number; pattern: PatternList }[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() !== '' && !line.startsWith('#')) out.push({ line: i + 1, pattern: compilePatterns(line) });
  });
  return out;
}

/** `rel` ends with `/` for a directory, as a walk would test it. */
function verdict(layers: readonly Layer[], rel: string): IgnoredBy | undefined {
  const isDir = rel.endsWith('/');
  const path = isDir ? rel.slice(0, -1) : rel;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const local = layer.dir === '' ? path : path.slice(layer.dir.length + 1);
    for (let j = layer.lines.length - 1; j >= 0; j--) {
      const result = layer.lines[j]!.pattern.verdict(local, isDir);
      if (result === 'ignored') return `${layer.file} line ${layer.lines[j]!.line}`;
      if (result === 'unignored') return undefined;
    }
  }
  return undefined;
}
