/**
 * A line holding one of these is not reported: the author said the value is not a secret. Other
 * scanners' markers count too, so a team switching keeps its annotations; of the nosec family only
 * the codes that mean "hard-coded credential" (gosec G101, bandit B105-B107), not a bare nosec.
 */
export const ALLOW_MARKERS: readonly string[] = [
  'keyscan:allow',
  'gitleaks:allow',
  'pragma: allowlist secret',
  'secretlint-disable-line',
  'nosec G101',
  'nosec: G101',
  'nosec B105',
  'nosec B106',
  'nosec B107',
];

export function hasAllowMarker(line: string): boolean {
  for (const marker of ALLOW_MARKERS) if (line.includes(marker)) return true;
  return false;
}
