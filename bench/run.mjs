// keyscan's benchmark: generates two trees in a temp dir, times the built CLI on them against a
// read floor (walking and reading the same files, scanning nothing), prints a table and warns
// when a target is missed. `npm run bench` builds first.
//   BENCH_MB=100     size of each tree in MB (MiB)       BENCH_RUNS=5   runs per measurement (median)
//   BENCH_SEED=1     another seed, another tree          BENCH_PROFILE=1 (or --profile)  then print the time
//   BENCH_RSS=proc   read peak RSS from /proc            per detect() stage and the top self-time functions
//                                                        of a --threads 0 scan of the dense tree
//   BENCH_COMMITS=10000  size of the generated history    BENCH_GIT=0   skip the hook and history part
//   BENCH_ORG=0      skip the organisation-scan part (plan, merge, per-repository cost)
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, MB } from './generate.mjs';
import { gitBench } from './git.mjs';
import { orgBench } from './org.mjs';
import { median, rssMethod, timedRun } from './measure.mjs';
import { formatSelfTimes, formatStageTimes, ruleIdsByRegex, selfTimes, stageTimes } from './profile-summary.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FLOOR = fileURLToPath(new URL('./read-floor.mjs', import.meta.url));
/** What keyscan's walk skips in the generated trees: dist/ through the tree's .gitignore. */
const FLOOR_SKIP = 'dist,node_modules,.git';
const FLOOR_THREADS = [0, 2];
const TARGETS = { realisticMbPerSecond: 60, realisticFloorRatio: 6, denseMbPerSecond: 30, peakRssMb: 400 };
const PROFILE_TOP = 15;
/** Load (1-minute average) per CPU above which other work on the machine skews the timings. */
const BUSY_LOAD_PER_CPU = 0.5;

function readSettings(env, argv) {
  const number = (name, fallback) => {
    const value = Number(env[name] ?? fallback);
    if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${JSON.stringify(env[name])}`);
    return value;
  };
  return {
    mb: number('BENCH_MB', 100),
    runs: Math.round(number('BENCH_RUNS', 5)),
    seed: Math.round(number('BENCH_SEED', 1)),
    profile: argv.includes('--profile') || (env.BENCH_PROFILE !== undefined && env.BENCH_PROFILE !== '' && env.BENCH_PROFILE !== '0'),
    rss: rssMethod(env),
  };
}

async function measureFloor(tree, settings, work) {
  const run = (threads) =>
    timedRun(process.execPath, [FLOOR, tree.root, String(threads), FLOOR_SKIP], { method: 'none', timeFile: join(work, 'time.txt') });
  await run(0); // the trees were just written: settle the page cache and writeback before timing
  const byThreads = new Map();
  let read;
  for (const threads of FLOOR_THREADS) {
    const seconds = [];
    for (let i = 0; i < settings.runs; i++) {
      const result = await run(threads);
      seconds.push(result.seconds);
      read = JSON.parse(result.stdout);
    }
    byThreads.set(threads, median(seconds));
  }
  return { byThreads, best: Math.min(...byThreads.values()), read };
}

function countBy(findings, key) {
  const counts = new Map();
  for (const f of findings) counts.set(f[key], (counts.get(f[key]) ?? 0) + 1);
  return counts;
}

/** Node exits 1 on a crash too, so exit 1 counts as findings only when the report is there. */
async function readReport(file, result) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`keyscan exited ${result.code} without a readable report (${err.code ?? err.message})\n${tail}`);
  }
}

async function measureKeyscan(tree, extraArgs, settings, work) {
  const reportFile = join(work, 'report.json');
  const args = [CLI, tree.root, '--format', 'json', '--output', reportFile, ...extraArgs];
  const seconds = [];
  const cpuSeconds = [];
  let peakRssMb;
  let report;
  const findingCounts = [];
  for (let i = 0; i < settings.runs; i++) {
    await rm(reportFile, { force: true });
    const result = await timedRun(process.execPath, args, { method: settings.rss, timeFile: join(work, 'time.txt'), okCodes: [0, 1] });
    seconds.push(result.seconds);
    if (result.cpuSeconds !== undefined) cpuSeconds.push(result.cpuSeconds);
    if (result.peakRssMb !== undefined) peakRssMb = Math.max(peakRssMb ?? 0, result.peakRssMb);
    report = await readReport(reportFile, result);
    // keys only: practice findings (a .env outside git, say) are not planted keys
    report = { ...report, findings: report.findings.filter((f) => f.kind === 'secret') };
    findingCounts.push(report.findings.length);
  }
  return { seconds: median(seconds), cpuSeconds: cpuSeconds.length > 0 ? median(cpuSeconds) : undefined, peakRssMb, report, findingCounts };
}

function row(label, tree, scan, floor) {
  const mb = tree.bytes / MB;
  return {
    label,
    files: tree.files,
    mb,
    seconds: scan.seconds,
    cpuSeconds: scan.cpuSeconds,
    mbPerSecond: mb / scan.seconds,
    floorSeconds: floor.best,
    ratio: scan.seconds / floor.best,
    peakRssMb: scan.peakRssMb,
    findings: scan.report.findings.length,
    planted: [...tree.planted.values()].reduce((a, b) => a + b, 0),
  };
}

function formatTable(rows) {
  const header = ['tree', 'files', 'MB', 'keyscan s', 'cpu s', 'MB/s', 'floor s', 'ratio', 'peak RSS MB', 'findings', 'planted'];
  const cells = rows.map((r) => [
    r.label, String(r.files), r.mb.toFixed(1), r.seconds.toFixed(2), r.cpuSeconds === undefined ? 'n/a' : r.cpuSeconds.toFixed(2), r.mbPerSecond.toFixed(1), r.floorSeconds.toFixed(2),
    `${r.ratio.toFixed(1)}x`, r.peakRssMb === undefined ? 'n/a' : r.peakRssMb.toFixed(0), String(r.findings), String(r.planted),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

function formatCounts(counts) {
  return counts.size === 0 ? 'none' : [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
}

function warnings(rows, checks) {
  const out = [];
  const [realistic, dense] = rows;
  if (realistic.mbPerSecond < TARGETS.realisticMbPerSecond)
    out.push(`realistic: ${realistic.mbPerSecond.toFixed(1)} MB/s, target >= ${TARGETS.realisticMbPerSecond}`);
  if (realistic.ratio > TARGETS.realisticFloorRatio) out.push(`realistic: ${realistic.ratio.toFixed(1)}x the read floor, target <= ${TARGETS.realisticFloorRatio}x`);
  if (dense.mbPerSecond < TARGETS.denseMbPerSecond) out.push(`dense: ${dense.mbPerSecond.toFixed(1)} MB/s, target >= ${TARGETS.denseMbPerSecond}`);
  for (const r of rows)
    if (r.peakRssMb !== undefined && r.peakRssMb >= TARGETS.peakRssMb) out.push(`${r.label}: peak RSS ${r.peakRssMb.toFixed(0)} MB, target < ${TARGETS.peakRssMb}`);
  return [...out, ...checks];
}

/** What keyscan and the floor read must match the tree: otherwise the MB/s compare different work. */
function consistencyChecks(label, tree, scan, floor) {
  const out = [];
  const stats = scan.report.stats;
  if (stats.files !== tree.files || stats.bytes !== tree.bytes)
    out.push(`${label}: keyscan read ${stats.files} files / ${stats.bytes} bytes, the tree has ${tree.files} / ${tree.bytes} outside dist/`);
  if (floor.read.files !== tree.files || floor.read.bytes !== tree.bytes)
    out.push(`${label}: the read floor read ${floor.read.files} files / ${floor.read.bytes} bytes, the tree has ${tree.files} / ${tree.bytes}`);
  if (new Set(scan.findingCounts).size > 1)
    out.push(`${label}: findings differ between runs (${scan.findingCounts.join(', ')}): the scan is nondeterministic, or rules/ changed during the bench`);
  return out;
}

async function profileDense(dense, work) {
  const dir = join(work, 'profile');
  await timedRun(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, dense.root, '--threads', '0', '--format', 'json', '-o', '/dev/null'], {
    method: 'none',
    timeFile: join(work, 'time.txt'),
    okCodes: [0, 1],
  });
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
  return { stages: stageTimes(profile), functions: selfTimes(profile, await ruleIdsByRegex()) };
}

async function measureAll(realistic, dense, settings, work) {
  const realisticFloor = await measureFloor(realistic, settings, work);
  const realisticScan = await measureKeyscan(realistic, [], settings, work);
  const singleScan = await measureKeyscan(realistic, ['--threads', '0'], settings, work);
  const denseFloor = await measureFloor(dense, settings, work);
  const denseScan = await measureKeyscan(dense, [], settings, work);
  return { realisticFloor, realisticScan, singleScan, denseFloor, denseScan };
}

function printResults(realistic, dense, m, machine) {
  const rows = [
    row('realistic', realistic, m.realisticScan, m.realisticFloor),
    row('dense', dense, m.denseScan, m.denseFloor),
    row('realistic -t0', realistic, m.singleScan, m.realisticFloor),
  ];
  console.log(`\n${formatTable(rows)}\n`);
  const floorLine = (label, f) => `${label} ${[...f.byThreads].map(([t, s]) => `${s.toFixed(2)} s with ${t === 0 ? 'no workers' : `${t} workers`}`).join(', ')}`;
  console.log(`read floor (the faster is used): ${floorLine('realistic', m.realisticFloor)}; ${floorLine('dense', m.denseFloor)}`);
  console.log(`worker pool on realistic: ${m.realisticScan.seconds.toFixed(2)} s with ${machine.threads} threads (the default here), ${m.singleScan.seconds.toFixed(2)} s with --threads 0: speedup ${(m.singleScan.seconds / m.realisticScan.seconds).toFixed(2)}x`);
  for (const [label, tree, scan] of [['realistic', realistic, m.realisticScan], ['dense', dense, m.denseScan]])
    console.log(`${label}: findings ${formatCounts(countBy(scan.report.findings, 'provider'))}; planted ${formatCounts(tree.planted)}`);

  const checks = [
    ...(machine.isBusy ? [`the machine was busy before the bench (load ${machine.load.toFixed(1)} on ${machine.cpus} cpus): wall times are pessimistic, cpu s less so`] : []),
    ...consistencyChecks('realistic', realistic, m.realisticScan, m.realisticFloor),
    ...consistencyChecks('dense', dense, m.denseScan, m.denseFloor),
    ...(m.singleScan.report.findings.length === m.realisticScan.report.findings.length ? [] : ['realistic: --threads 0 and the worker pool found different numbers of secrets']),
  ];
  const missed = warnings(rows, checks);
  console.log(missed.length === 0 ? '\nall targets met' : `\n${missed.map((w) => `WARNING: ${w}`).join('\n')}`);
}

function describeMachine() {
  // Read before the bench adds its own load; the 1-minute average still shows what ran before.
  const load = loadavg()[0];
  const count = cpus().length;
  return { cpus: count, model: cpus()[0]?.model.trim() ?? 'unknown', load, isBusy: load > count * BUSY_LOAD_PER_CPU, threads: Math.max(1, Math.min(availableParallelism(), 8)) };
}

async function main() {
  const settings = readSettings(process.env, process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm run bench does)`);
  const machine = describeMachine();
  const work = await mkdtemp(join(tmpdir(), 'keyscan-bench-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  // Ctrl-C must not leave 200 MB in /tmp; the children get the same SIGINT from the terminal.
  process.once('SIGINT', () => {
    removeWork();
    process.exit(130);
  });
  try {
    const rss = { time: '/usr/bin/time -v', proc: '/proc VmHWM', none: 'nowhere' }[settings.rss];
    console.log(`keyscan bench: node ${process.version}, ${machine.cpus} cpus (${machine.model}), load ${machine.load.toFixed(1)}, ${settings.mb} MB per tree, ${settings.runs} runs (median), seed ${settings.seed}, peak RSS from ${rss}`);
    const realistic = await generateTree('realistic', join(work, 'realistic'), settings);
    const dense = await generateTree('dense', join(work, 'dense'), settings);
    for (const t of [realistic, dense])
      console.log(`generated ${t.kind}: ${t.files} files in ${t.dirs} dirs, ${(t.bytes / MB).toFixed(1)} MB (+${t.ignoredFiles} files, ${(t.ignoredBytes / MB).toFixed(1)} MB under ignored dist/) in ${t.seconds.toFixed(1)} s`);
    printResults(realistic, dense, await measureAll(realistic, dense, settings, work), machine);
    if (process.env.BENCH_GIT !== '0') await gitBench(work, settings);
    if (process.env.BENCH_ORG !== '0') await orgBench(work, settings);
    if (settings.profile) {
      const profile = await profileDense(dense, work);
      console.log('\ntime by stage of detect(), keyscan --threads 0 on the dense tree (a stage holds the regexes and helpers it calls):');
      console.log(formatStageTimes(profile.stages));
      console.log(`\nself time, same profile (top ${PROFILE_TOP}):`);
      console.log(formatSelfTimes(profile.functions, PROFILE_TOP));
    }
  } finally {
    removeWork();
  }
}

try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
