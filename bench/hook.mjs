// The pre-commit hook's start-up alone: `keyscan staged` on a commit that adds 10 files / 1,000
// lines, against `node -e 0`, run in turn (one of each per round) so that a neighbour's load hits
// both alike. Prints the medians, their ratio and the load average. BENCH_HOOK_RUNS (default 21).
// With several CLIs (two builds, say), each runs in every round too.
//   node bench/hook.mjs [path/to/cli.js ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuMs, median } from './measure.mjs';
import { createRng } from './prng.mjs';

const CLIS = process.argv.length > 2 ? process.argv.slice(2).map((p) => resolve(p)) : [fileURLToPath(new URL('../dist/cli.cjs', import.meta.url))];
const RUNS = Number(process.env.BENCH_HOOK_RUNS ?? 21);
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' };

function codeLine(rng, i) {
  const names = ['user', 'order', 'token', 'session', 'config', 'client', 'payload', 'result', 'cache', 'request'];
  const a = names[rng.int(0, names.length - 1)];
  const b = names[rng.int(0, names.length - 1)];
  return `export function ${a}${i}(${b}: ${a === 'token' ? 'string' : 'Record<string, unknown>'}) { return ${b} ?? process.env.API_KEY ?? '${a}-${i}'; }`;
}

const work = mkdtempSync(join(tmpdir(), 'keyscan-hook-'));
try {
  const repo = join(work, 'hook');
  mkdirSync(repo);
  const git = (args) => execFileSync('git', args, { cwd: repo, env: GIT_ENV });
  git(['init', '-q', '-b', 'main']);
  git(['commit', '-q', '--allow-empty', '-m', 'init']);
  const rng = createRng(49);
  for (let f = 0; f < 10; f++) writeFileSync(join(repo, `file${f}.ts`), `${Array.from({ length: 100 }, (_, i) => codeLine(rng, f * 100 + i)).join('\n')}\n`);
  git(['add', '.']);
  const cpu = new Map();
  const once = (args) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: repo, env: GIT_ENV, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
    const ms = performance.now() - started;
    cpu.set(args[0], (cpu.get(args[0]) ?? 0) + (childrenCpuMs() ?? NaN) - (cpuBefore ?? NaN)); // git's CPU included
    return ms;
  };
  for (const cli of CLIS) once([cli, 'staged']); // the page cache
  cpu.clear();
  const node = [];
  const hooks = CLIS.map(() => []);
  const loadBefore = loadavg()[0];
  for (let i = 0; i < RUNS; i++) {
    node.push(once(['-e', '0']));
    CLIS.forEach((cli, c) => hooks[c].push(once([cli, 'staged'])));
  }
  const n = median(node);
  const nodeCpu = cpu.get('-e') / RUNS;
  console.log(`node -e 0: median ${n.toFixed(0)} ms (fastest ${Math.min(...node).toFixed(0)}), CPU ${nodeCpu.toFixed(0)} ms a run; ${RUNS} rounds; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  CLIS.forEach((cli, c) => {
    const h = median(hooks[c]);
    const hookCpu = cpu.get(cli) / RUNS;
    console.log(`keyscan staged (10 files / 1,000 lines) ${cli}: median ${h.toFixed(0)} ms, ${(h / n).toFixed(2)}x (fastest ${Math.min(...hooks[c]).toFixed(0)} ms, ${(Math.min(...hooks[c]) / Math.min(...node)).toFixed(2)}x); CPU ${hookCpu.toFixed(0)} ms a run, ${(hookCpu / nodeCpu).toFixed(2)}x`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
