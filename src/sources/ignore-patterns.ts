/**
 * .gitignore patterns as git reads them (gitignore(5), dir.c and wildmatch.c): each pattern
 * matches a path by itself, never because a directory above it matches. Whether a parent
 * directory is excluded is the walk's business: it does not descend into one, which is how git
 * makes a file below an excluded directory impossible to re-include.
 */

interface Pattern {
  readonly tokens: readonly Token[];
  readonly negated: boolean;
  readonly dirOnly: boolean;
  /** No slash in it: tested against the last path segment, at any depth. */
  readonly basenameOnly: boolean;
}

export type Verdict = 'ignored' | 'unignored' | undefined;

export interface PatternList {
  /** The last pattern matching `path` (relative to the file's directory, `/`-separated) decides. */
  readonly verdict: (path: string, isDir: boolean) => Verdict;
}

const CLASSES: Readonly<Record<string, string>> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9a-fA-F',
};

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** A bracket expression from `start` (just past `[`): its regex and where it ends; undefined if unclosed. */
function bracket(p: string, start: number): { source: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (p[i] === '!' || p[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < p.length && (p[i] !== ']' || first)) {
    first = false;
    const ch = p[i]!;
    if (ch === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      const cls = close === -1 ? undefined : CLASSES[p.slice(i + 2, close)];
      if (cls === undefined) return undefined; // git: a malformed class matches nothing
      body += cls;
      i = close + 2;
      continue;
    }
    if (ch === '\\' && i + 1 < p.length) {
      body += escapeRegex(p[i + 1]!);
      i += 2;
      continue;
    }
    if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']') {
      body += `${escapeRegex(ch)}-${escapeRegex(p[i + 2]!)}`;
      i += 3;
      continue;
    }
    body += escapeRegex(ch);
    i++;
  }
  if (i >= p.length) return undefined;
  // in a path a bracket never matches the separator
  return { source: negated ? `[^/${body}]` : `(?!/)[${body}]`, end: i + 1 };
}

/** One step of a pattern: a character, `?`, a bracket, `*` (within a segment), `**/` (any directories), trailing `/**`. */
type Token =
  | { readonly kind: 'char'; readonly ch: string }
  | { readonly kind: 'one' }
  | { readonly kind: 'class'; readonly regex: RegExp }
  | { readonly kind: 'star' }
  | { readonly kind: 'dirs' }
  | { readonly kind: 'rest' };

/** wildmatch with WM_PATHNAME: `*` and `?` stay inside a segment; `**` between slashes spans any. */
function tokenize(p: string): Token[] | undefined {
  const out: Token[] = [];
  for (let i = 0; i < p.length; ) {
    const ch = p[i]!;
    if (ch === '*') {
      let j = i;
      while (p[j] === '*') j++;
      const atSegmentStart = i === 0 || p[i - 1] === '/';
      const atSegmentEnd = j === p.length || p[j] === '/';
      if (j - i >= 2 && atSegmentStart && atSegmentEnd) {
        if (j === p.length) out.push({ kind: 'rest' });
        // `**/**/` is `**/`: one step, not two
        else if (out.at(-1)?.kind !== 'dirs') out.push({ kind: 'dirs' });
        j += j === p.length ? 0 : 1;
      } else if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
      i = j;
    } else if (ch === '?') {
      out.push({ kind: 'one' });
      i++;
    } else if (ch === '[') {
      const b = bracket(p, i + 1);
      if (b === undefined) return undefined;
      out.push({ kind: 'class', regex: new RegExp(`^${b.source}$`) });
      i = b.end;
    } else if (ch === '\\') {
      if (i + 1 >= p.length) return undefined; // a trailing backslash matches nothing
      out.push({ kind: 'char', ch: p[i + 1]! });
      i += 2;
    } else {
      out.push({ kind: 'char', ch });
      i++;
    }
  }
  return out;
}

/**
 * Whether `tokens` match all of `path`: the set of reachable positions, advanced token by token,
 * so time grows with pattern length times path length. A regex would backtrack, and a hostile
 * .gitignore (`*a*a*a*a*a*a*b`) could stall the scan on one long name.
 */
function matches(tokens: readonly Token[], path: string): boolean {
  const n = path.length;
  let cur = new Uint8Array(n + 1);
  cur[0] = 1;
  for (const t of tokens) {
    const next = new Uint8Array(n + 1);
    let any = false;
    switch (t.kind) {
      case 'char':
      case 'one':
      case 'class':
        for (let i = 0; i < n; i++)
          if (cur[i] && (t.kind === 'char' ? path[i] === t.ch : t.kind === 'one' ? path[i] !== '/' : t.regex.test(path[i]!))) next[i + 1] = 1;
        break;
      case 'star':
        for (let i = 0; i <= n; i++) next[i] = cur[i] || (i > 0 && next[i - 1] && path[i - 1] !== '/') ? 1 : 0;
        break;
      case 'dirs': {
        // zero or more whole segments, each ending in `/`
        let open = false;
        for (let i = 0; i <= n; i++) {
          if (i > 0 && path[i - 1] === '/') {
            next[i] = cur[i] || open ? 1 : 0;
            open = false;
          } else next[i] = cur[i]!;
          if (next[i]) open = true;
        }
        break;
      }
      case 'rest':
        for (let i = 0, seen = 0; i <= n; i++) next[i] = seen = seen || cur[i]!;
        break;
    }
    for (let i = 0; i <= n && !any; i++) if (next[i]) any = true;
    if (!any) return false;
    cur = next;
  }
  return cur[n] === 1;
}

/** Trailing spaces are dropped unless a backslash escapes them. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') {
    let backslashes = 0;
    for (let k = end - 2; k >= 0 && line[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return line.slice(0, end);
}

function compilePattern(raw: string): Pattern | undefined {
  let line = trimTrailingSpaces(raw.replace(/\r$/, ''));
  if (line === '' || line.startsWith('#')) return undefined;
  let negated = false;
  if (line.startsWith('!')) {
    negated = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/') && !line.endsWith('\\/')) {
    dirOnly = true;
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return undefined;
  const basenameOnly = !line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const tokens = tokenize(line);
  if (tokens === undefined) return undefined;
  return { tokens, negated, dirOnly, basenameOnly };
}

/** Compiles one ignore file; patterns are tried last to first, as the last match wins. */
export function compilePatterns(text: string): PatternList {
  const patterns: Pattern[] = [];
  for (const line of text.split('\n')) {
    const p = compilePattern(line);
    if (p) patterns.push(p);
  }
  return {
    verdict(path, isDir) {
      const base = path.slice(path.lastIndexOf('/') + 1);
      for (let i = patterns.length - 1; i >= 0; i--) {
        const p = patterns[i]!;
        if (p.dirOnly && !isDir) continue;
        if (matches(p.tokens, p.basenameOnly ? base : path)) return p.negated ? 'unignored' : 'ignored';
      }
      return undefined;
    },
  };
}
