import { lineStarts, locate } from '../location.js';
import type { Encoding, EncodingChain, Finding, Fragment, Location, SecretFinding } from '../types.js';
import { hasAllowMarker } from './allow.js';
import { detect, type RuleSet } from './detect.js';

/**
 * The decode stage: keys written base64, percent-encoded, as hex or with JSON/JS string escapes are
 * found by decoding each token that could hold one and running the detector on what it decodes to.
 * A finding made so points at the encoded token in the original text and names the encoding.
 */

export interface DecodeLimits {
  /** Encodings inside encodings: 2 finds base64 of a percent-encoded URL, not deeper. */
  readonly depth: number;
  /** Tokens decoded in full per fragment; the quick check of a token's first bytes is not counted. */
  readonly tokens: number;
  /** Longest token decoded, in UTF-16 units: an encoded .env is a few KB, an inlined image is larger and no text. */
  readonly tokenChars: number;
}

export const DECODE_LIMITS: DecodeLimits = { depth: 2, tokens: 64, tokenChars: 16 * 1024 };

/** 18 bytes: shorter base64 cannot hold a key. */
const MIN_BASE64_CHARS = 24;
/** 16 bytes, and shorter than the hashes (32+ hex) we must reject by their content anyway. */
const MIN_HEX_CHARS = 32;
/** A percent-encoded or escaped run shorter than this holds no key with its name or URL. */
const MIN_ESCAPED_CHARS = 20;
/** The shortest decoded text worth a detector pass. */
const MIN_DECODED_CHARS = 16;
/** Bytes decoded for the quick check: random bytes pass it about once in 10^5 tries. */
const QUICK_BYTES = 12;
/** How far from the token an allow marker on its line counts, as in detect(). */
const MARKER_REACH = 2048;

export interface EncodedToken {
  /** Offsets in the text searched, [start, end). */
  readonly start: number;
  readonly end: number;
  readonly encoding: Encoding;
  readonly decoded: string;
}

// Base64 and base64url in one table: -1 for any other character.
const BASE64_VALUE = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].entries()) BASE64_VALUE[ch.charCodeAt(0)] = i;
BASE64_VALUE[43] = 62; // +
BASE64_VALUE[47] = 63; // /
BASE64_VALUE[45] = 62; // -
BASE64_VALUE[95] = 63; // _

function isRunChar(code: number): boolean {
  return code < 128 && BASE64_VALUE[code]! >= 0;
}

/**
 * Calls `onRun` with each run of base64 characters (either alphabet, hex among them) at least
 * `min` long, `=` padding included. It probes every `min`-th character and reads around a probe
 * only when it is a run character, so text of short words is mostly skipped (a regex with {24,}
 * retried every word from each of its letters, and cost as much as the whole detector).
 */
function forEachRun(text: string, min: number, onRun: (start: number, end: number) => boolean): void {
  const n = text.length;
  let i = 0; // text[i - 1] is never a run character
  while (i + min <= n) {
    const probe = i + min - 1;
    if (!isRunChar(text.charCodeAt(probe))) {
      i = probe + 1;
      continue;
    }
    let start = probe;
    while (start > i && isRunChar(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < n && isRunChar(text.charCodeAt(end))) end++;
    const runEnd = end;
    while (end < n && end - runEnd < 2 && text.charCodeAt(end) === 61) end++;
    if (runEnd - start >= min && !onRun(start, end)) return;
    i = end + 1;
  }
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Text a key hides in: printable ASCII, tab and line breaks. */
function isTextByte(byte: number): boolean {
  return (byte >= 32 && byte < 127) || byte === 9 || byte === 10 || byte === 13;
}

/** Decoded text worth a detector pass: no control characters and no bytes that were not UTF-8. */
function isText(text: string): boolean {
  if (text.length < MIN_DECODED_CHARS) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127 || code === 0xfffd) return false;
  }
  return true;
}

/** Whether the first bytes base64 `token` encodes are ASCII text: most runs fail here, before any allocation. */
function startsAsBase64Text(text: string, from: number, to: number): boolean {
  const chars = Math.min(to - from, (QUICK_BYTES / 3) * 4) & ~3;
  for (let i = from; i < from + chars; i += 4) {
    const a = BASE64_VALUE[text.charCodeAt(i)]!;
    const b = BASE64_VALUE[text.charCodeAt(i + 1)]!;
    const c = BASE64_VALUE[text.charCodeAt(i + 2)]!;
    const d = BASE64_VALUE[text.charCodeAt(i + 3)]!;
    if (a < 0 || b < 0 || c < 0 || d < 0) return false;
    if (!isTextByte((a << 2) | (b >> 4)) || !isTextByte(((b & 15) << 4) | (c >> 2)) || !isTextByte(((c & 3) << 6) | d)) return false;
  }
  return true;
}

function startsAsHexText(text: string, from: number, to: number): boolean {
  const chars = Math.min(to - from, QUICK_BYTES * 2);
  for (let i = from; i < from + chars; i += 2) {
    if (!isTextByte((hexValue(text.charCodeAt(i)) << 4) | hexValue(text.charCodeAt(i + 1)))) return false;
  }
  return true;
}

function isRunLead(code: number): boolean {
  return code === 43 || code === 47 || code === 45 || code === 95;
}

/** Base64, base64url and hex tokens that decode to text. `budget.left` counts full decodes. */
function base64AndHexTokens(text: string, limits: DecodeLimits, budget: { left: number }, out: EncodedToken[]): void {
  forEachRun(text, MIN_BASE64_CHARS, (runStart, end) => {
    let start = runStart;
    // a run may begin at a path's slash or a name's dash; base64 of text never starts with + / - _
    while (start < end && isRunLead(text.charCodeAt(start))) start++;
    let bodyEnd = end;
    while (bodyEnd > start && text.charCodeAt(bodyEnd - 1) === 61) bodyEnd--;
    const length = bodyEnd - start;
    if (length < MIN_BASE64_CHARS || end - start > limits.tokenChars) return true;
    if (bodyEnd === end && length % 2 === 0 && length >= MIN_HEX_CHARS && isHexRun(text, start, end)) {
      // hashes and ids are hex too: they fail the text check, and are never tried as base64
      if (!startsAsHexText(text, start, end)) return true;
      budget.left--;
      const decoded = Buffer.from(text.slice(start, end), 'hex').toString('utf8');
      if (isText(decoded)) out.push({ start, end, encoding: 'hex', decoded });
      return budget.left > 0;
    }
    if (length % 4 === 1 || !startsAsBase64Text(text, start, bodyEnd)) return true;
    const token = text.slice(start, end);
    const urlSafe = /[-_]/.test(token);
    if (urlSafe && /[+/]/.test(token)) return true; // two alphabets at once: a path or a name, not base64
    budget.left--;
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    if (isText(decoded)) out.push({ start, end, encoding: urlSafe ? 'base64url' : 'base64', decoded });
    return budget.left > 0;
  });
}

function isHexRun(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (hexValue(text.charCodeAt(i)) < 0) return false;
  return true;
}

/** Characters a URL keeps as they are; quotes, brackets of code and spaces end a percent-encoded run. */
function isUrlChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ||
    code === 37 || code === 45 || code === 46 || code === 95 || code === 126 || // % - . _ ~
    code === 33 || code === 36 || code === 38 || code === 42 || code === 43 || code === 44 || // ! $ & * + ,
    code === 59 || code === 61 || code === 58 || code === 64 || code === 47 || code === 63 || code === 35 // ; = : @ / ? #
  );
}

function percentDecode(run: string): string {
  return run.replace(/(?:%[0-9A-Fa-f]{2})+/g, (seq) => {
    try {
      return decodeURIComponent(seq);
    } catch {
      return seq; // not UTF-8: left as written
    }
  });
}

function percentTokens(text: string, limits: DecodeLimits, budget: { left: number }, out: EncodedToken[]): void {
  const n = text.length;
  for (let i = text.indexOf('%'); i !== -1 && budget.left > 0; i = text.indexOf('%', i + 1)) {
    if (hexValue(text.charCodeAt(i + 1)) < 0 || hexValue(text.charCodeAt(i + 2)) < 0) continue;
    let start = i;
    while (start > 0 && i - start < limits.tokenChars && isUrlChar(text.charCodeAt(start - 1))) start--;
    let end = i + 3;
    while (end < n && end - start < limits.tokenChars && isUrlChar(text.charCodeAt(end))) end++;
    i = end - 1;
    if (end - start < MIN_ESCAPED_CHARS) continue;
    budget.left--;
    const run = text.slice(start, end);
    const decoded = percentDecode(run);
    if (decoded !== run && isText(decoded)) out.push({ start, end, encoding: 'percent', decoded });
  }
}

function isQuoteOrSpace(code: number): boolean {
  return code <= 32 || code === 34 || code === 39 || code === 96;
}

const ESCAPE = /\\(u\{[0-9A-Fa-f]{1,6}\}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[\\/"'bfnrtv0])/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '0': '\0' };

function unescapeString(run: string): string {
  return run.replace(ESCAPE, (seq, body: string) => {
    if (body.startsWith('u{')) {
      const code = parseInt(body.slice(2, -1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : seq;
    }
    if (body.length > 1) return String.fromCharCode(parseInt(body.slice(1), 16));
    return SIMPLE_ESCAPES[body] ?? body;
  });
}

/** Strings with \uXXXX or \xXX escapes: the run between quotes or spaces around the escape. */
function escapeTokens(text: string, limits: DecodeLimits, budget: { left: number }, out: EncodedToken[]): void {
  const n = text.length;
  for (let i = text.indexOf('\\'); i !== -1 && budget.left > 0; i = text.indexOf('\\', i + 1)) {
    const kind = text.charCodeAt(i + 1);
    const isEscape =
      (kind === 117 && (text.charCodeAt(i + 2) === 123 || [2, 3, 4, 5].every((k) => hexValue(text.charCodeAt(i + k)) >= 0))) ||
      (kind === 120 && hexValue(text.charCodeAt(i + 2)) >= 0 && hexValue(text.charCodeAt(i + 3)) >= 0);
    if (!isEscape) continue;
    let start = i;
    while (start > 0 && i - start < limits.tokenChars && !isQuoteOrSpace(text.charCodeAt(start - 1))) start--;
    let end = i;
    while (end < n && end - start < limits.tokenChars) {
      const code = text.charCodeAt(end);
      if (code === 92) {
        if (end + 1 >= n || isQuoteOrSpace(text.charCodeAt(end + 1))) break; // \" ends a string nested in a string
        end += 2;
      } else if (isQuoteOrSpace(code)) break;
      else end++;
    }
    i = Math.max(i, end - 1);
    if (end - start < MIN_ESCAPED_CHARS) continue;
    budget.left--;
    const decoded = unescapeString(text.slice(start, end));
    if (isText(decoded)) out.push({ start, end, encoding: 'escapes', decoded });
  }
}

/** The tokens of `text` that decode to text, in order of start. Pure; `budget.left` counts full decodes. */
export function encodedTokens(text: string, budget: { left: number }, limits: DecodeLimits = DECODE_LIMITS): EncodedToken[] {
  const out: EncodedToken[] = [];
  base64AndHexTokens(text, limits, budget, out);
  if (text.includes('%')) percentTokens(text, limits, budget, out);
  if (text.includes('\\')) escapeTokens(text, limits, budget, out);
  return out.sort((a, b) => a.start - b.start);
}

/** Whether `text` holds a token that decodes to text: rules chosen by the keywords of `text` alone would miss what it hides. */
export function holdsEncodedText(text: string): boolean {
  return encodedTokens(text, { left: DECODE_LIMITS.tokens }).length > 0;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** A finding's offsets in the text it was found in (`starts` from lineStarts of that text). */
function spanOf(at: Location, starts: readonly number[], lineOffset: number): Span {
  return { start: starts[at.line - 1 - lineOffset]! + at.column - 1, end: starts[at.endLine - 1 - lineOffset]! + at.endColumn - 1 };
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;

/** A secret found inside a token of some text, with the encodings peeled to reach it, outermost first. */
interface Decoded {
  readonly token: EncodedToken;
  readonly finding: SecretFinding;
  readonly encodings: readonly Encoding[];
}

/**
 * Secrets inside the tokens of `text`. `clear` are the secrets found in `text` as it is, with their
 * spans: a token inside one is skipped, unless the secret is a generic rule's (a Kubernetes data:
 * value, say), which a more specific key decoded from it replaces (its index lands in `replaced`).
 */
function decodedIn(
  text: string,
  clear: readonly { span: Span; generic: boolean }[],
  origin: Fragment['origin'],
  set: RuleSet,
  depth: number,
  budget: { left: number },
  limits: DecodeLimits,
  replaced: Set<number>,
): Decoded[] {
  const out: Decoded[] = [];
  for (const token of encodedTokens(text, budget, limits)) {
    const covering = clear.findIndex((c) => overlaps(c.span, token));
    if (covering !== -1 && !clear[covering]!.generic) continue;
    const fragment: Fragment = { text: token.decoded, origin, lineOffset: 0 };
    const inner = detect(fragment, set).filter((f): f is SecretFinding => f.kind === 'secret');
    const found: Decoded[] = inner.map((finding) => ({ token, finding, encodings: [token.encoding] }));
    if (depth > 1 && budget.left > 0) {
      const starts = inner.length > 0 ? lineStarts(token.decoded) : [];
      const innerClear = inner.map((f) => ({ span: spanOf(f.at, starts, 0), generic: f.provider === 'generic' }));
      const innerReplaced = new Set<number>();
      const deeper = decodedIn(token.decoded, innerClear, origin, set, depth - 1, budget, limits, innerReplaced);
      const kept = found.filter((_, i) => !innerReplaced.has(i));
      for (const d of deeper) kept.push({ token, finding: d.finding, encodings: [token.encoding, ...d.encodings] });
      found.length = 0;
      found.push(...kept);
    }
    if (found.length === 0) continue;
    if (covering !== -1) clear.forEach((c, i) => c.generic && overlaps(c.span, token) && replaced.add(i));
    out.push(...found);
  }
  return out;
}

/** A keyscan:allow (or another tool's marker) on the token's lines, near the token. */
function isAllowedNear(text: string, span: Span): boolean {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  const newline = text.indexOf('\n', span.end);
  const lineEnd = newline === -1 ? text.length : newline;
  return hasAllowMarker(text.slice(Math.max(lineStart, span.start - MARKER_REACH), Math.min(lineEnd, span.end + MARKER_REACH)));
}

/**
 * `clear` (what detect() found in the fragment as written) plus the secrets hidden in its encoded
 * tokens. One key is one finding: a token inside a clear secret is not decoded, a generic finding
 * that a decoded key explains gives way to it, and a key reached through two tokens at one place
 * (a URL and the base64 inside it) is reported once. Practice matches in decoded text are dropped:
 * they describe code, and decoded text is data.
 */
export function withDecodedFindings(
  fragment: Fragment,
  set: RuleSet,
  clear: readonly Finding[],
  onAllowed?: () => void,
  limits: DecodeLimits = DECODE_LIMITS,
): Finding[] {
  const { text } = fragment;
  const budget = { left: limits.tokens };
  let starts: readonly number[] | undefined;
  const clearSecrets = clear.flatMap((f, index) => (f.kind === 'secret' ? [{ index, generic: f.provider === 'generic', at: f.at }] : []));
  const spans = clearSecrets.map((c) => ({ span: spanOf(c.at, (starts ??= lineStarts(text)), fragment.lineOffset), generic: c.generic }));
  const replaced = new Set<number>();
  const decoded = decodedIn(text, spans, fragment.origin, set, limits.depth, budget, limits, replaced);
  if (decoded.length === 0) return [...clear];

  const dropped = new Set([...replaced].map((i) => clearSecrets[i]!.index));
  const out = clear.filter((_, i) => !dropped.has(i));
  const seen = new Map<string, Span[]>(); // rule and secret → tokens already reported
  starts ??= lineStarts(text);
  for (const { token, finding, encodings } of decoded) {
    const key = `${finding.ruleId}\0${finding.secret.reveal()}`;
    const earlier = seen.get(key);
    if (earlier?.some((s) => overlaps(s, token))) continue;
    if (earlier) earlier.push(token);
    else seen.set(key, [token]);
    if (isAllowedNear(text, token)) {
      onAllowed?.();
      continue;
    }
    out.push({
      ...finding,
      at: locate(starts, token.start, token.end, fragment.lineOffset),
      encoding: encodings.join('>') as EncodingChain,
    });
  }
  return out;
}
