// Matches keyscan's findings to the planted keys and prints the figures: a finding whose secret equals,
// contains or is contained in a key planted in the same file finds that key; any other is a false positive.

export const TARGETS = { recall: 0.99, precision: 0.98 };

const overlaps = (a, b) => a === b || a.includes(b) || b.includes(a);

export function shorten(secret) {
  return secret.length >= 16 ? `${secret.slice(0, 8)}…${secret.slice(-4)}` : `${secret.slice(0, 3)}…`;
}

/** The line, cut to `width` characters around `column` (1-based), for lines as long as a bundle's. */
function excerpt(line, column, width = 120) {
  const clean = line.replace(/\t/g, ' ');
  if (clean.length <= width) return clean.trim();
  const start = Math.max(0, Math.min(column - 1 - Math.floor(width / 3), clean.length - width));
  return `${start > 0 ? '…' : ''}${clean.slice(start, start + width)}${start + width < clean.length ? '…' : ''}`;
}

/** The text a base64 value encodes, when it is short printable text (a Kubernetes Secret's dev password). */
function base64Text(value) {
  if (!/^[A-Za-z0-9+/]{4,}={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, 'base64').toString('latin1');
  return /^[\x20-\x7e]{1,40}$/.test(text) ? text : undefined;
}

export function score(plants, decoys, report, texts, kinds) {
  const findings = report.findings.filter((f) => f.kind === 'secret');
  const others = report.findings.length - findings.length;
  const plantsByFile = new Map();
  for (const p of plants) {
    p.foundBy = [];
    if (!plantsByFile.has(p.file)) plantsByFile.set(p.file, []);
    plantsByFile.get(p.file).push(p);
  }
  const falsePositives = [];
  let truePositives = 0;
  for (const f of findings) {
    const hits = (plantsByFile.get(f.file) ?? []).filter((p) => overlaps(p.secret, f.secret));
    if (hits.length > 0) {
      truePositives++;
      for (const p of hits) p.foundBy.push(f.ruleId);
      continue;
    }
    const decoy = decoys.find((d) => d.file === f.file && d.values.some((v) => overlaps(v, f.secret)));
    const lines = texts.get(f.file)?.split('\n') ?? [];
    const decoded = base64Text(f.secret);
    const cause = decoy?.category ?? `filler of a ${kinds.get(f.file) ?? 'generated'} file${decoded ? ` (base64 of ${JSON.stringify(decoded)})` : ''}`;
    falsePositives.push({ ...f, cause, excerpt: excerpt(lines[f.line - 1] ?? '', f.column) });
  }
  const missed = plants.filter((p) => p.foundBy.length === 0);
  const byOtherRule = plants.filter((p) => p.foundBy.length > 0 && !p.foundBy.includes(p.ruleId));
  for (const p of missed) {
    const line = texts.get(p.file).split('\n')[p.line - 1] ?? '';
    const col = line.indexOf(p.secret) + 1;
    p.excerpt = excerpt(line.split(p.secret).join(shorten(p.secret)), col);
  }
  return {
    plants: plants.length,
    found: plants.length - missed.length,
    foundByExpectedRule: plants.filter((p) => p.foundBy.includes(p.ruleId)).length,
    findings: findings.length,
    otherFindings: others,
    truePositives,
    recall: plants.length === 0 ? 1 : (plants.length - missed.length) / plants.length,
    precision: findings.length === 0 ? 1 : truePositives / findings.length,
    missed,
    byOtherRule,
    falsePositives,
  };
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const verdict = (x, target) => (x >= target ? 'ok' : 'BELOW TARGET');

function countBy(items, keyOf) {
  const counts = new Map();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function formatScore(s, plants) {
  const out = [];
  out.push(`recall     ${pct(s.recall).padStart(8)}  (${s.found}/${s.plants} planted keys found)      target >= ${pct(TARGETS.recall)}  ${verdict(s.recall, TARGETS.recall)}`);
  out.push(`precision  ${pct(s.precision).padStart(8)}  (${s.truePositives}/${s.findings} findings are planted keys)  target >= ${pct(TARGETS.precision)}  ${verdict(s.precision, TARGETS.precision)}`);
  out.push(`found by the expected rule: ${s.foundByExpectedRule}, only by another rule: ${s.byOtherRule.length}${s.otherFindings ? `; ${s.otherFindings} findings of other kinds not scored` : ''}`);
  out.push('', 'recall by provider');
  const providers = [...new Set(plants.map((p) => p.provider))].sort();
  for (const provider of providers) {
    const mine = plants.filter((p) => p.provider === provider);
    const found = mine.filter((p) => p.foundBy.length > 0).length;
    const expected = mine.filter((p) => p.foundBy.includes(p.ruleId)).length;
    const flag = found < mine.length ? '  <' : '';
    out.push(`  ${provider.padEnd(16)} ${`${found}/${mine.length}`.padStart(7)}  ${pct(found / mine.length).padStart(8)}   expected rule ${expected}, another rule ${found - expected}${flag}`);
  }
  if (s.byOtherRule.length > 0) {
    out.push('', `found only by another rule (${s.byOtherRule.length})`);
    for (const p of s.byOtherRule) out.push(`  ${p.ruleId} -> ${[...new Set(p.foundBy)].join(', ')}  ${p.file}:${p.line}  (${p.context})`);
  }
  out.push('', `missed (${s.missed.length})`);
  for (const p of s.missed) out.push(`  ${p.ruleId}  ${p.file}:${p.line}  (${p.context})\n      ${p.excerpt}`);
  out.push('', `false positives (${s.falsePositives.length})`);
  for (const f of s.falsePositives) out.push(`  ${f.ruleId}  ${f.file}:${f.line}  [${f.cause}]\n      ${f.excerpt}`);
  if (s.missed.length + s.falsePositives.length > 0) {
    const where = (p) => p.context.replace(/^example \d+ in/, 'rule example in').replace(/^beside .*/, 'beside another rule example');
    out.push('', `misses by context: ${countBy(s.missed, where).map(([w, n]) => `${w} ${n}`).join(', ') || 'none'}`);
    out.push(`false positives by cause: ${countBy(s.falsePositives, (f) => f.cause).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
    out.push('', 'top causes');
    for (const [what, n] of countBy(s.missed, (p) => `miss  ${p.ruleId}, ${p.context.replace(/^example \d+/, 'example')}`).slice(0, 10)) out.push(`  ${String(n).padStart(3)}  ${what}`);
    for (const [what, n] of countBy(s.falsePositives, (f) => `false positive  ${f.ruleId} on ${f.cause}`).slice(0, 10)) out.push(`  ${String(n).padStart(3)}  ${what}`);
  }
  return out.join('\n');
}
