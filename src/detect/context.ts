/**
 * What a rule's `context` regex finds nearest a secret (its group 1): on the secret's own line
 * first, else the closest match before or after (fewest lines apart, then fewest characters). A Shopify token must be checked against its own
 * shop, not the first myshopify.com host a file happens to mention (which an attacker can plant).
 */
export function nearestContext(context: RegExp, text: string, start: number, end: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  const lineEnd = newline === -1 ? text.length : newline;
  // compileRule gives context regexes the g flag; one without it is copied (from a hand-made rule)
  const all = context.global ? context : new RegExp(context.source, `${context.flags}g`);
  all.lastIndex = 0;
  let best: { value: string; onLine: boolean; distance: number } | undefined;
  for (let m = all.exec(text); m !== null; m = all.exec(text)) {
    if (m[0].length === 0) {
      all.lastIndex++;
      continue;
    }
    const value = m[1];
    if (value === undefined) continue;
    const at = m.index;
    const stop = at + m[0].length;
    const onLine = at < lineEnd && stop > lineStart;
    // in lines, then characters: the host a line above beats one a few blank lines below
    const gap = stop <= start ? text.slice(stop, start) : at >= end ? text.slice(end, at) : '';
    const distance = newlines(gap) * 1e6 + gap.length;
    if (best === undefined || (onLine && !best.onLine) || (onLine === best.onLine && distance < best.distance)) best = { value, onLine, distance };
    if (at > lineEnd && best.onLine) break; // nothing later can beat a match on the line
  }
  return best?.value;
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
