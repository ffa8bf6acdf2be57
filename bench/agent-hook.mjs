// keyscan agent-hook start-up against `node -e 0`: a clean Claude Code PreToolUse event (a Bash
// command) answered RUNS times, the two commands interleaved so machine noise hits both alike.
// Prints wall-time medians and minimums, and (on Linux) the CPU time of each, which a shared
// machine's load disturbs less.  Usage: npm run build && node bench/agent-hook.mjs [runs]
import { spawnSync } from 'node:child_process';
import { childrenCpuMs } from './measure.mjs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const RUNS = Number(process.argv[2] ?? 30);
const EVENT = JSON.stringify({
  session_id: 'bench',
  transcript_path: '/tmp/bench.jsonl',
  cwd: process.cwd(),
  permission_mode: 'default',
  hook_event_name: 'PreToolUse',
  tool_name: 'Bash',
  tool_input: { command: 'npm test -- --reporter=dot', description: 'Run the tests' },
  tool_use_id: 'toolu_bench',
});

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'keyscan agent-hook': [process.execPath, [CLI, 'agent-hook', '--agent', 'claude-code']],
};
const wall = { 'node -e 0': [], 'keyscan agent-hook': [] };
const cpu = { 'node -e 0': 0, 'keyscan agent-hook': 0 };
for (let i = 0; i < RUNS + 2; i++) {
  for (const [name, [cmd, args]] of Object.entries(commands)) {
    const before = childrenCpuMs();
    const started = process.hrtime.bigint();
    const run = spawnSync(cmd, args, { input: EVENT });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0 || run.stdout.length !== 0) throw new Error(`${name}: exit ${run.status}, stdout ${run.stdout}`);
    if (i < 2) continue; // warm-up: the file cache
    wall[name].push(ms);
    const after = childrenCpuMs();
    if (before !== undefined && after !== undefined) cpu[name] += after - before;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const name of Object.keys(commands))
  console.log(`${name.padEnd(20)} wall median ${median(wall[name]).toFixed(1)} ms, min ${Math.min(...wall[name]).toFixed(1)} ms, CPU ${(cpu[name] / RUNS).toFixed(1)} ms per run`);
const ratio = (f) => (f('keyscan agent-hook') / f('node -e 0')).toFixed(2);
console.log(`ratio: wall median ${ratio((n) => median(wall[n]))}x, wall min ${ratio((n) => Math.min(...wall[n]))}x, CPU ${ratio((n) => cpu[n])}x`);
