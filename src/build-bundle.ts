// Build step (npm run build, after build-rules): bundles the CLI into one file, dist/keyscan.cjs,
// then runs it once as the pre-commit hook and as an ad hoc scan and writes its V8 code cache
// (src/code-cache.cts). Start-up then reads a few files instead of resolving, reading
// and compiling some 60 modules, and runs cached bytecode instead of compiling each function.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { BUNDLE, BUNDLE_CACHE, cacheFileBytes, loadBundle } from './code-cache.cjs';
import { builtFile, packageFile } from './package-files.js';
import { loadBuiltinRules } from './rules/load.js';
import type { Io } from './run.js';
import { git } from './sources/git.js';

const DIST = builtFile('.');

async function bundle(): Promise<void> {
  // no cache of an earlier bundle survives this one
  rmSync(join(DIST, BUNDLE_CACHE), { force: true });
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const build = await rolldown({
    input: builtFile('main.js'),
    platform: 'node',
    // dependencies stay in node_modules, required when first used (src/lazy-require.ts),
    // but for picocolors: the hook's report needs it, and bundled it is in the code cache (1 ms)
    external: [/^node:/, ...Object.keys(pkg.dependencies ?? {}).filter((name) => name !== 'picocolors').map((name) => new RegExp(`^${name}(?:/|$)`))],
    logLevel: 'warn',
  });
  // the bundle sits beside the compiled modules, so that paths found from it (src/package-files.ts,
  // the worker scripts) are the same as from the modules
  await build.write({ dir: DIST, format: 'cjs', entryFileNames: BUNDLE, codeSplitting: false, sourcemap: false });
  await build.close();
  // ASCII only, as esbuild writes by default: V8 then holds the source as a one-byte string, which
  // it decodes and compiles faster (the hook's start: 8-10 ms less over 41 interleaved rounds). A
  // \uXXXX escape is the same UTF-16 unit in strings, templates, regexes and identifiers, and
  // nothing in a comment; only a template's raw text would differ, and no code reads one.
  const file = join(DIST, BUNDLE);
  writeFileSync(file, asciiOnly(readFileSync(file, 'utf8')));
}

/** `code` with every non-ASCII UTF-16 unit written as a \uXXXX escape. */
function asciiOnly(code: string): string {
  // after a backslash the escape would read as an escaped backslash and the letters "uXXXX"
  const escaped = /\\[^\x00-\x7f]/.exec(code);
  if (escaped !== null) throw new Error(`the bundle has a backslash before a non-ASCII character at offset ${escaped.index}: write it as a \\u escape in the source`);
  return code.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A built-in rule's first example key: a fake key made for tests (rules/ is excluded from scans of this repo). */
function exampleKey(): string {
  const example = loadBuiltinRules().find((def) => def.id === 'openai-project-key')?.examples[0];
  if (example === undefined) throw new Error('the warm-up needs the example of rule openai-project-key');
  return example.text;
}

/** The warm-up: what users start most, the hook and an ad hoc scan, with a finding to report. */
async function warmUp(run: (argv: string[], io: Io) => Promise<number>): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'keyscan-build-'));
  try {
    const repo = join(work, 'repo');
    mkdirSync(repo);
    const code = Array.from({ length: 200 }, (_, i) => `export function user${i}(token: string) { return process.env.API_KEY ?? token + '-${i}'; }`).join('\n');
    for (let f = 0; f < 5; f++) writeFileSync(join(repo, `file${f}.ts`), `${code}\n`);
    writeFileSync(join(repo, 'settings.env'), `${exampleKey()}\n`);
    for (const args of [['init', '-q'], ['add', '.']]) {
      const done = await git(args, repo);
      if (done.code !== 0) throw new Error(`git ${args[0]} failed: ${done.stderr}`);
    }
    const io: Io = { stdout: () => undefined, stderr: (s) => process.stderr.write(s), stdin: () => process.stdin, env: {}, cwd: repo, isTTY: false, stderrIsTTY: false };
    for (const argv of [['staged'], ['.'], ['staged', '--format', 'json']]) {
      const code = await run(argv, io);
      if (code !== 1) throw new Error(`the warm-up run keyscan ${argv.join(' ')} exited ${code}, not 1 (one finding)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await bundle();
const loaded = loadBundle(DIST, { useCache: false });
if (loaded === undefined) throw new Error(`the build wrote no ${BUNDLE}`);
try {
  await warmUp((loaded.exports as { run: (argv: string[], io: Io) => Promise<number> }).run);
  const file = join(DIST, BUNDLE_CACHE);
  writeFileSync(`${file}.tmp`, cacheFileBytes(loaded));
  renameSync(`${file}.tmp`, file);
} catch (err) {
  // no git here, say: the bundle works without its cache, only each start compiles it
  console.warn(`keyscan build: WARNING: no code cache written, every start will be slower: ${(err as Error).message}`);
}
// `npx keyscan` in a clone runs the bin file itself (npm 11 does not link a project's own bins), and
// tsc writes it without the executable bit
chmodSync(builtFile('cli.cjs'), 0o755);
