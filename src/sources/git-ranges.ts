import { KeyscanError } from '../errors.js';
import { commitExists, mergeBase } from './git-config.js';
import { isShallowRepository } from './git.js';

/** The ends of a revision argument: `a..b`, `a...b`, `^a`, `a`; an empty side means HEAD. */
export function rangeEnds(rev: string): { from?: string; to: string } {
  // <rev>^! (that commit alone), <rev>^@ (its parents), <rev>^-N (a merge's side): check <rev>
  const suffixed = /^(.+?)\^(?:!|@|-\d*)$/.exec(rev);
  if (suffixed) return { to: suffixed[1]! };
  const m = /^(.*?)\.{2,3}(.*)$/.exec(rev);
  if (m) return { from: m[1] || 'HEAD', to: m[2] || 'HEAD' };
  if (rev.startsWith('^')) return { from: rev.slice(1), to: 'HEAD' };
  return { to: rev };
}

function fetchAdvice(rev: string): string {
  const remote = /^([A-Za-z0-9._-]+)\/[^/]/.exec(rev)?.[1];
  const fetch = remote !== undefined && remote !== 'refs' ? `git fetch --unshallow ${remote}` : 'git fetch --unshallow';
  return `run \`${fetch}\` (in GitHub Actions: actions/checkout with fetch-depth: 0)`;
}

/**
 * Checks that every revision resolves and, in a shallow clone, that each range's history is really
 * here: a range whose base was cut off would scan too little and pass in silence.
 * Returns warnings for what is scanned but incomplete.
 */
export async function checkRevisions(root: string, revisions: readonly string[]): Promise<string[]> {
  const shallow = await isShallowRepository(root);
  const warnings: string[] = [];
  if (revisions.length === 0 && shallow)
    warnings.push(`this is a shallow clone: commits before its cut-off are not scanned; ${fetchAdvice('')}`);
  for (const rev of revisions) {
    const { from, to } = rangeEnds(rev);
    for (const end of from === undefined ? [to] : [from, to]) {
      if (await commitExists(root, end)) continue;
      if (shallow) throw new KeyscanError('GIT', `${end} is not in this shallow clone, so ${rev} cannot be scanned: ${fetchAdvice(end)}`);
      throw new KeyscanError('GIT', `unknown revision ${end} (in ${rev}); fetch it or check the name`);
    }
    if (shallow && from !== undefined && (await mergeBase(root, from, to)) === undefined)
      throw new KeyscanError('GIT', `the history between ${from} and ${to} is cut off by this shallow clone: ${fetchAdvice(from)}`);
    if (shallow && from === undefined)
      warnings.push(`this is a shallow clone: commits of ${rev} before its cut-off are not scanned; ${fetchAdvice(rev)}`);
  }
  return warnings;
}
