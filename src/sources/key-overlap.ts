/*
 * `git grep -o` reports one match per place: where two of its patterns overlap in a file (one
 * holds the other, or the end of one is the start of the other), only one is reported there. A key
 * that grep did not report, but that could overlap one it did, may still be at HEAD.
 */

/** The length of the longest proper border of `text` (a prefix that is also a suffix): KMP's failure function, in linear time. */
function border(text: string): number {
  const fail = new Int32Array(text.length);
  let k = 0;
  for (let i = 1; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = fail[k - 1]!;
    if (text[i] === text[k]) k++;
    fail[i] = k;
  }
  return text.length === 0 ? 0 : fail[text.length - 1]!;
}

/**
 * Whether two one-line keys could overlap in a text: one holds the other, or a start of one is an
 * end of the other. Linear in their lengths (the keys come from the scanned history).
 */
export function canOverlap(a: string, b: string): boolean {
  // a newline is in neither key, so no border runs across it
  return a.includes(b) || b.includes(a) || border(`${b}\n${a}`) > 0 || border(`${a}\n${b}`) > 0;
}
