// Values that documentation, templates and tutorials put where a key goes. Words are matched in
// the case variants people write (YOUR_KEY, your-key, Your) and not case-blind, so that a random
// key body only rarely spells one by chance.
const WORDS = ['example', 'sample', 'your', 'placeholder', 'dummy', 'redacted', 'changeme', 'change_me', 'insert', 'replace', 'fake', 'xxxx', 'here'];
const WORD_VARIANTS = WORDS.flatMap((w) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)]);
const TEMPLATE_MARKS = ['${', '{{', '}}', '%s', '%(', '****', '...', '…', 'process.env', 'import.meta.env', 'os.getenv', 'os.environ', 'getenv(', 'env(', 'ENV[', 'ENV.fetch', 'secrets.', '$(', '](', '<%'];

/** Strips a token prefix such as `sk-proj-`, `ghp_` or `xoxb-` so only the random body is judged. */
function bodyOf(secret: string): string {
  const m = /^(?:[A-Za-z]{1,10}[-_]){1,3}/.exec(secret);
  return m && m[0].length < secret.length - 8 ? secret.slice(m[0].length) : secret;
}

function isRepetitive(body: string): boolean {
  const counts = new Map<number, number>();
  let longestRun = 1;
  let run = 1;
  let ascending = 1;
  let longestAscending = 1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
    if (i === 0) continue;
    const prev = body.charCodeAt(i - 1);
    run = c === prev ? run + 1 : 1;
    ascending = c === prev + 1 ? ascending + 1 : 1;
    longestRun = Math.max(longestRun, run);
    longestAscending = Math.max(longestAscending, ascending);
  }
  if (counts.size <= 3) return true;
  const most = Math.max(...counts.values());
  if (most / body.length >= 0.5) return true;
  // A key body that is mostly one run or counts up (abcdef…, 123456…) was typed, not generated.
  if (longestRun >= Math.max(8, body.length / 3)) return true;
  return longestAscending >= 6;
}

export function isPlaceholder(secret: string): boolean {
  for (const mark of TEMPLATE_MARKS) if (secret.includes(mark)) return true;
  if (secret.includes('<') && secret.includes('>')) return true;
  if (/^\$[A-Za-z_{]/.test(secret)) return true;
  // A long or multi-line secret (a key block) spells a short word by chance too often to judge by words.
  if (secret.length <= 256 && !secret.includes('\n')) for (const word of WORD_VARIANTS) if (secret.includes(word)) return true;
  const body = bodyOf(secret);
  return body.length >= 4 && isRepetitive(body);
}
