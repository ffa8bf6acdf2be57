import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Ignore } from 'ignore';
import { git } from './git.js';

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
  /**
   * For a layer read above the scan root (a parent .gitignore, .git/info/exclude): the path from
   * its directory down to the scan root, with a trailing `/`, put before each path it tests.
   */
  readonly above?: string;
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
    const local = (layer.above ?? '') + (layer.base === '' ? rel : rel.slice(layer.base.length + 1));
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

/** Where the scan root sits in a git work tree: what git's ignore chain needs. */
interface WorkTree {
  readonly top: string;
  readonly commonDir: string;
  /** From the top down to the scan root, `/`-terminated; '' at the top. */
  readonly prefix: string;
}

async function workTreeOf(root: string): Promise<WorkTree | undefined> {
  const run = await git(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--show-prefix'], root);
  // 128 outside a repository, or inside .git or a bare one: no work tree, so no git ignore rules
  if (run.code !== 0) return undefined;
  const [top, commonDir, prefix] = run.stdout.split('\n');
  return top && commonDir ? { top, commonDir, prefix: prefix ?? '' } : undefined;
}

/**
 * The user's excludes file: core.excludesFile from the global config only, else git's default
 * ($XDG_CONFIG_HOME/git/ignore). Never from the repository's .git/config: that file is part of
 * what is scanned, and one line there (`excludesFile = /a/file/saying/*`) would hide every
 * untracked file from a scan of it. What the global file hides the user chose to hide.
 */
async function globalExcludesFile(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  const run = await git(['config', '--global', '--type=path', '--get', 'core.excludesFile'], root);
  const configured = run.code === 0 ? run.stdout.trim() : '';
  if (configured !== '') return configured;
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config'), 'git', 'ignore');
}

export interface GitIgnoreChain {
  /** Whether the scan root is inside a git work tree. */
  readonly inWorkTree: boolean;
  /**
   * Lowest precedence first, as isIgnored reads them: the global excludes file, .git/info/exclude,
   * then each .gitignore from the top of the work tree down to the scan root's own.
   */
  readonly layers: readonly IgnoreLayer[];
}

/**
 * Git's ignore rules that apply to the scan root, as `git status` applies them to it: so
 * `keyscan apps/web` skips what `git status` would not show from there. Outside a work tree,
 * .gitignore files count only with `respectGitignore` (ripgrep and fd do the same): an unpacked
 * archive or a build context ships what its .gitignore lists.
 */
export async function gitIgnoreChain(root: string, respectGitignore: boolean, env: NodeJS.ProcessEnv = process.env): Promise<GitIgnoreChain> {
  const [tree, excludesFile] = await Promise.all([workTreeOf(root), globalExcludesFile(root, env)]);
  if (tree === undefined) {
    const own = respectGitignore ? await readNamedLayer(root, '', ['.gitignore']) : undefined;
    return { inWorkTree: false, layers: own ? [own] : [] };
  }
  const layers: IgnoreLayer[] = [];
  // the excludes file and info/exclude hold patterns relative to the top of the work tree
  for (const file of [excludesFile, join(tree.commonDir, 'info', 'exclude')]) {
    const layer = await readNamedLayer(tree.top, '', [file]);
    if (layer) layers.push({ ...layer, above: tree.prefix });
  }
  const parts = tree.prefix.split('/').filter((p) => p !== '');
  for (let i = 0; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const layer = await readNamedLayer(dir === '' ? tree.top : `${tree.top}/${dir}`, '', ['.gitignore']);
    const below = parts.slice(i).join('/');
    if (layer) layers.push(below === '' ? layer : { ...layer, above: `${below}/` });
  }
  return { inWorkTree: true, layers };
}
