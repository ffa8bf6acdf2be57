import type { ScanStats } from '../types.js';

/** How many findings were kept out of the report, in all. */
export function suppressedTotal(stats: ScanStats): number {
  return Object.values(stats.suppressed ?? {}).reduce((a, b) => a + b, 0);
}

/**
 * `3 suppressed: 2 by baseline, 1 by .keyscanignore line 4`, or '' when nothing was: a report that
 * passes must say what it did not show, so a silenced check cannot pass for a clean one.
 */
export function suppressedText(stats: ScanStats): string {
  const total = suppressedTotal(stats);
  if (total === 0) return '';
  const by = Object.entries(stats.suppressed ?? {}).map(([what, n]) => `${n} by ${what}`);
  return `${total} suppressed: ${by.join(', ')}`;
}
