import type { Finding, PracticeId, PracticeSummary, ScanMode } from '../types.js';
import { PRACTICES } from '../types.js';

const TITLES: Record<PracticeId, string> = {
  'hardcoded-key': 'Keys come from the environment, not the code',
  'key-in-url': 'Keys travel in headers, never in URLs',
  'client-side-exposure': 'Keys stay out of code that reaches browsers',
  'dotenv-committed': '.env files with keys are not committed',
  'dotenv-not-ignored': '.env files are ignored by git',
  'broad-scope-key': 'Keys are of the narrowest kind the provider offers',
  'leaked-in-history': 'No key lingers in git history',
  'stale-key': 'Keys in the repository are rotated',
};

const HISTORY_ONLY: readonly PracticeId[] = ['leaked-in-history', 'stale-key'];

export function practicesChecked(mode: ScanMode, disabled: readonly PracticeId[]): PracticeId[] {
  return PRACTICES.filter((p) => !disabled.includes(p) && (mode === 'history' || !HISTORY_ONLY.includes(p)));
}

/** One line per practice checked: how many findings break it. */
export function summarizePractices(findings: readonly Finding[], checked: readonly PracticeId[]): PracticeSummary[] {
  const counts = new Map<PracticeId, number>();
  const count = (id: PracticeId): void => {
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (const f of findings) {
    if (f.kind === 'practice') count(f.practice);
    else for (const note of f.practices) count(note.id);
  }
  return checked.map((id) => ({ id, title: TITLES[id], violations: counts.get(id) ?? 0 }));
}
