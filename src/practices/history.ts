import type { Finding, PracticeId } from '../types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The history practices, for findings of `keyscan git`: a key no longer in the tree is still
 * leaked (it must be revoked, not deleted); a key still there whose first commit is older than
 * `maxKeyAgeDays` has not been rotated.
 */
export function applyHistoryPractices(
  findings: readonly Finding[],
  isAtHead: (secret: string) => boolean,
  nowMs: number,
  maxKeyAgeDays: number,
  disabled: readonly PracticeId[],
): Finding[] {
  return findings.map((f) => {
    if (f.kind !== 'secret' || (f.origin.kind !== 'commit' && f.origin.kind !== 'message')) return f;
    const present = isAtHead(f.secret.reveal());
    if (!present) {
      if (disabled.includes('leaked-in-history')) return f;
      return {
        ...f,
        practices: [
          ...f.practices,
          {
            id: 'leaked-in-history',
            fix: 'the key is gone from the current tree but stays in git history, where every clone has it: revoke it at the provider (deleting the line does not help), then rewrite history (git filter-repo) if the repository is shared',
          },
        ],
      };
    }
    const introduced = Date.parse(f.origin.date);
    const ageDays = Math.floor((nowMs - introduced) / DAY_MS);
    if (disabled.includes('stale-key') || Number.isNaN(introduced) || ageDays <= maxKeyAgeDays) return f;
    return {
      ...f,
      practices: [
        ...f.practices,
        { id: 'stale-key', fix: `the key has been in the repository for ${ageDays} days (over --max-key-age ${maxKeyAgeDays}) without rotation: rotate it, and keep the new one out of the repository` },
      ],
    };
  });
}
