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

/** How far from the secret an allow marker on its line counts: a minified line can be megabytes. */
const MARKER_REACH = 2048;

/**
 * Stage 6: a keyscan:allow (or another tool's marker) on the secret's first or last line, near the
 * secret. `starts` are the text's line starts; `lineOffset` the fragment's first line less one.
 */
export function isAllowedInline(
  text: string,
  starts: readonly number[],
  at: { readonly line: number; readonly endLine: number },
  lineOffset: number,
  c: { readonly start: number; readonly end: number },
): boolean {
  const first = at.line - lineOffset - 1;
  const last = at.endLine - lineOffset - 1;
  const lineEnd = (i: number): number => (i + 1 < starts.length ? starts[i + 1]! - 1 : text.length);
  const near = (i: number): string => text.slice(Math.max(starts[i]!, c.start - MARKER_REACH), Math.min(lineEnd(i), c.end + MARKER_REACH));
  return hasAllowMarker(near(first)) || (last !== first && hasAllowMarker(near(last)));
}
