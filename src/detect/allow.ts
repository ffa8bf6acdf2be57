/** A line holding one of these is not reported: the author said the value is not a secret. */
export const ALLOW_MARKERS: readonly string[] = ['keyscan:allow'];

export function hasAllowMarker(line: string): boolean {
  for (const marker of ALLOW_MARKERS) if (line.includes(marker)) return true;
  return false;
}
