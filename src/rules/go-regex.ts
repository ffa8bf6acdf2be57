/**
 * Translates the Go/RE2 regex syntax of gitleaks configs into JavaScript: (?P<name>…) groups, \z
 * and \A, a leading (?i), and (?i:…) groups of plain words (their letters become [aA] pairs).
 * Returns a reason instead when the pattern uses something JavaScript cannot express the same way.
 */
export function translateGoRegex(source: string): { pattern: string } | { untranslatable: string } {
  let pattern = source.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$').replace(/\\A/g, '^');
  let prefix = '';
  if (pattern.startsWith('(?i)')) {
    prefix = '(?i)';
    pattern = pattern.slice(4);
  }
  // (?i:words|more words): the letters of plain words made case-blind one by one
  pattern = pattern.replace(/\(\?i:([A-Za-z0-9_ .|-]*)\)/g, (_, body: string) => `(?:${body.replace(/[A-Za-z]/g, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`)})`);
  const flagGroup = /\(\?[imsU-]+[:)]/.exec(pattern);
  if (flagGroup) return { untranslatable: `inline flags ${flagGroup[0]} other than a leading (?i) or (?i:word|word)` };
  if (/\\[pP]\{/.test(pattern)) return { untranslatable: 'Unicode classes \\p{…} (would need the u flag)' };
  if (/\[\[:[a-z]+:\]\]/.test(pattern)) {
    const posix: Record<string, string> = { alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', xdigit: '0-9A-Fa-f', punct: '!-/:-@[-`{-~' };
    pattern = pattern.replace(/\[:([a-z]+):\]/g, (m, name: string) => posix[name] ?? m);
    if (/\[:[a-z]+:\]/.test(pattern)) return { untranslatable: 'a POSIX class JavaScript lacks' };
  }
  return { pattern: prefix + pattern };
}
