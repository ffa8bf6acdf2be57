import { readRegularFile } from './bounded-read.js';
import { git } from './git.js';

/**
 * Where the files that can silence a scan are read from: config, .keyscanignore, .gitleaksignore,
 * the baseline. In a pull request's check that is the base commit, which the pull request cannot
 * change; elsewhere it is the work tree. Paths are relative to the top of the work tree.
 */
export interface TrustedSide {
  /** For messages: `the base commit 1a2b3c4d5e6f`, or `the work tree`. */
  readonly label: string;
  /** A base commit's files, the work tree's, or none (a base that is not in the clone). */
  readonly kind: 'commit' | 'work-tree' | 'none';
  readonly read: (rel: string) => Promise<string | undefined>;
  /** Paths (relative, `/`-separated) of every file with this name. */
  readonly find: (name: string) => Promise<string[]>;
}

/** Settings files are small; past this a file is not honoured rather than read whole. */
const MAX_TRUSTED_FILE_BYTES = 4 * 1024 * 1024;

export function workTreeSide(root: string): TrustedSide {
  return {
    label: 'the work tree',
    kind: 'work-tree',
    read: async (rel) => {
      try {
        // bounded, and never a FIFO: a file named .gitleaksignore may be anything
        const read = readRegularFile(`${root}/${rel}`, MAX_TRUSTED_FILE_BYTES);
        return read.kind === 'read' ? read.buffer.toString('utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    // the work tree's ignore files are found as a walk descends; only commits are listed up front
    find: async () => [],
  };
}

/** The files of a commit, read through git (never checked out): the trusted side of a range. */
export function commitSide(root: string, commit: string): TrustedSide {
  const cache = new Map<string, Promise<string | undefined>>();
  let listing: Promise<string[]> | undefined;
  return {
    label: `the base commit ${commit.slice(0, 12)}`,
    kind: 'commit',
    read: (rel) => {
      let text = cache.get(rel);
      if (text === undefined) {
        text = readBlob(root, commit, rel);
        cache.set(rel, text);
      }
      return text;
    },
    find: async (name) => {
      listing ??= git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', commit], root).then((run) => (run.code === 0 ? run.stdout.split('\u0000').filter((p) => p !== '') : []));
      return (await listing).filter((p) => p === name || p.endsWith(`/${name}`));
    },
  };
}

async function readBlob(root: string, commit: string, rel: string): Promise<string | undefined> {
  const spec = `${commit}:${rel}`;
  const size = await git(['cat-file', '-s', spec], root);
  if (size.code !== 0 || Number(size.stdout.trim()) > MAX_TRUSTED_FILE_BYTES) return undefined;
  const run = await git(['cat-file', 'blob', spec], root);
  return run.code === 0 ? run.stdout : undefined;
}

/** Nothing to read: a range whose base is not here must not fall back to the range's own files. */
export const NO_SIDE: TrustedSide = { label: 'no commit (the base is not in this clone)', kind: 'none', read: async () => undefined, find: async () => [] };

/** The full hash of a revision's commit, or undefined when it does not resolve. */
export async function resolveCommit(root: string, rev: string): Promise<string | undefined> {
  const run = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], root);
  const sha = run.stdout.trim();
  return run.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}
