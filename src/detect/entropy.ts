// Counts per UTF-16 code unit, reused by every call (detect() is synchronous) and cleared after
// each: a Map per call cost more than the sum itself, once per candidate match.
const counts = new Uint32Array(65536);
const seenOrder: number[] = [];

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const count = counts[c]!;
    if (count === 0) seenOrder[distinct++] = c;
    counts[c] = count + 1;
  }
  // summed in the order characters first occur, as the Map this replaced iterated: the same bits
  let bits = 0;
  for (let k = 0; k < distinct; k++) {
    const c = seenOrder[k]!;
    const p = counts[c]! / n;
    counts[c] = 0;
    bits -= p * Math.log2(p);
  }
  return bits;
}
