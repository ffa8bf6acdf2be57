/**
 * Rules read quotes; JSON strings (notebooks, configs embedded in JSON) escape them. The scan runs
 * on a view without those backslashes, and positions are mapped back for locations.
 */
export interface QuoteView {
  readonly text: string;
  /** Offsets in the view where a backslash was dropped, ascending. */
  readonly removedAt: readonly number[];
}

/** The text with each backslash before a double quote dropped, and where (in the view) they were. */
export function withoutQuoteEscapes(text: string): { text: string; removedAt: number[] } {
  if (!text.includes('\\"')) return { text, removedAt: [] };
  const removedAt: number[] = [];
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\\"'); i !== -1; i = text.indexOf('\\"', i + 2)) {
    out += text.slice(from, i);
    removedAt.push(out.length);
    from = i + 1;
  }
  return { text: out + text.slice(from), removedAt };
}

/** A view offset's place in the original text: later by the backslashes dropped at or before it. */
export function toOriginal(removedAt: readonly number[], offset: number): number {
  let lo = 0;
  let hi = removedAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (removedAt[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return offset + lo;
}
