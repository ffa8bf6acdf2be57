import type { Location } from './types.js';

/**
 * The last text's line starts: detect, its filters, decoding and the practice checks all ask for
 * the same fragment's, and a file of findings paid for the whole pass each time.
 */
let memo: { text: string; starts: readonly number[] } | undefined;

/** Offsets at which each line starts; built once per fragment that has a finding. Do not modify it: it is shared. */
export function lineStarts(text: string): readonly number[] {
  if (memo !== undefined && memo.text === text) return memo.starts;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  memo = { text, starts };
  return starts;
}

/** Index into `starts` of the line holding `offset` (binary search). */
export function lineIndexAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line and column of [start, end); endColumn is exclusive, as in SARIF. */
export function locate(starts: readonly number[], start: number, end: number, lineOffset: number): Location {
  const first = lineIndexAt(starts, start);
  const lastChar = Math.max(start, end - 1);
  const last = lineIndexAt(starts, lastChar);
  return {
    line: first + 1 + lineOffset,
    column: start - starts[first]! + 1,
    endLine: last + 1 + lineOffset,
    endColumn: lastChar - starts[last]! + 2,
  };
}

/** The text of line `index` without its line break. */
export function lineText(text: string, starts: readonly number[], index: number): string {
  const from = starts[index]!;
  const to = index + 1 < starts.length ? starts[index + 1]! - 1 : text.length;
  const line = text.slice(from, to);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
