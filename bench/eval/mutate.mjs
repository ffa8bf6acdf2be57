// New keys of the same shape as a rule's example secrets: each letter and digit is redrawn from its own
// class, and what the regex spells out literally (prefixes like sk-proj-, markers like T3BlbkFJ) stays.
import { isPlaceholder } from '../../dist/detect/placeholder.js';
import { DIGITS, LOWER, UPPER } from './random.mjs';
import { secretsIn, shannonEntropy } from './rules.mjs';

const BASE62 = `${DIGITS}${UPPER}${LOWER}`;
const FULL_TRIES = 8;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

// Written here rather than imported from dist/, so a wrong checksum in keyscan shows up as misses.
function crc32(text) {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(value, width) {
  let out = '';
  for (let v = value; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(width, '0');
}

/** GitHub and npm tokens: the last 6 characters are the base62 CRC32 of the random part before them. */
function withCrc32Suffix(secret) {
  const bodyStart = secret.lastIndexOf('_') + 1;
  const random = secret.slice(bodyStart, -6);
  return secret.slice(0, -6) + base62(crc32(random), 6);
}

/** Positions that must not change: regex literals of 3+ characters, checksum digits, a JWT's header and payload. */
function frozenPositions(secret, rule, withSegments = true) {
  const literal = rule.regex.replace(/\\/g, '');
  const frozen = new Uint8Array(secret.length);
  for (let i = 0; i + 3 <= secret.length; i++) {
    for (let j = i + 3; j <= secret.length && literal.includes(secret.slice(i, j)); j++) frozen.fill(1, i, j);
  }
  // keywords gate the rule, so a key must keep the one it carries (pat-eu1-, not pat-eu7-)
  const lower = secret.toLowerCase();
  for (const kw of rule.keywords) {
    for (let at = lower.indexOf(kw.toLowerCase()); at !== -1; at = lower.indexOf(kw.toLowerCase(), at + 1)) frozen.fill(1, at, at + kw.length);
  }
  if (rule.checksum === 'github-crc32' || rule.checksum === 'npm-crc32') frozen.fill(1, secret.length - 6);
  if (rule.checksum === 'jwt') frozen.fill(1, 0, secret.lastIndexOf('.') + 1);
  for (const m of secret.matchAll(/%[0-9A-Fa-f]{2}|\\[nrt"'\\]/g)) frozen.fill(1, m.index, m.index + m[0].length); // URL and string escapes stay escapes
  // a token's leading words (sk-ant-api03-, xoxe.xoxp-1-, FLWSECK_TEST-) name its kind and version
  const prefix = /^(?:[A-Za-z]{1,8}[-_.])+(?:[A-Za-z]{0,5}[0-9]{1,2}[-_.])?/.exec(secret);
  if (prefix && prefix[0].length < secret.length / 2) frozen.fill(1, 0, prefix[0].length);
  // header lines of a multi-line key (Proc-Type: 4,ENCRYPTED, PuTTY-User-Key-File-3: ssh-ed25519) are format, not key
  for (const m of secret.matchAll(/^[ \t"'+]*[A-Z][A-Za-z0-9-]{1,30}: [^\n]*$/gm)) {
    if (!/: [0-9a-fA-F]{16,}\s*$/.test(m[0])) frozen.fill(1, m.index, m.index + m[0].length);
  }
  if (withSegments) for (const seg of encodedSegments(secret, frozen)) frozen.fill(1, seg.start, seg.end);
  return frozen;
}

/**
 * Base64 text inside a token: JSON (Sentry's sntrys_eyJ…, Grafana's glc_eyJ…), a numeric id (Discord's
 * first part), user:password (Docker's auth). Redrawing its characters would leave base64 of nothing;
 * the text is redrawn instead and encoded again.
 */
function encodedSegments(secret, frozen) {
  const out = [];
  const taken = new Uint8Array(secret.length);
  for (const [pattern, encoding] of [[/[A-Za-z0-9+/]{16,}={0,2}/g, 'base64'], [/[A-Za-z0-9_-]{16,}/g, 'base64url']]) {
    for (const m of secret.matchAll(pattern)) {
      const end = m.index + m[0].length;
      if (frozen.subarray(m.index, end).some((f) => f) || taken.subarray(m.index, end).some((t) => t)) continue;
      const bytes = Buffer.from(m[0], encoding);
      const text = bytes.toString('latin1');
      const canonical = bytes.toString(encoding).replace(/=+$/, '') === m[0].replace(/=+$/, '');
      if (!canonical || !/^[\x20-\x7e]+$/.test(text)) continue;
      let kind = /^\d+$/.test(text) ? 'digits' : /^[\w.@-]+:[\x21-\x7e]+$/.test(text) ? 'userinfo' : undefined;
      if (kind === undefined) {
        try {
          JSON.parse(text);
          kind = 'json';
        } catch {
          continue;
        }
      }
      taken.fill(1, m.index, end);
      out.push({ start: m.index, end, encoded: m[0], text, kind, encoding });
    }
  }
  return out;
}

function redrawEncoded(seg, rng) {
  const scramble = (value) => [...value].map((ch) => redraw(ch, rng, ALL_LETTERS)).join('');
  let text;
  if (seg.kind === 'digits') text = seg.text[0] + scramble(seg.text.slice(1));
  else if (seg.kind === 'userinfo') text = seg.text.replace(/:(.*)$/, (_, pass) => `:${scramble(pass)}`);
  else text = seg.text.replace(/(:\s*")([^"\\]*)"/g, (all, head, value) => (value.includes('://') || !/[0-9]/.test(value) ? all : `${head}${scramble(value)}"`));
  let encoded = Buffer.from(text, 'latin1').toString(seg.encoding);
  if (!seg.encoded.endsWith('=')) encoded = encoded.replace(/=+$/, '');
  else if (seg.encoding === 'base64url') encoded += '='.repeat((4 - (encoded.length % 4)) % 4);
  return encoded.length === seg.encoded.length ? encoded : seg.encoded;
}

const HEX_LETTERS = { lower: 'abcdef', upper: 'ABCDEF' };
const ALL_LETTERS = { lower: LOWER, upper: UPPER };

/**
 * The letters each position may be redrawn from: hex where the secret's letters are all hex, and
 * also inside any run of 16+ hex characters of a mixed key (Jina's jina_<32 hex><base62>).
 */
function alphabetsFor(secret, frozen) {
  let letters = '';
  for (let i = 0; i < secret.length; i++) if (!frozen[i] && /[A-Za-z]/.test(secret[i])) letters += secret[i];
  const isHex = letters.length > 0 && /^[a-fA-F]+$/.test(letters);
  const alphabets = new Array(secret.length).fill(isHex ? HEX_LETTERS : ALL_LETTERS);
  for (const m of secret.matchAll(/(?<![A-Za-z0-9])[0-9a-f]{16,}|[0-9a-f]{16,}(?![A-Za-z0-9])|[0-9A-F]{16,}/g)) {
    if (/[a-fA-F]/.test(m[0]) && /[0-9]/.test(m[0])) alphabets.fill(HEX_LETTERS, m.index, m.index + m[0].length);
  }
  return alphabets;
}

function redraw(ch, rng, alphabets) {
  if (ch >= '0' && ch <= '9') return rng.pick(DIGITS);
  if (ch >= 'a' && ch <= 'z') return rng.pick(alphabets.lower);
  if (ch >= 'A' && ch <= 'Z') return rng.pick(alphabets.upper);
  return ch;
}

function finish(chars, rule) {
  const secret = chars.join('');
  return rule.checksum === 'github-crc32' || rule.checksum === 'npm-crc32' ? withCrc32Suffix(secret) : secret;
}

/**
 * Why a candidate cannot stand for a key the rule must find: it no longer fits the example,
 * or it is one keyscan would rightly drop (too little entropy, or it spells a placeholder word).
 */
function flawOf(candidate, example, rule, used) {
  if (candidate === example.secret || used.has(candidate)) return 'duplicate';
  const text = example.text.split(example.secret).join(candidate);
  if (!secretsIn(rule, text).includes(candidate)) return 'regex';
  if (rule.entropy !== undefined && shannonEntropy(candidate) < rule.entropy) return 'entropy';
  if (isPlaceholder(candidate) && !isPlaceholder(example.secret)) return 'placeholder';
  return undefined;
}

/**
 * A fresh key shaped like `example.secret`. Whole redraws first; if none fits the regex (a literal
 * the rule spells with fewer than 3 characters, like the M that opens a PEM body), redraws of ever
 * smaller runs of positions, keeping each that still fits. Returns { secret, fellBack, rejected }.
 */
export function mutateSecret(example, rule, rng, used) {
  const frozen = frozenPositions(example.secret, rule);
  const alphabets = alphabetsFor(example.secret, frozen);
  const segments = encodedSegments(example.secret, frozenPositions(example.secret, rule, false));
  const original = [...example.secret];
  const rejected = {};
  for (let t = 0; t < FULL_TRIES; t++) {
    const chars = original.map((ch, i) => (frozen[i] ? ch : redraw(ch, rng, alphabets[i])));
    for (const seg of segments) chars.splice(seg.start, seg.end - seg.start, ...redrawEncoded(seg, rng));
    const candidate = finish(chars, rule);
    const flaw = flawOf(candidate, example, rule, used);
    if (flaw === undefined) return { secret: candidate, fellBack: false, rejected };
    rejected[flaw] = (rejected[flaw] ?? 0) + 1;
  }
  const chars = [...original];
  const fits = () => {
    const candidate = finish(chars, rule);
    return secretsIn(rule, example.text.split(example.secret).join(candidate)).includes(candidate);
  };
  const redrawRun = (from, to) => {
    const before = chars.slice(from, to);
    for (let i = from; i < to; i++) if (!frozen[i]) chars[i] = redraw(chars[i], rng, alphabets[i]);
    if (fits()) return;
    chars.splice(from, to - from, ...before);
    if (to - from === 1) return;
    const mid = (from + to) >> 1;
    redrawRun(from, mid);
    redrawRun(mid, to);
  };
  redrawRun(0, chars.length);
  const candidate = finish(chars, rule);
  if (flawOf(candidate, example, rule, used) === undefined) return { secret: candidate, fellBack: false, rejected };
  return { secret: example.secret, fellBack: true, rejected };
}
