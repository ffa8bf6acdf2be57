/**
 * One pass over a text for all rule keywords at once (Aho–Corasick, ASCII case folded), so
 * the cost of the prefilter grows with the text and not with the number of rules.
 */
export interface Prefilter {
  readonly keywords: readonly string[];
  /** The automaton, so a build can keep it (src/rules/prefilter-cache.ts) and a start load it instead of building it. */
  readonly tables: PrefilterTables;
  /** Calls `onHit(keywordIndex, endOffset)` for every occurrence, in order of end offset. */
  scan(text: string, onHit: (keyword: number, end: number) => void): void;
}

/** A DFA over character classes: `delta` indexed by state * classes, `emitOf[state]` an index into `emitLists` (0: none). */
export interface PrefilterTables {
  readonly classOf: Uint8Array;
  readonly delta: Int32Array;
  readonly emitOf: Int32Array;
  readonly emitLists: readonly (readonly number[])[];
}

/** `cached`: the tables an earlier build made for exactly these keywords, in this order. */
export function buildPrefilter(keywords: readonly string[], cached?: PrefilterTables): Prefilter {
  if (cached !== undefined) return prefilterOf(keywords, cached);
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
  const delta = new Int32Array(states * classes);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let cls = 1; cls < classes; cls++) {
    const next = children[0]!.get(cls);
    if (next !== undefined) {
      delta[cls] = next * classes;
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
        fail[next] = delta[f * classes + cls]! / classes;
        delta[state * classes + cls] = next * classes;
        queue.push(next);
      } else {
        delta[state * classes + cls] = delta[f * classes + cls]!;
      }
    }
  }
  // Indexed by state * classes, the form the scan loop carries, to save a multiply per character;
  // a typed array, since a holey JS array that large drops to slow dictionary mode.
  const emitOf = new Int32Array(states * classes);
  const emitLists: (readonly number[])[] = [[]];
  for (let s = 0; s < states; s++)
    if (outputs[s]!.length > 0) {
      emitOf[s * classes] = emitLists.length;
      emitLists.push(outputs[s]!);
    }

  return prefilterOf(keywords, { classOf, delta, emitOf, emitLists });
}

function prefilterOf(keywords: readonly string[], tables: PrefilterTables): Prefilter {
  const { classOf, delta, emitOf, emitLists } = tables;
  return {
    keywords,
    tables,
    scan(text, onHit) {
      let state = 0;
      const n = text.length;
      for (let i = 0; i < n; i++) {
        const code = text.charCodeAt(i);
        state = delta[state + (code < 128 ? classOf[code]! : 0)]!;
        if (state !== 0) {
          const e = emitOf[state]!;
          if (e !== 0) {
            const hit = emitLists[e]!;
            for (let k = 0; k < hit.length; k++) onHit(hit[k]!, i + 1);
          }
        }
      }
    },
  };
}
