import { fingerprintOf } from '../fingerprint.js';
import { lineStarts } from '../location.js';
import type { Finding, Fragment, PracticeFinding, PracticeId, PracticeNote, Rule, SecretFinding } from '../types.js';
import { isClientSide, packageOf, type FrontendFacts } from './client-side.js';
import { keyInUrlFix } from './key-in-url.js';
import { isDescriptiveFile, isInProse } from './library.js';
import { envReadHint, fileKind, isDotenvPath, isDotenvTemplate } from './language.js';

/** What the practice checks know beyond one fragment; plain data, so it crosses to workers. */
export interface PracticeContext {
  readonly frontend: FrontendFacts;
  /**
   * Whether a path is (or will be) in git: 'all' in staged and history modes; in a file scan, the
   * .env-style paths git tracks, or 'none-tracked-outside-git' outside a repository.
   */
  readonly tracked:
    | { readonly kind: 'all' }
    | { readonly kind: 'listed'; readonly paths: readonly string[]; readonly ignored?: readonly string[] }
    | { readonly kind: 'no-git' };
  readonly disabled: readonly PracticeId[];
}

export const DEFAULT_PRACTICE_CONTEXT: PracticeContext = {
  frontend: { browserPackages: [], serverFirstPackages: [] },
  tracked: { kind: 'no-git' },
  disabled: [],
};

export function envVarFor(rule: Pick<Rule, 'envVar' | 'provider'>): string {
  if (rule.envVar !== undefined) return rule.envVar;
  if (rule.provider === 'generic') return 'API_KEY';
  return `${rule.provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_KEY`;
}

// A key right after a credential-named query parameter, or as the password of a URL's userinfo.
const QUERY_PARAM_BEFORE = /[?&](?:[A-Za-z0-9_.-]{0,30}(?:key|token|auth|secret|sig|signature|password|passwd|pwd|code|credential)[A-Za-z0-9_.-]{0,10})=$/i;
const USERINFO_BEFORE = /[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s/@:'"]{0,128}:$/;

function isTracked(path: string, ctx: PracticeContext): boolean {
  switch (ctx.tracked.kind) {
    case 'all':
      return true;
    case 'no-git':
      return true; // outside git, a .env the walk reached is not ignored: it would be committed
    case 'listed':
      return ctx.tracked.paths.includes(path);
  }
}

function practiceFinding(id: PracticeId, fragment: Fragment, title: string, severity: PracticeFinding['severity'], remediation: string): PracticeFinding {
  const path = fragment.origin.path;
  return {
    kind: 'practice',
    ruleId: `practice/${id}`,
    practice: id,
    title,
    provider: 'generic',
    severity,
    remediation,
    origin: fragment.origin,
    at: { line: fragment.lineOffset + 1, column: 1, endLine: fragment.lineOffset + 1, endColumn: 1 },
    fingerprint: fingerprintOf(`practice/${id}`, path, path),
    evidence: path,
  };
}

/** A query-only API's documented alternative replaces the rule's "use a header" advice. */
function keyInUrlRemediation(ruleRemediation: string, lineBefore: string): string {
  const fix = keyInUrlFix(lineBefore, 'generic');
  return fix.startsWith('send it in the ') ? ruleRemediation : `${fix[0]!.toUpperCase()}${fix.slice(1)}.`;
}

function dotenvFix(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return `add ${name.startsWith('.env') ? '.env*' : `/${path}`} to .gitignore (keep !.env.example), run git rm --cached ${JSON.stringify(path)}, and rotate the keys it held`;
}

/**
 * Checks one fragment's findings against the key-management guide: every key is hard-coded; some
 * are also in a URL, in code shipped to browsers, in a committed .env, or of a broad kind. These
 * become notes on the secret finding (with a fix for this file's language), not findings of their
 * own; a committed .env is also a finding of its own, once per file.
 */
export function applyPractices(fragment: Fragment, findings: readonly Finding[], rules: ReadonlyMap<string, Rule>, ctx: PracticeContext): Finding[] {
  // a commit message is no file: no language, no URL to fix, nothing shipped; the key is leaked all the same
  if (fragment.origin.kind === 'message') return findings.filter((f) => f.kind === 'secret');
  const path = fragment.origin.path;
  const text = fragment.text;
  const isOn = (id: PracticeId): boolean => !ctx.disabled.includes(id);
  const dotenv = isDotenvPath(path) && !isDotenvTemplate(path);
  // most fragments have no finding: then only a .env file can be one, and nothing below reads the text
  if (findings.length === 0 && !(dotenv && fragment.lineOffset === 0)) return [];
  const kind = fileKind(path, text);
  const clientSide = isOn('client-side-exposure') && isClientSide(path, text, ctx.frontend);
  const committedEnv = dotenv && isOn('dotenv-committed') && isTracked(path, ctx);
  let starts: readonly number[] | undefined;
  const offsetOf = (f: Finding): { lineStart: number; at: number } => {
    starts ??= lineStarts(text);
    const lineStart = starts[f.at.line - fragment.lineOffset - 1] ?? 0;
    return { lineStart, at: lineStart + f.at.column - 1 }; // columns count UTF-16 units, as offsets do
  };
  /** Up to `reach` characters of the finding's line before it. */
  const lineBefore = (f: Finding, reach = 160): string => {
    const { lineStart, at } = offsetOf(f);
    return text.slice(Math.max(lineStart, at - reach), at);
  };
  // A practice rule matched code that uses a key; a provider SDK's own files, declarations,
  // maps, tests and docs only describe such code.
  let describes: boolean | undefined; // asked only when a practice rule matched: most files have none
  const describesCode = (): boolean =>
    (describes ??= isDescriptiveFile(path) || packageOf(path, ctx.frontend.sdkPackages ?? []) !== undefined);

  const out: Finding[] = [];
  let sawSecret = false;
  for (const f of findings) {
    if (f.kind !== 'secret') {
      if (describesCode() || isInProse(text, offsetOf(f).at)) continue;
      out.push(f.practice === 'key-in-url' ? { ...f, remediation: keyInUrlRemediation(f.remediation, lineBefore(f, 600)) } : f);
      continue;
    }
    sawSecret = true;
    const rule = rules.get(f.ruleId);
    const envVar = rule ? envVarFor(rule) : 'API_KEY';
    const notes: PracticeNote[] = [];
    if (isOn('hardcoded-key') && !dotenv) notes.push({ id: 'hardcoded-key', fix: envReadHint(kind, envVar) });
    const before = lineBefore(f);
    if (isOn('key-in-url') && !f.secret.reveal().includes('://') && (QUERY_PARAM_BEFORE.test(before) || USERINFO_BEFORE.test(before)))
      notes.push({ id: 'key-in-url', fix: keyInUrlFix(before, f.provider) });
    if (clientSide) notes.push({ id: 'client-side-exposure', fix: 'this file reaches browsers: call the provider from a server route that holds the key' });
    if (committedEnv) notes.push({ id: 'dotenv-committed', fix: dotenvFix(path) });
    if (isOn('broad-scope-key') && rule?.narrower !== undefined && (rule.narrowerMatch === undefined || rule.narrowerMatch.test(f.secret.reveal())))
      notes.push({ id: 'broad-scope-key', fix: rule.narrower });
    const hardcoded = notes.find((n) => n.id === 'hardcoded-key');
    out.push({
      ...f,
      remediation: hardcoded ? `${f.remediation} In this file: ${hardcoded.fix}.` : f.remediation,
      practices: [...f.practices, ...notes],
    });
  }
  // A .env file is one finding for the file (at its first line), whatever it holds.
  if (dotenv && fragment.lineOffset === 0) {
    if (committedEnv && sawSecret)
      out.push(practiceFinding('dotenv-committed', fragment, '.env file with secrets is committed', 'high', `Keys in a committed .env are in git history for good: ${dotenvFix(path)}.`));
    else if (isOn('dotenv-not-ignored') && ctx.tracked.kind === 'listed' && !isTracked(path, ctx) && !(ctx.tracked.ignored ?? []).includes(path))
      out.push(practiceFinding('dotenv-not-ignored', fragment, '.env file is not ignored by git', 'info', `Nothing stops it from being committed: add ${path.slice(path.lastIndexOf('/') + 1).startsWith('.env') ? '.env*' : `/${path}`} (and !.env.example) to .gitignore.`));
  }
  return out;
}
