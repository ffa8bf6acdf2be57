// The built-in rules as the eval needs them: definitions from dist/ plus regexes compiled here the way
// keyscan compiles them (a leading (?i) is the i flag), to check that a generated key still fits.
import { loadBuiltinRules } from '../../dist/rules/load.js';

function compile(source, flags = '') {
  return source.startsWith('(?i)') ? new RegExp(source.slice(4), `${flags}i`) : new RegExp(source, flags);
}

function groupCount(regex) {
  return new RegExp(`${regex.source}|`, regex.flags.replace(/[gyd]/g, '')).exec('').length - 1;
}

export function loadRules() {
  // practice rules match variables and flags, not keys: nothing to plant for them
  return loadBuiltinRules().filter((def) => def.practice === undefined).map((def) => {
    const regex = compile(def.regex, 'g');
    const groups = groupCount(regex);
    return {
      ...def,
      compiled: regex,
      secretGroup: def.secretGroup ?? (groups > 0 ? 1 : 0),
      pathRegex: def.path === undefined ? undefined : compile(def.path),
      allowedPaths: (def.allowlist?.paths ?? []).map((p) => compile(p)),
    };
  });
}

/** Every secret the rule's regex extracts from a text (no entropy, checksum or filter applied). */
export function secretsIn(rule, text) {
  const regex = new RegExp(rule.compiled.source, rule.compiled.flags);
  const out = [];
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    if (m[0].length === 0) regex.lastIndex++;
    else if (m[rule.secretGroup]) out.push(m[rule.secretGroup]);
  }
  return out;
}

/** Can this rule report a key in a file at this path? */
export function runsOnPath(rule, path) {
  if (rule.pathRegex !== undefined && !rule.pathRegex.test(path)) return false;
  return !rule.allowedPaths.some((p) => p.test(path));
}

export function shannonEntropy(text) {
  const counts = new Map();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}
