/**
 * A gate is a cheaper regex that every match of an anchored rule also matches at the same anchor,
 * so where the gate fails the rule need not run. Rules that share a gate (the generic assignment
 * rules share their name-and-operator part) pay for it once per anchor.
 *
 * The gate is the rule's leading items (top level, before the first that captures) with every
 * lookahead dropped: a prefix of a sequence and a dropped zero-width condition only widen what
 * matches, so a rule match implies a gate match. Lookbehinds stay: they are cheap and fail early.
 */

/** End of the item starting at `i` (a group, class, escape or character) and its quantifier. */
function itemEnd(source: string, i: number): number {
  let j = i;
  const c = source[j];
  if (c === '\\') j += 2;
  else if (c === '[') {
    j++;
    if (source[j] === '^') j++;
    while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
    j++;
  } else if (c === '(') {
    let depth = 0;
    while (j < source.length) {
      const d = source[j];
      if (d === '\\') j += 2;
      else if (d === '[') j = itemEnd(source, j);
      else {
        if (d === '(') depth++;
        else if (d === ')' && --depth === 0) {
          j++;
          break;
        }
        j++;
      }
    }
  } else j++;
  return quantifierEnd(source, j);
}

function quantifierEnd(source: string, j: number): number {
  let k = j;
  const q = source[k];
  if (q === '*' || q === '+' || q === '?') k++;
  else if (q === '{') {
    const m = /^\{\d+(?:,\d*)?\}/.exec(source.slice(k, k + 16));
    if (m === null) return j;
    k += m[0].length;
  } else return j;
  return source[k] === '?' ? k + 1 : k;
}

/** Whether a group item holds a capturing group anywhere inside. */
function captures(item: string): boolean {
  for (let i = 0; i < item.length; i++) {
    const c = item[i];
    if (c === '\\') i++;
    else if (c === '[') i = itemEnd(item, i) - 1;
    else if (c === '(' && (item[i + 1] !== '?' || (item[i + 2] === '<' && item[i + 3] !== '=' && item[i + 3] !== '!'))) return true;
  }
  return false;
}

/** The source with every lookahead ((?=…), (?!…), and a quantifier on one) removed, at any depth but inside a lookbehind. */
function withoutLookaheads(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; ) {
    const c = source[i];
    if (c === '(' && source[i + 1] === '?' && (source[i + 2] === '=' || source[i + 2] === '!')) {
      i = itemEnd(source, i);
    } else if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) {
      // whole: inside a negative lookbehind, a dropped lookahead would narrow the gate
      const end = itemEnd(source, i);
      out += source.slice(i, end);
      i = end;
    } else if (c === '\\') {
      out += source.slice(i, i + 2);
      i += 2;
    } else if (c === '[') {
      const end = itemEnd(source, i);
      // itemEnd took the class's quantifier too; copy both
      out += source.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const MIN_GATE_BODY = 16;

function withoutLookbehinds(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; ) {
    if (source.startsWith('(?<=', i) || source.startsWith('(?<!', i)) i = itemEnd(source, i);
    else {
      const next = source[i] === '\\' ? i + 2 : i + 1;
      out += source.slice(i, next);
      i = next;
    }
  }
  return out;
}

/** The gate's source for an anchored rule's regex source, or undefined when it would not be cheaper or safe. */
export function gateSource(source: string): string | undefined {
  let end = 0;
  while (end < source.length) {
    if (source[end] === '|') return undefined; // a top-level alternation has no common prefix
    const next = itemEnd(source, end);
    if (source[end] === '(' && captures(source.slice(end, next))) break;
    end = next;
  }
  if (end === 0 || end >= source.length) return undefined;
  const prefix = source.slice(0, end);
  // a backreference or a named group would change meaning once groups go
  if (/\\[1-9]|\\k<|\(\?<[A-Za-z_$]/.test(prefix)) return undefined;
  const gate = withoutLookaheads(prefix);
  // a gate of little more than lookbehinds checks too little to pay for its run
  return withoutLookbehinds(gate).length >= MIN_GATE_BODY ? gate : undefined;
}
