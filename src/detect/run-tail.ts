/**
 * A `follows` check that ends in a search along the line, `(?=[^\n]{0,N}?[C]{K})` ("a run of K
 * characters of C starts within N characters, on this line"), is split here into the regex before
 * that lookahead and the search, which runs as a loop that skips: the regex engine reads every
 * character of the line (0.3-0.4 µs a keyword hit for the 32-hex search of generic-hex-secret on
 * the generated history, most of its joined follows check); the loop reads about one in K (0.03 µs).
 * A search for a run after a lead character (a quote) is left to the regex: there the engine was
 * faster than a loop that reads every character.
 *
 * Only a split that keeps the check's meaning is made: the part before the search must be
 * lookarounds only (it consumes nothing, so the search starts where the check does, and there is
 * no top-level alternation), and the flags must not change what a class or `[^\n]` means (no u,
 * v). Anything else stays one regex.
 */

export interface RunTail {
  /** How many characters the search may pass over before the run starts (the N of `{0,N}?`). */
  readonly within: number;
  readonly run: CharClass;
  /** How many characters of `run` in a row (the K of `{K}`). */
  readonly length: number;
}

/** A bracket class, as its regex judges each UTF-16 unit (flags included): ASCII from a table, the rest by the regex. */
export interface CharClass {
  readonly ascii: Uint8Array;
  readonly regex: RegExp;
}

export interface SplitFollows {
  /** The check without its search: `(?:)` when nothing was left. */
  readonly head: RegExp;
  readonly tail: RunTail | undefined;
}

const TAIL = /\(\?=\[\^\\n\]\{0,(\d{1,4})\}\?(\[(?:\\.|[^\]\\])+\])\{(\d{1,3})\}\)$/;

/** `follows` as a head regex and a run search, or whole (tail undefined) when its shape does not allow the split. */
export function splitRunTail(follows: RegExp): SplitFollows {
  const whole = { head: follows, tail: undefined };
  if (/[uv]/.test(follows.flags)) return whole;
  const m = TAIL.exec(follows.source);
  if (m === null) return whole;
  const head = follows.source.slice(0, m.index);
  if (!isLookaroundsOnly(head)) return whole;
  const length = Number(m[3]);
  if (length < 1) return whole;
  const classFlags = follows.flags.replace(/[gyd]/g, '');
  try {
    return {
      head: new RegExp(head, follows.flags),
      tail: { within: Number(m[1]), run: charClass(m[2]!, classFlags), length },
    };
  } catch {
    return whole;
  }
}

/** Every ASCII character once, in code order: the class marks its members in one pass over it. */
const ASCII = String.fromCharCode(...Array.from({ length: 128 }, (_, c) => c));

function charClass(source: string, flags: string): CharClass {
  const regex = new RegExp(source, flags);
  const ascii = new Uint8Array(128);
  // one global pass, not a test per character: 128 tests made V8 compile the class to native code
  // at every start of the hook (0.2 ms against 0.1). One character per match: no u or v flag here
  const all = new RegExp(source, `${flags}g`);
  for (let m = all.exec(ASCII); m !== null; m = all.exec(ASCII)) ascii[m.index] = 1;
  return { ascii, regex };
}

function holds(cls: CharClass, code: number): boolean {
  return code < 128 ? cls.ascii[code] === 1 : cls.regex.test(String.fromCharCode(code));
}

/**
 * Whether a source is a sequence of lookaround groups and nothing else: `(?=…)`, `(?!…)`, `(?<=…)`,
 * `(?<!…)` at the top level, each closed before the next. Read, not run.
 */
function isLookaroundsOnly(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      if (depth === 0) return false;
      i++;
    } else if (inClass) inClass = ch !== ']';
    else if (ch === '[') {
      if (depth === 0) return false;
      inClass = true;
    } else if (ch === '(') {
      if (depth === 0 && !/^\(\?(?:=|!|<=|<!)/.test(source.slice(i, i + 4))) return false;
      depth++;
    } else if (ch === ')') depth--;
    else if (depth === 0) return false; // a top-level character, quantifier or `|`
  }
  return depth === 0;
}

/**
 * Whether the search holds at `at`: a run of `length` characters of `run` starts within `within` of
 * it, by `lineEnd` (the first '\n' at or after `at`, or the text's length), which the caller knows
 * from walking the text's lines once.
 *
 * The search looks at the last character a run from s would need first: outside the class, no run
 * from s up to that place exists, and the search moves past it (in most text one look per `length`
 * characters); inside, it reads back towards s, and a character outside moves s past it. What was
 * read is not read again.
 */
export function runTailHolds(tail: RunTail, text: string, at: number, lineEnd: number): boolean {
  const { run, length } = tail;
  const n = text.length;
  // `[^\n]{0,within}?` passes no line break: the run starts by lineEnd
  const lastStart = Math.min(at + tail.within, lineEnd);
  let s = at;
  let knownTo = s - 1; // text[s..knownTo] is in the class
  while (s <= lastStart && s + length <= n) {
    const last = s + length - 1;
    if (!holds(run, text.charCodeAt(last))) {
      s = last + 1;
      knownTo = last;
      continue;
    }
    let q = last - 1;
    while (q > knownTo && holds(run, text.charCodeAt(q))) q--;
    if (q <= knownTo) return true;
    s = q + 1;
    knownTo = last;
  }
  return false;
}
