import { readRegularFile } from './bounded-read.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { git } from './git.js';
import { compilePatterns, type PatternList } from './ignore-patterns.js';

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
  readonly matcher: PatternList;
}

/**
 * Whether `rel` (relative to the scan root, `/`-separated, trailing `/` for directories) is ignored.
 * The deepest layer that has an opinion wins, so a nested `!pattern` re-includes what a parent
 * ignored, as in git.
 */
export function isIgnored(layers: readonly IgnoreLayer[], rel: string): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    // a directory's own ignore file speaks only of what is below it
    if (layer.base !== '' && !rel.startsWith(`${layer.base}/`)) continue;
    const local = (layer.above ?? '') + (layer.base === '' ? rel : rel.slice(layer.base.length + 1));
    if (local === '' || local === '/') continue;
    const isDir = local.endsWith('/');
    const verdict = layer.matcher.verdict(isDir ? local.slice(0, -1) : local, isDir);
    if (verdict !== undefined) return verdict === 'ignored';
  }
  return false;
}

/** An ignore file is a list of patterns: past this it is not honoured. */
const MAX_IGNORE_FILE_BYTES = 4 * 1024 * 1024;

export async function readNamedLayer(absDir: string, base: string, names: readonly string[]): Promise<IgnoreLayer | undefined> {
  const texts: string[] = [];
  for (const name of names) {
    try {
      // bounded, and only a regular file: an ignore file in a scanned tree may be a FIFO or /dev/zero
      const read = readRegularFile(name.startsWith('/') ? name : `${absDir}/${name}`, MAX_IGNORE_FILE_BYTES);
      if (read.kind === 'read') texts.push(read.buffer.toString('utf8'));
    } catch {
      // absent: nothing to honour
    }
  }
  return texts.length > 0 ? { base, matcher: compilePatterns(texts.join('\n')) } : undefined;
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
  const own = await readNamedLayer(root, '', ['.gitignore']);
  if (tree === undefined) return { inWorkTree: false, layers: own && respectGitignore ? [own] : [] };
  // Each layer above the root, with the directory it sits in, counted in path parts from the top.
  const parts = tree.prefix.split('/').filter((p) => p !== '');
  const above: { depth: number; matcher: PatternList }[] = [];
  // the excludes file and info/exclude hold patterns relative to the top of the work tree
  for (const file of [excludesFile, join(tree.commonDir, 'info', 'exclude')]) {
    const layer = await readNamedLayer(tree.top, '', [file]);
    if (layer) above.push({ depth: 0, matcher: layer.matcher });
  }
  for (let i = 0; i < parts.length; i++) {
    // A directory git ignores, named on the command line, is scanned whole (keyscan dist/ before
    // publishing), as a named file is: the rules above it would hide all of it, so only its own apply.
    if (i > 0 && isIgnored(toLayers(above, parts, i), '')) return { inWorkTree: true, layers: own ? [own] : [] };
    const dir = parts.slice(0, i).join('/');
    const layer = await readNamedLayer(dir === '' ? tree.top : `${tree.top}/${dir}`, '', ['.gitignore']);
    if (layer) above.push({ depth: i, matcher: layer.matcher });
  }
  if (parts.length > 0 && isIgnored(toLayers(above, parts, parts.length), '')) return { inWorkTree: true, layers: own ? [own] : [] };
  const layers = toLayers(above, parts, parts.length);
  return { inWorkTree: true, layers: own ? [...layers, own] : layers };
}

/** Layers above the directory `parts[0..depth]`, as seen from it (rel '' is that directory, tested as `dir/`). */
function toLayers(above: readonly { depth: number; matcher: PatternList }[], parts: readonly string[], depth: number): IgnoreLayer[] {
  return above.map((l) => ({ base: '', matcher: l.matcher, above: parts.slice(l.depth, depth).map((p) => `${p}/`).join('') }));
}
