import { KeyscanError } from '../errors.js';
import type { Rule } from '../types.js';
import type { RuleDefinition } from './definition.js';

const DEFAULT_WINDOW = 320;

/** Compiles a regex written for keyscan; a leading `(?i)` (the gitleaks habit) becomes the `i` flag. */
export function compileRegex(source: string, flags: string, where: string): RegExp {
  let pattern = source;
  let extra = '';
  if (pattern.startsWith('(?i)')) {
    pattern = pattern.slice(4);
    extra = 'i';
  }
  try {
    return new RegExp(pattern, flags + extra);
  } catch (err) {
    throw new KeyscanError('RULES', `${where}: invalid regex: ${(err as Error).message}`, { cause: err });
  }
}

function captureGroups(regex: RegExp): number {
  return new RegExp(`${regex.source}|`, regex.flags.replace(/[gyd]/g, '')).exec('')!.length - 1;
}

export function compileRule(def: RuleDefinition): Rule {
  const where = `${def.source}: rule ${def.id}`;
  // y for anchored rules: exec tries the one position it is given and never scans on.
  const regex = compileRegex(def.regex, def.anchor === undefined ? 'g' : 'y', `${where}: regex`);
  // d: group offsets, so line and column point at the secret and not at its keyword; only for the
  // few matches that pass their filters (most are false alarms), so a second regex
  const spans = new RegExp(regex.source, `${regex.flags}d`);
  // Counting groups compiles the regex at once; a rule with secretGroup set (the build's cache sets
  // it for every built-in) defers that to its first use, so start-up compiles no regex.
  let secretGroup = def.secretGroup;
  if (secretGroup === undefined || !def.checked) {
    const groups = captureGroups(regex);
    secretGroup ??= groups > 0 ? 1 : 0;
    if (secretGroup > groups) throw new KeyscanError('RULES', `${where}: secretGroup ${secretGroup} but the regex has ${groups} groups`);
  }
  const allow = def.allowlist;
  return {
    id: def.id,
    practice: def.practice,
    narrower: def.narrower,
    narrowerMatch: def.narrowerMatch === undefined ? undefined : compileRegex(def.narrowerMatch, '', `${where}: narrowerMatch`),
    envVar: def.envVar,
    // g: every match is looked at, to take the one nearest the secret (src/detect/context.ts)
    context: def.context === undefined ? undefined : compileRegex(def.context, 'g', `${where}: context`),
    provider: def.provider,
    title: def.description,
    description: def.description,
    severity: def.severity,
    remediation: def.remediation,
    validator: def.validator,
    keywords: [...new Set(def.keywords.map((k) => k.toLowerCase()))],
    regex,
    spans,
    secretGroup,
    entropy: def.entropy,
    path: def.path === undefined ? undefined : compileRegex(def.path, '', `${where}: path`),
    checksum: def.checksum,
    windowAfter: def.window ?? DEFAULT_WINDOW,
    anchor: def.anchor,
    follows: def.follows === undefined ? undefined : compileRegex(def.follows, 'y', `${where}: follows`),
    allowlist: {
      regexes: (allow?.regexes ?? []).map((r, i) => compileRegex(r, '', `${where}: allowlist.regexes[${i}]`)),
      regexTarget: allow?.regexTarget ?? 'secret',
      stopwords: (allow?.stopwords ?? []).map((s) => s.toLowerCase()),
      paths: (allow?.paths ?? []).map((r, i) => compileRegex(r, '', `${where}: allowlist.paths[${i}]`)),
    },
    examples: def.examples,
    negatives: def.negatives,
    source: def.source,
  };
}
