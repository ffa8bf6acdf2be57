// The real-code stage of the eval: popular SDK and framework packages as published (`npm pack` of pinned
// versions), scanned with the built CLI. They hold no keys, so every finding is a false alarm; the figure
// that matters is false alarms per MB. Packages are cached under the OS temp dir, so only the first run
// needs the registry; without it the stage is skipped, loudly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Pinned, so the figure moves only when keyscan does. About 59 MB unpacked in all (stripe alone would be 23 MB, axios 2). */
export const REAL_PACKAGES = [
  'openai@7.59.0',
  '@anthropic-ai/sdk@1.16.0',
  'react-dom@19.3.1',
  'ky@2.1.0',
  'express@5.3.0',
  'zod@4.6.7',
  'dotenv@18.0.10',
  'jsonwebtoken@9.0.3',
];

export const CACHE_DIR = join(tmpdir(), 'keyscan-eval-cache');

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: String(err) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dirNameOf = (spec) => spec.replace(/^@/, '').replace(/[/@]/g, '-');

/** The package unpacked under the cache, packed first if it is not there yet. Throws when npm fails. */
function cachedRoot(spec) {
  const root = join(CACHE_DIR, dirNameOf(spec), 'package');
  return existsSync(join(root, 'package.json')) ? root : undefined;
}

async function unpacked(spec) {
  const dir = join(CACHE_DIR, dirNameOf(spec));
  await mkdir(CACHE_DIR, { recursive: true });
  const work = await mkdtemp(join(CACHE_DIR, '.pack-'));
  try {
    const packed = await run('npm', ['pack', spec, '--silent', '--pack-destination', work], { cwd: work });
    const file = packed.stdout.trim().split('\n').pop();
    const why = packed.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${packed.code}`;
    if (packed.code !== 0 || !file) throw new Error(`npm pack ${spec} failed: ${why.slice(0, 200)}`);
    const untar = await run('tar', ['-xzf', join(work, file), '-C', work]);
    if (untar.code !== 0) throw new Error(`tar -xzf ${file} failed: ${untar.stderr.trim()}`);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await rename(join(work, 'package'), join(dir, 'package')); // complete or absent: a cut run leaves no half package
    return join(dir, 'package');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function bytesUnder(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}

/**
 * Packs (or reuses) every pinned package and scans each with the built CLI. Returns undefined when the
 * stage could not run (no registry), after saying so through `log`.
 */
export async function realCodeStage({ log, nodePath, cli }) {
  const roots = [];
  let packFailed = false;
  for (const spec of REAL_PACKAGES) {
    const cached = cachedRoot(spec);
    if (cached !== undefined) roots.push({ spec, root: cached });
    else if (!packFailed) {
      try {
        roots.push({ spec, root: await unpacked(spec) });
      } catch (err) {
        packFailed = true; // most likely no registry: not worth a timeout per package
        log(`\n!!! real-code stage: ${err.message}; is the npm registry reachable? Only packages already in ${CACHE_DIR} are scanned.`);
      }
    }
  }
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
