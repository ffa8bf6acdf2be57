import { anyWord } from './regex-join.js';

// Values that documentation, templates and tutorials put where a key goes. Words are matched in
// the case variants people write (YOUR_KEY, your-key, Your) and not case-blind, so that a random
// key body only rarely spells one by chance.
const WORDS = ['example', 'sample', 'your', 'placeholder', 'dummy', 'redacted', 'changeme', 'change_me', 'insert', 'replace', 'fake', 'xxxx', 'here'];
const WORD_VARIANTS_OF = new Map(WORDS.map((w) => [w, [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]]));
const TEMPLATE_MARKS = ['${', '{{', '}}', '%s', '%(', '****', '...', '…', 'process.env', 'import.meta.env', 'os.getenv', 'os.environ', 'getenv(', 'env(', 'ENV[', 'ENV.fetch', 'secrets.', '$(', '](', '<%'];

/** Any word in any case: a secret that holds none holds no variant either, and skips them. */
const ANY_WORD = anyWord(WORDS, 'i');

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Length of the token prefix at the start of `secret`: up to 3 runs of 1-10 letters, each followed
 * by - or _ (what /^(?:[A-Za-z]{1,10}[-_]){1,3}/ matches; a run of 11 letters ends the prefix, since
 * no shorter match of it is followed by a separator). Counted by hand: the regex's match array
 * cost more than the rest of the placeholder check, once per candidate.
 */
function prefixLength(secret: string): number {
  let at = 0;
  for (let runs = 0; runs < 3; runs++) {
    let end = at;
    while (end < secret.length && end - at <= 10 && isLetter(secret.charCodeAt(end))) end++;
    const letters = end - at;
    const sep = secret.charCodeAt(end);
    if (letters < 1 || letters > 10 || (sep !== 45 && sep !== 95)) break;
    at = end + 1;
  }
  return at;
}

/** Strips a token prefix such as `sk-proj-`, `ghp_` or `xoxb-` so only the random body is judged. */
export function bodyOf(secret: string): string {
  const prefix = prefixLength(secret);
  return prefix > 0 && prefix < secret.length - 8 ? secret.slice(prefix) : secret;
}

// Counts per UTF-16 code unit for isRepetitive, reused (it is synchronous) and cleared after each call.
const counts = new Uint32Array(65536);

function isRepetitive(body: string): boolean {
  let distinct = 0;
  let most = 0;
  let longestRun = 1;
  let run = 1;
  let ascending = 1;
  let longestAscending = 1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const count = counts[c]! + 1;
    counts[c] = count;
    if (count === 1) distinct++;
    if (count > most) most = count;
    if (i === 0) continue;
    const prev = body.charCodeAt(i - 1);
    run = c === prev ? run + 1 : 1;
    ascending = c === prev + 1 ? ascending + 1 : 1;
    longestRun = Math.max(longestRun, run);
    longestAscending = Math.max(longestAscending, ascending);
  }
  for (let i = 0; i < body.length; i++) counts[body.charCodeAt(i)] = 0;
  if (distinct <= 3) return true;
  if (most / body.length >= 0.5) return true;
  // A key body that is mostly one run or counts up (abcdef…, 123456…) was typed, not generated.
  if (longestRun >= Math.max(8, body.length / 3)) return true;
  return longestAscending >= 6;
}

/** Every template mark holds one of these: a secret without any skips the marks. */
const TEMPLATE_MARK_CHARS = /[${}%*.…(\[\]<]/;
// a mark added without one of its characters above would never be looked for
if (!TEMPLATE_MARKS.every((mark) => TEMPLATE_MARK_CHARS.test(mark))) throw new Error('TEMPLATE_MARK_CHARS misses a character of a template mark');

/** Whether the secret holds a placeholder word as people write it (your, YOUR, Your; not yOuR). */
export function hasPlaceholderWord(secret: string): boolean {
  // a variant matches its word case-blind: most secrets match none, and skip the variants
  if (!ANY_WORD.test(secret)) return false;
  for (const word of WORDS) if (WORD_VARIANTS_OF.get(word)!.some((v) => secret.includes(v))) return true;
  return false;
}

export function isPlaceholder(secret: string): boolean {
  if (TEMPLATE_MARK_CHARS.test(secret)) {
    for (const mark of TEMPLATE_MARKS) if (secret.includes(mark)) return true;
    if (secret.includes('<') && secret.includes('>')) return true;
    if (/^\$[A-Za-z_{]/.test(secret)) return true;
  }
  // A long or multi-line secret (a key block) spells a short word by chance too often to judge by words.
  if (secret.length <= 256 && !secret.includes('\n') && hasPlaceholderWord(secret)) return true;
  const body = bodyOf(secret);
  return body.length >= 4 && isRepetitive(body);
}
