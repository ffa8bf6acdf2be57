// Published npm packages, unpacked from `npm pack` of pinned versions into a cache under the OS temp
// dir: the eval's real-code stage (bench/eval/real-code.mjs) and the bench's real-code tree
// (bench/realcode.mjs) both scan them. Only a first run needs the registry.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Pinned, so the figures move only when keyscan does. About 59 MB unpacked in all (stripe alone would be 23 MB, axios 2). */
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

export function run(command, args, options = {}) {
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

export const dirNameOf = (spec) => spec.replace(/^@/, '').replace(/[/@]/g, '-');

/** The package's unpacked root in `cacheDir`, if a complete one is there. */
function cachedRoot(spec, cacheDir) {
  const root = join(cacheDir, dirNameOf(spec), 'package');
  return existsSync(join(root, 'package.json')) ? root : undefined;
}

/** Packs and unpacks one package into `cacheDir`. Throws when npm or tar fails. */
async function unpack(spec, cacheDir) {
  const dir = join(cacheDir, dirNameOf(spec));
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, '.pack-'));
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

/**
 * Every package of `specs` unpacked under `cacheDir` (as `<name>-<version>/package`), packed first
 * when missing. After the first failure (most likely no registry) the rest are not tried: `missing`
 * lists them and `error` says why.
 */
export async function unpackedPackages(specs, cacheDir) {
  const roots = [];
  const missing = [];
  let error;
  for (const spec of specs) {
    const cached = cachedRoot(spec, cacheDir);
    if (cached !== undefined) roots.push({ spec, root: cached });
    else if (error !== undefined) missing.push(spec);
    else {
      try {
        roots.push({ spec, root: await unpack(spec, cacheDir) });
      } catch (err) {
        error = err; // not worth a timeout per package
        missing.push(spec);
      }
    }
  }
  return { roots, missing, error };
}

export async function bytesUnder(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}
