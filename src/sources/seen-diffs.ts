import { nodeCrypto } from '../node-crypto.js';

/** Per generation: a history of about this many file diffs is deduplicated whole. */
export const DIFFS_PER_GENERATION = 1 << 16;

/** SHA-256 in base64: crypto.hash (Node 20.12 and later) in one call, a third of createHash's cost per diff. */
function digestFunction(): (key: string) => string {
  const crypto = nodeCrypto();
  return typeof crypto.hash === 'function' ? (key) => crypto.hash('sha256', key, 'base64') : (key) => crypto.createHash('sha256').update(key).digest('base64');
}

/**
 * Which file diffs a history scan has read already (a cherry-pick, the same change merged from a
 * branch), in bounded memory. An entry is a digest of the blob pair and path: the raw key would keep
 * its `index` and `+++` lines alive, about 400 bytes an entry. Two generations of at most
 * `perGeneration` digests, the older dropped when the newer fills (about 12 MB at most): a diff met
 * again after that is scanned again, which costs time but changes no finding, since a key is
 * reported once per rule and file whatever the number of diffs that add it.
 */
export function seenDiffs(perGeneration = DIFFS_PER_GENERATION): (key: string) => boolean {
  let older = new Set<string>();
  let newer = new Set<string>();
  const digestOf = digestFunction();
  return function isNew(key) {
    const digest = digestOf(key);
    if (newer.has(digest)) return false;
    const known = older.has(digest);
    if (newer.size >= perGeneration) {
      older = newer;
      newer = new Set();
    }
    newer.add(digest); // a diff met again stays remembered
    return !known;
  };
}
