import { fingerprintOf } from '../fingerprint.js';
import { Secret } from '../secret.js';
import type { Finding, Fragment, Location, Rule } from '../types.js';
import { nearestContext } from './context.js';
import { safeEvidence } from './evidence.js';
import { maskedUrlAround } from './url-parts.js';

function contextOf(rule: Rule, text: string, c: { start: number; end: number }): { context?: string } {
  const found = rule.context === undefined ? undefined : nearestContext(rule.context, text, c.start, c.end);
  return found === undefined ? {} : { context: found };
}

/** Stage 7: the finding for a match that survived, at `c` (offsets in the fragment's own text) and `at`. */
export function toFinding(rule: Rule, fragment: Fragment, c: { start: number; end: number; secret: string }, at: Location): Finding {
  const path = fragment.origin.path;
  if (rule.practice !== undefined) {
    return {
      kind: 'practice',
      ruleId: `practice/${rule.practice}`,
      practice: rule.practice,
      title: rule.title,
      provider: rule.provider,
      severity: rule.severity,
      remediation: rule.remediation,
      origin: fragment.origin,
      at,
      // the matched text (a variable name, a flag) is no secret, but keep fingerprints alike
      fingerprint: fingerprintOf(`practice/${rule.practice}`, path, `${at.line}:${c.secret}`),
      evidence: safeEvidence(c.secret),
    };
  }
  return {
    kind: 'secret',
    ruleId: rule.id,
    title: rule.title,
    provider: rule.provider,
    severity: rule.severity,
    remediation: rule.remediation,
    secret: new Secret(c.secret),
    origin: fragment.origin,
    at,
    fingerprint: fingerprintOf(rule.id, path, c.secret),
    practices: [],
    ...contextOf(rule, fragment.text, c),
    ...maskedUrlAround(fragment.text, c.start, c.end),
  };
}
