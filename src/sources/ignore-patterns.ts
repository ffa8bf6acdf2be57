/**
 * .gitignore patterns as git reads them (gitignore(5), dir.c and wildmatch.c): each pattern
 * matches a path by itself, never because a directory above it matches. Whether a parent
 * directory is excluded is the walk's business: it does not descend into one, which is how git
 * makes a file below an excluded directory impossible to re-include.
 */

interface Pattern {
  readonly regex: RegExp;
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

/** wildmatch with WM_PATHNAME: `*` and `?` stay inside a segment; `**` between slashes spans any. */
function toRegexSource(p: string): string | undefined {
  let out = '';
  for (let i = 0; i < p.length; ) {
    const ch = p[i]!;
    if (ch === '*') {
      let j = i;
      while (p[j] === '*') j++;
      const stars = j - i;
      const atSegmentStart = i === 0 || p[i - 1] === '/';
      const atSegmentEnd = j === p.length || p[j] === '/';
      if (stars >= 2 && atSegmentStart && atSegmentEnd) {
        if (j === p.length) out += '.*'; // trailing `/**`: everything inside
        else {
          out += '(?:[^/]*/)*'; // `**/`: zero or more directories
          j++;
        }
      } else out += '[^/]*';
      i = j;
    } else if (ch === '?') {
      out += '[^/]';
      i++;
    } else if (ch === '[') {
      const b = bracket(p, i + 1);
      if (b === undefined) return undefined;
      out += b.source;
      i = b.end;
    } else if (ch === '\\') {
      if (i + 1 >= p.length) return undefined; // a trailing backslash matches nothing
      out += escapeRegex(p[i + 1]!);
      i += 2;
    } else {
      out += escapeRegex(ch);
      i++;
    }
  }
  return out;
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
  const source = toRegexSource(line);
  if (source === undefined) return undefined;
  return { regex: new RegExp(`^${source}$`), negated, dirOnly, basenameOnly };
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
        if (p.regex.test(p.basenameOnly ? base : path)) return p.negated ? 'unignored' : 'ignored';
      }
      return undefined;
    },
  };
}
