// The real-code stage of the eval: popular SDK and framework packages as published (`npm pack` of pinned
// versions), scanned with the built CLI. They hold no keys, so every finding is a false alarm; the figure
// that matters is false alarms per MB. Packages are cached under the OS temp dir, so only the first run
// needs the registry; without it the stage is skipped, loudly.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesUnder, dirNameOf, REAL_PACKAGES, run, unpackedPackages } from '../npm-packages.mjs';

export { REAL_PACKAGES };
export const CACHE_DIR = join(tmpdir(), 'keyscan-eval-cache');

/**
 * Packs (or reuses) every pinned package and scans each with the built CLI. Returns undefined when the
 * stage could not run (no registry), after saying so through `log`.
 */
export async function realCodeStage({ log, nodePath, cli }) {
  const { roots, error } = await unpackedPackages(REAL_PACKAGES, CACHE_DIR);
  if (error !== undefined) log(`\n!!! real-code stage: ${error.message}; is the npm registry reachable? Only packages already in ${CACHE_DIR} are scanned.`);
  if (roots.length > 0 && roots.length < REAL_PACKAGES.length) log(`!!! real-code stage: ${REAL_PACKAGES.length - roots.length} of ${REAL_PACKAGES.length} packages missing; the figure below is for the others`);
  if (roots.length === 0) {
    log('\n!!! REAL-CODE STAGE SKIPPED: no package could be packed or found in the cache; false alarms per MB not measured.');
    return undefined;
  }
  const out = await mkdtemp(join(tmpdir(), 'keyscan-eval-real-'));
  try {
    const findings = [];
    let bytes = 0;
    const started = Date.now();
    for (const { spec, root } of roots) {
      bytes += await bytesUnder(root);
      const report = join(out, `${dirNameOf(spec)}.json`);
      const scanned = await run(nodePath, [cli, root, '--format', 'json', '--output', report, '--no-color']);
      if (scanned.code !== 0 && scanned.code !== 1) throw new Error(`keyscan exited ${scanned.code} on ${spec}: ${scanned.stderr.trim()}`);
      const { findings: found } = JSON.parse(await readFile(report, 'utf8'));
      for (const f of found) findings.push({ ...f, spec });
    }
    const mb = bytes / 1e6;
    const secrets = findings.filter((f) => f.kind === 'secret');
    const lines = [
      '',
      `real code  ${roots.length}/${REAL_PACKAGES.length} packages, ${mb.toFixed(1)} MB, scanned in ${((Date.now() - started) / 1000).toFixed(1)} s; no keys in them, so every finding is a false alarm`,
      `false alarms  ${findings.length} (${secrets.length} keys, ${findings.length - secrets.length} practices)  ${(findings.length / mb).toFixed(3)} per MB`,
    ];
    for (const f of findings.slice(0, 20)) lines.push(`  ${f.ruleId}  ${f.spec} ${f.file}:${f.line}${f.encoding ? `  (${f.encoding})` : ''}`);
    if (findings.length > 20) lines.push(`  … and ${findings.length - 20} more`);
    log(lines.join('\n'));
    return { packages: roots.length, mb, falseAlarms: findings.length, secretFalseAlarms: secrets.length, perMb: findings.length / mb };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
