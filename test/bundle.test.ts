import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { CLI, runBuiltCli, type CliRun } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from './helpers/git-repo.js';
import { PACKAGE_DIR, packageCopy } from './helpers/pack.js';
import { tempTree } from './helpers/tmp.js';

// The command starts the bundled CLI (dist/keyscan.cjs) through V8's code cache, which the build
// wrote after a warm-up run (src/build-bundle.ts, src/code-cache.cts). These tests hold it to the
// same results as the modules it is made from, and to working whatever happened to the cache.


/** The bundle the loader ran from `dist` and whether it refused its cache, in a fresh node (the bin's own V8 flags); [] without a bundle. */
function bundleLoaded(dist: string): { name: string; cacheRejected: boolean }[] {
  const script = `const { BUNDLE, loadBundle } = require(process.argv[1]); const loaded = loadBundle(process.argv[2]);
    console.log(JSON.stringify(loaded !== undefined && typeof loaded.exports.main === 'function' ? [{ name: BUNDLE, cacheRejected: loaded.cacheRejected }] : []));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, join(dist, 'code-cache.cjs'), dist], { encoding: 'utf8' })) as { name: string; cacheRejected: boolean }[];
}

let repo: GitRepo | undefined;
/** A repository with a commit's worth of staged code, one file holding a (fake) key. */
function stagedRepo(): GitRepo {
  repo ??= tempRepo(
    {
      'src/client.ts': `export function client(token: string) {\n  return fetch('/v1/models', { headers: { Authorization: token } });\n}\n`,
      'settings.env': `OPENAI_API_KEY=${fakeOpenAiProjectKey(31)}\n`,
      'README.md': '# demo\n',
    },
    { stage: true },
  );
  return repo;
}

/** The JSON reports of the hook and of an ad hoc scan, with the durations taken out. */
async function results(cli?: string): Promise<{ runs: CliRun[]; reports: unknown[] }> {
  const root = stagedRepo().root;
  const runs: CliRun[] = [];
  for (const args of [['staged', '--format', 'json'], ['.', '--format', 'json']]) runs.push(await runBuiltCli(args, { cwd: root, env: cliEnv(), ...(cli === undefined ? {} : { cli }) }));
  const reports = runs.map((run) => JSON.parse(run.stdout.replace(/"durationMs": \d+/g, '"durationMs": 0')) as unknown);
  return { runs, reports };
}

describe('the bundled CLI', () => {
  test('starts from the bundle with the code cache the build wrote, which V8 accepts', () => {
    expect(bundleLoaded(join(PACKAGE_DIR, 'dist'))).toEqual([{ name: 'keyscan.cjs', cacheRejected: false }]);
  });

  test('reports exactly what the modules report, keys masked, for the hook and an ad hoc scan', async () => {
    const dist = join(packageCopy(), 'dist');
    rmSync(join(dist, 'keyscan.cjs'));
    expect(bundleLoaded(dist)).toEqual([]); // no bundle: the command runs the modules
    const modules = await results(join(dist, 'cli.cjs'));
    const bundled = await results();
    expect(bundled.runs.map((r) => r.code)).toEqual([1, 1]);
    expect(modules.runs.map((r) => [r.code, r.stderr])).toEqual(bundled.runs.map((r) => [r.code, r.stderr]));
    expect(modules.reports).toEqual(bundled.reports);
    expect(JSON.stringify(bundled.reports)).toContain('"file":"settings.env"');
    expect(bundled.runs.map((r) => r.stdout).join('')).not.toContain(fakeOpenAiProjectKey(31).slice(12, 40));
  });

  test('a cache made for another chunk, or data V8 refuses, is no cache: the same results, never an error', async () => {
    const expected = (await results()).reports;
    const dist = join(packageCopy(), 'dist');
    const cacheFile = join(dist, 'keyscan.cjs.v8cache');
    const good = readFileSync(cacheFile);
    const otherHash = Buffer.from(good);
    otherHash[6] = otherHash[6]! ^ 0xff; // within the bundle's CRC-32, after the 4-byte magic
    const refused = Buffer.concat([good.subarray(0, 8), Buffer.alloc(4096, 7)]);
    for (const damaged of [otherHash, refused, good.subarray(0, 10), Buffer.alloc(0)]) {
      writeFileSync(cacheFile, damaged);
      expect(bundleLoaded(dist)).toEqual([{ name: 'keyscan.cjs', cacheRejected: true }]);
      const { runs, reports } = await results(join(dist, 'cli.cjs'));
      expect(runs.map((r) => r.stderr)).toEqual(['', '']);
      expect(reports).toEqual(expected);
    }
    rmSync(cacheFile);
    expect(bundleLoaded(dist)).toEqual([{ name: 'keyscan.cjs', cacheRejected: true }]);
  });

  test('a cache is not used for an edited bundle, even one of the same length (V8 checks only the length)', () => {
    const dist = join(packageCopy(), 'dist');
    const bundle = join(dist, 'keyscan.cjs');
    const text = readFileSync(bundle, 'utf8');
    const edited = text.replace('rolldown/runtime.js', 'rolldown/runtime.JS'); // a comment: the code is the same
    expect(edited).not.toBe(text);
    writeFileSync(bundle, edited);
    expect(readFileSync(bundle).length).toBe(Buffer.byteLength(text));
    expect(bundleLoaded(dist)).toEqual([{ name: 'keyscan.cjs', cacheRejected: true }]);
  });

  // the pre-commit hook's start: node:crypto and node:fs/promises cost it 2-3 ms to load, and a
  // clean commit needs neither (src/node-crypto.ts, the fs.promises getter)
  test('the hook on a clean commit loads neither node:crypto nor node:fs/promises', async () => {
    const root = tempRepo({ 'src/app.ts': 'export const url = process.env.API_URL;\n', 'package.json': '{"name":"app"}\n' }, { stage: true }).root;
    const loaded = join(tempTree(), 'modules.json');
    const probe = join(tempTree({ 'probe.cjs': `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(process.moduleLoadList)));\n` }), 'probe.cjs');
    const run = await runBuiltCli(['staged'], { cwd: root, env: { ...cliEnv(), NODE_OPTIONS: `--require ${probe}` } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
    expect(modules).toContain('NativeModule child_process'); // the probe saw the whole run
    expect(modules.filter((m) => /^NativeModule (?:crypto|fs\/promises)$/.test(m))).toEqual([]);
  });

  // main() exits as soon as run() is done, not when Node's event loop drains (which first waits for
  // V8's background compiler): nothing it wrote may be lost, however slowly the reader reads
  test('exits once its output is out: 2 MB of JSON to a reader that starts a second late arrive whole', () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `KEY_${i}=${fakeOpenAiProjectKey(5000 + i)}`);
    const root = tempTree({ 'keys.env': `${keys.join('\n')}\n` });
    const out = join(tempTree(), 'report.json');
    const piped = spawnSync('sh', ['-c', `"$0" "$1" . --format json --show-secrets | (sleep 1; cat > "$2")`, process.execPath, CLI, out], { cwd: root, env: { ...process.env, ...cliEnv() } as NodeJS.ProcessEnv, encoding: 'utf8' });
    expect(piped.status).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.length).toBeGreaterThan(1_000_000);
    const report = JSON.parse(text) as { findings: { kind: string; secret: string }[] };
    expect(report.findings.filter((f) => f.kind === 'secret').map((f) => f.secret).sort()).toEqual(keys.map((k) => k.slice(k.indexOf('=') + 1)).sort());
  });
});
