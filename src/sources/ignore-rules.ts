import { readFile } from 'node:fs/promises';
import ignore, { type Ignore } from 'ignore';

/** The ignore files a walk honours in every directory, nested as git nests .gitignore. */
export const IGNORE_FILES = ['.gitignore', '.keyscanignore'] as const;

/** Directories never walked: version-control internals and installed dependencies. */
export const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);

export interface IgnoreLayer {
  /** Directory the patterns are relative to, relative to the scan root ('' for the root itself). */
  readonly base: string;
  readonly matcher: Ignore;
}

/** Reads the ignore files of one directory; undefined when it has none. */
export async function readIgnoreLayer(absDir: string, base: string, extraFiles: readonly string[] = []): Promise<IgnoreLayer | undefined> {
  let matcher: Ignore | undefined;
  for (const name of [...extraFiles, ...IGNORE_FILES.map((f) => `${absDir}/${f}`)]) {
    let text: string;
    try {
      text = await readFile(name, 'utf8');
    } catch {
      continue; // absent or unreadable: nothing to honour
    }
    matcher ??= ignore({ allowRelativePaths: true });
    matcher.add(text);
  }
  return matcher ? { base, matcher } : undefined;
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
