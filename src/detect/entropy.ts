// Counts per UTF-16 code unit, reused by every call (detect() is synchronous) and cleared after
// each: a Map per call cost more than the sum itself, once per candidate match.
const counts = new Uint32Array(65536);
const seenOrder: number[] = [];

/**
 * p·log2(p) for p = count / length, per length up to TERMS_MAX_LENGTH (the secrets judged are
 * shorter), computed once: log2 was most of the cost, once per distinct character of each
 * candidate. The same operation on the same numbers, so the same bits.
 */
const TERMS_MAX_LENGTH = 512;
const termsByLength: (Float64Array | undefined)[] = [];

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
  const terms = n <= TERMS_MAX_LENGTH ? (termsByLength[n] ??= new Float64Array(n + 1).fill(NaN)) : undefined;
  let bits = 0;
  for (let k = 0; k < distinct; k++) {
    const c = seenOrder[k]!;
    const count = counts[c]!;
    counts[c] = 0;
    if (terms === undefined) {
      const p = count / n;
      bits -= p * Math.log2(p);
      continue;
    }
    let term = terms[count]!;
    if (term !== term) {
      // NaN: not computed yet
      const p = count / n;
      term = terms[count] = p * Math.log2(p);
    }
    bits -= term;
  }
  return bits;
}
