// The git half of the bench: the pre-commit hook's latency (keyscan staged on a commit that adds
// 10 files / 1,000 lines, Node start-up included) and history throughput (keyscan git over a
// generated repository of BENCH_COMMITS commits, default 10,000), with peak RSS at two history
// sizes to show that memory does not grow with the history.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timedRun } from './measure.mjs';
import { createRng } from './prng.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const HOOK_RUNS = 15;
const HOOK_TARGET_MS = 300;
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' };

function git(cwd, args, input) {
  return execFileSync('git', args, { cwd, env: GIT_ENV, input, maxBuffer: 1 << 30 });
}

function codeLine(rng, i) {
  const names = ['user', 'order', 'token', 'session', 'config', 'client', 'payload', 'result', 'cache', 'request'];
  const a = names[rng.int(0, names.length - 1)];
  const b = names[rng.int(0, names.length - 1)];
  return `export function ${a}${i}(${b}: ${a === 'token' ? 'string' : 'Record<string, unknown>'}) { return ${b} ?? process.env.API_KEY ?? '${a}-${i}'; }`;
}

function fakeKey(rng) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let body = '';
  for (let i = 0; i < 150; i++) body += alphabet[rng.int(0, alphabet.length - 1)];
  return ['sk', 'proj', `${body.slice(0, 75)}T3BlbkFJ${body.slice(75)}`].join('-');
}

/** A repository of `commits` commits written by git fast-import: one process, seconds not minutes. */
export function historyRepo(dir, commits, rng) {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const planted = new Set([Math.floor(commits * 0.1), Math.floor(commits * 0.5), Math.floor(commits * 0.9)]);
  const parts = [];
  const epoch = 1_700_000_000;
  for (let c = 0; c < commits; c++) {
    const lines = Array.from({ length: 20 }, (_, i) => codeLine(rng, c * 20 + i));
    if (planted.has(c)) lines.push(`const leaked = "${fakeKey(rng)}";`);
    const content = `${lines.join('\n')}\n`;
    const path = `src/mod${c % 200}/file${c % 37}.ts`;
    const message = `change ${c}`;
    parts.push(
      `commit refs/heads/main\ncommitter bench <bench@example.invalid> ${epoch + c * 60} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n` +
        `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  git(dir, ['fast-import', '--quiet'], parts.join(''));
  git(dir, ['checkout', '-q', 'main']);
  return planted.size;
}

async function hookLatency(work, rng) {
  const repo = join(work, 'hook');
  mkdirSync(repo, { recursive: true });
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'init']);
  for (let f = 0; f < 10; f++) {
    const lines = Array.from({ length: 100 }, (_, i) => codeLine(rng, f * 100 + i));
    writeFileSync(join(repo, `file${f}.ts`), `${lines.join('\n')}\n`);
  }
  git(repo, ['add', '.']);
  const timeRun = async (args) => {
    const seconds = [];
    for (let i = 0; i < HOOK_RUNS; i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: repo, env: GIT_ENV, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`);
      seconds.push(performance.now() - started);
    }
    return median(seconds);
  };
  await timeRun([CLI, 'staged']); // warm the page cache
  const node = await timeRun(['-e', '0']);
  const staged = await timeRun([CLI, 'staged']);
  return { node, staged };
}

async function history(work, commits, rng, runs) {
  const repo = join(work, `history-${commits}`);
  const planted = historyRepo(repo, commits, rng);
  const out = join(work, `history-${commits}.json`);
  const seconds = [];
  let result;
  for (let i = 0; i < runs; i++) {
    result = await timedRun(process.execPath, [CLI, 'git', '--format', 'json', '--output', out], { method: 'time', timeFile: join(work, 'time.txt'), okCodes: [1], cwd: repo });
    seconds.push(result.seconds);
  }
  const report = JSON.parse(execFileSync('cat', [out]).toString());
  const found = report.findings.filter((f) => f.kind === 'secret').length;
  return { commits, seconds: median(seconds), mb: report.stats.bytes / (1024 * 1024), peakRssMb: result.peakRssMb, found, planted };
}

export async function gitBench(work, settings) {
  const rng = createRng(settings.seed + 7);
  const hook = await hookLatency(work, rng);
  console.log(`\nkeyscan staged, 10 files / 1,000 added lines: median ${hook.staged.toFixed(0)} ms over ${HOOK_RUNS} runs (node -e 0 alone: ${hook.node.toFixed(0)} ms); target < ${HOOK_TARGET_MS} ms${hook.staged > HOOK_TARGET_MS ? '  WARNING: over target' : ''}`);
  const big = Number(process.env.BENCH_COMMITS ?? 10000);
  console.log('\nhistory      commits  added MB  keyscan git s  commits/s  MB/s  peak RSS MB  found/planted');
  for (const commits of [Math.round(big / 5), big]) {
    const h = await history(work, commits, rng, Math.max(1, Math.min(settings.runs, 3)));
    console.log(
      `${'generated'.padEnd(12)} ${String(h.commits).padStart(7)}  ${h.mb.toFixed(1).padStart(8)}  ${h.seconds.toFixed(2).padStart(13)}  ${(h.commits / h.seconds).toFixed(0).padStart(9)}  ${(h.mb / h.seconds).toFixed(1).padStart(4)}  ${h.peakRssMb.toFixed(0).padStart(11)}  ${h.found}/${h.planted}`,
    );
  }
}
