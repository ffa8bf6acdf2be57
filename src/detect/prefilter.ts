/**
 * One pass over a text for all rule keywords at once (Aho–Corasick, ASCII case folded), so
 * the cost of the prefilter grows with the text and not with the number of rules.
 */
export interface Prefilter {
  readonly keywords: readonly string[];
  /** The automaton, so a build can keep it (src/rules/prefilter-cache.ts) and a start load it instead of building it. */
  readonly tables: PrefilterTables;
  /**
   * Appends [keywordIndex, endOffset] to `out` for every occurrence, in order of end offset.
   * Pairs into one flat array, not a callback per hit: the hot loop stays one function.
   */
  scan(text: string, out: number[]): void;
}

/**
 * The automaton as plain data (typed arrays), so a build can store it and a start-up can load it
 * instead of building it.
 */
export interface PrefilterTables {
  /** Character class of each ASCII code (upper case folded to lower); 0 for any character no keyword uses. */
  readonly classOf: Uint8Array;
  readonly classes: number;
  /**
   * Transitions, indexed by state * classes + class. Each entry is (next state * classes) << 1,
   * plus 1 when the next state ends a keyword: the hot loop reads one entry per character and
   * never a second table unless a keyword ended.
   */
  readonly next: Int32Array;
  /** Per state, the keywords it ends (in the order of the failure chain; empty for most states). */
  readonly ends: readonly (readonly number[])[];
}

export function buildPrefilterTables(keywords: readonly string[]): PrefilterTables {
  // Character classes: 0 for every character no keyword uses, so the table stays small.
  const classOf = new Uint8Array(128);
  let classes = 1;
  for (const kw of keywords) {
    for (const ch of kw) {
      const code = ch.charCodeAt(0);
      if (code >= 128) throw new Error(`keyword ${JSON.stringify(kw)}: keywords must be ASCII`);
      const lower = code >= 65 && code <= 90 ? code + 32 : code;
      if (classOf[lower] === 0) {
        classOf[lower] = classes++;
        if (lower >= 97 && lower <= 122) classOf[lower - 32] = classOf[lower]!;
      }
    }
  }
  if (classes > 255) throw new Error('too many distinct keyword characters');

  // Trie over classes.
  const children: Map<number, number>[] = [new Map()];
  const outputs: number[][] = [[]];
  keywords.forEach((kw, index) => {
    let state = 0;
    for (const ch of kw.toLowerCase()) {
      const cls = classOf[ch.charCodeAt(0)]!;
      let next = children[state]!.get(cls);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        outputs.push([]);
        children[state]!.set(cls, next);
      }
      state = next;
    }
    outputs[state]!.push(index);
  });

  // Breadth-first: failure links, then a full transition table (a DFA), so the scan never backtracks.
  const states = children.length;
  if (states * classes * 2 >= 2 ** 31) throw new Error('too many keyword states');
  const delta = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let cls = 1; cls < classes; cls++) {
    const next = children[0]!.get(cls);
    if (next !== undefined) {
      delta[cls] = next;
      queue.push(next);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const f = fail[state]!;
    outputs[state]!.push(...outputs[f]!);
    for (let cls = 1; cls < classes; cls++) {
      const next = children[state]!.get(cls);
      if (next !== undefined) {
        fail[next] = delta[f * classes + cls]!;
        delta[state * classes + cls] = next;
        queue.push(next);
      } else {
        delta[state * classes + cls] = delta[f * classes + cls]!;
      }
    }
  }
  const next = new Int32Array(states * classes);
  for (let i = 0; i < next.length; i++) {
    const to = delta[i]!;
    next[i] = ((to * classes) << 1) | (outputs[to]!.length > 0 ? 1 : 0);
  }
  return { classOf, classes, next, ends: outputs };
}

/** `tables`: the ones an earlier build made for exactly these keywords, in this order, if any. */
export function buildPrefilter(keywords: readonly string[], tables: PrefilterTables = buildPrefilterTables(keywords)): Prefilter {
  const { classes, next, ends } = tables;
  // Every UTF-16 code unit has a class (0 beyond ASCII): no range test in the loop.
  const classOf = new Uint8Array(65536);
  classOf.set(tables.classOf);
  return {
    keywords,
    tables,
    scan(text, out) {
      let state = 0;
      const n = text.length;
      for (let i = 0; i < n; i++) {
        const entry = next[state + classOf[text.charCodeAt(i)]!]!;
        state = entry >> 1;
        if ((entry & 1) !== 0) {
          const hit = ends[state / classes]!;
          for (let k = 0; k < hit.length; k++) out.push(hit[k]!, i + 1);
        }
      }
    },
  };
}

/**
 * The prefilter, with `texts` scanned now: scanning one of them again copies the hits kept (the
 * hook scans its commit's text once to choose the rules it runs, src/rules-in-play.ts, and then
 * once more in detect()). Any other text is scanned as usual.
 */
export function withHitsKept(prefilter: Prefilter, texts: readonly string[]): Prefilter {
  const kept = new Map<string, number[]>();
  for (const text of texts) {
    if (kept.has(text)) continue;
    const hits: number[] = [];
    prefilter.scan(text, hits);
    kept.set(text, hits);
  }
  return {
    keywords: prefilter.keywords,
    tables: prefilter.tables,
    scan(text, out) {
      const hits = kept.get(text);
      if (hits === undefined) return prefilter.scan(text, out);
      for (let i = 0; i < hits.length; i++) out.push(hits[i]!);
    },
  };
}
