// keyscan's benchmark: generates two trees in a temp dir and unpacks pinned npm packages into a
// third (real code, cached in the OS temp dir), times the built CLI on them against a read floor
// (walking and reading the same files, scanning nothing), and with 0, 1, 2… worker threads, prints
// tables and says which of issue 14's targets are met. `npm run bench` builds first.
//   BENCH_MB=100     size of each generated tree in MB (MiB)  BENCH_RUNS=5   runs per measurement (median)
//   BENCH_SEED=1     another seed, another tree          BENCH_PROFILE=1 (or --profile)  then print the time
//   BENCH_RSS=proc   read peak RSS from /proc            per detect() stage and the top self-time functions
//                                                        of a --threads 0 scan of the dense tree
//   BENCH_COMMITS=10000  size of the generated history    BENCH_GIT=0   skip the hook and history part
//   BENCH_ORG=0      skip the organisation-scan part (plan, merge, per-repository cost)
//   BENCH_REALCODE=0 skip the real-code tree (npm pack of pinned packages, ~83 MB; the first run needs the registry)
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree, MB } from './generate.mjs';
import { gitBench } from './git.mjs';
import { orgBench } from './org.mjs';
import { realCodeTree } from './realcode.mjs';
import { median, rssMethod, timedRun } from './measure.mjs';
import { formatSelfTimes, formatStageTimes, ruleIdsByRegex, selfTimes, stageTimes } from './profile-summary.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const FLOOR = fileURLToPath(new URL('./read-floor.mjs', import.meta.url));
/** What keyscan's walk skips in the generated trees: dist/ through the tree's .gitignore. */
const FLOOR_SKIP = 'dist,node_modules,.git';
/**
 * The generated trees are no git work trees: without this keyscan would read the dist/ their
 * .gitignore ignores (as it would not in a checkout), and read more than the floor.
 */
const GENERATED_SCAN_ARGS = ['--respect-gitignore'];
const FLOOR_THREADS = [0, 2];
/** Issue 14's targets: a tree meets its target at the MB/s or at the ratio to the read floor. */
const TARGETS = {
  realistic: { mbPerSecond: 140, floorRatio: 3 },
  dense: { mbPerSecond: 60, floorRatio: 5 },
  'real-code': { mbPerSecond: 140, floorRatio: 3 },
  peakRssMb: 300,
};
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
    realCode: env.BENCH_REALCODE !== '0',
  };
}

async function measureFloor(tree, settings, work) {
  const run = (threads) =>
    timedRun(process.execPath, [FLOOR, tree.root, String(threads), tree.floorSkip ?? FLOOR_SKIP], { method: 'none', timeFile: join(work, 'time.txt') });
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
  const args = [CLI, tree.root, '--format', 'json', '--output', reportFile, ...(tree.scanArgs ?? []), ...extraArgs];
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

/** Each of issue 14's targets, and whether this run met it. */
function targetResults(measured) {
  const out = [];
  for (const m of measured) {
    const target = TARGETS[m.row.label];
    const { mbPerSecond, ratio } = m.row;
    out.push({
      met: mbPerSecond >= target.mbPerSecond || ratio <= target.floorRatio,
      text: `${m.row.label}: ${mbPerSecond.toFixed(1)} MB/s, ${ratio.toFixed(1)}x the read floor (target >= ${target.mbPerSecond} MB/s or <= ${target.floorRatio}x)`,
    });
  }
  const peaks = measured.flatMap((m) => [m.scan, ...m.scaling.map((s) => s.scan)].map((scan) => ({ label: m.row.label, mb: scan.peakRssMb }))).filter((p) => p.mb !== undefined);
  if (peaks.length > 0) {
    const top = peaks.reduce((a, b) => (b.mb > a.mb ? b : a));
    out.push({ met: top.mb < TARGETS.peakRssMb, text: `peak RSS: at most ${top.mb.toFixed(0)} MB (${top.label}), target < ${TARGETS.peakRssMb} MB on every tree and thread count` });
  }
  return out;
}

/** What keyscan and the floor read must match the tree: otherwise the MB/s compare different work. */
function consistencyChecks(label, tree, scan, floor) {
  const out = [];
  const stats = scan.report.stats;
  if (stats.files !== tree.files || stats.bytes !== tree.bytes)
    out.push(`${label}: keyscan read ${stats.files} files / ${stats.bytes} bytes, the tree has ${tree.files} / ${tree.bytes}${tree.kind === 'real-code' ? '' : ' outside dist/'}`);
  if (floor.read.files !== tree.files || floor.read.bytes !== tree.bytes)
    out.push(`${label}: the read floor read ${floor.read.files} files / ${floor.read.bytes} bytes, the tree has ${tree.files} / ${tree.bytes}`);
  if (new Set(scan.findingCounts).size > 1)
    out.push(`${label}: findings differ between runs (${scan.findingCounts.join(', ')}): the scan is nondeterministic, or rules/ changed during the bench`);
  return out;
}

async function profileDense(dense, work) {
  const dir = join(work, 'profile');
  // the modules, not the bundle dist/cli.cjs runs: a stage is told by its module (profile-summary.mjs),
  // and in the bundle every function sits in one file
  const entry = join(work, 'profile-entry.mjs');
  await writeFile(entry, `import { main } from ${JSON.stringify(new URL('../dist/main.js', import.meta.url).href)};\nawait main();\n`);
  await timedRun(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, entry, dense.root, ...(dense.scanArgs ?? []), '--threads', '0', '--format', 'json', '-o', '/dev/null'], {
    method: 'none',
    timeFile: join(work, 'time.txt'),
    okCodes: [0, 1],
  });
  const [file] = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
  return { stages: stageTimes(profile), functions: selfTimes(profile, await ruleIdsByRegex()) };
}

/** --threads 0 (the main thread alone), then 1, 2… workers, up to the cores there are (at most 8, as with auto). */
function scalingThreads() {
  return Array.from({ length: Math.min(availableParallelism(), 8) + 1 }, (_, n) => n);
}

async function measureTree(tree, settings, work, threadCounts) {
  const floor = await measureFloor(tree, settings, work);
  const scan = await measureKeyscan(tree, [], settings, work);
  const scaling = [];
  for (const threads of threadCounts) scaling.push({ threads, scan: await measureKeyscan(tree, ['--threads', String(threads)], settings, work) });
  return { tree, floor, scan, scaling, row: row(tree.kind, tree, scan, floor) };
}

/** The dense tree only at the default: its scaling would tell little more than the realistic tree's. */
async function measureAll(trees, settings, work) {
  const measured = [];
  for (const tree of trees) measured.push(await measureTree(tree, settings, work, tree.kind === 'dense' ? [] : scalingThreads()));
  return measured;
}

function formatScaling(measured) {
  const header = ['tree', '--threads', 'keyscan s', 'cpu s', 'MB/s', 'ratio', 'speedup', 'peak RSS MB'];
  const cells = [];
  for (const m of measured) {
    const base = m.scaling.find((s) => s.threads === 0);
    for (const { threads, scan } of m.scaling) {
      const r = row(m.row.label, m.tree, scan, m.floor);
      cells.push([
        r.label, String(threads), r.seconds.toFixed(2), r.cpuSeconds === undefined ? 'n/a' : r.cpuSeconds.toFixed(2), r.mbPerSecond.toFixed(1), `${r.ratio.toFixed(1)}x`,
        base === undefined ? 'n/a' : `${(base.scan.seconds / scan.seconds).toFixed(2)}x`, r.peakRssMb === undefined ? 'n/a' : r.peakRssMb.toFixed(0),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

/** Every thread count must find what the default found, in the same order. */
function scalingChecks(m) {
  const expected = JSON.stringify(m.scan.report.findings);
  return m.scaling.filter((s) => JSON.stringify(s.scan.report.findings) !== expected).map((s) => `${m.row.label}: --threads ${s.threads} found other secrets than the default`);
}

function printResults(measured, machine) {
  console.log(`\n${formatTable(measured.map((m) => m.row))}\n`);
  const floorLine = (m) => `${m.row.label} ${[...m.floor.byThreads].map(([t, s]) => `${s.toFixed(2)} s with ${t === 0 ? 'no workers' : `${t} workers`}`).join(', ')}`;
  console.log(`read floor (the faster is used): ${measured.map(floorLine).join('; ')}`);
  console.log(`\nscaling with cores (${machine.cpus} cpus; --threads 0 scans in the main thread, N adds N workers, the default here is ${Math.max(1, machine.threads - 1)} once 16 MB are scanned; speedup over --threads 0):`);
  console.log(formatScaling(measured.filter((m) => m.scaling.length > 0)));
  console.log('');
  for (const m of measured)
    console.log(`${m.row.label}: findings ${formatCounts(countBy(m.scan.report.findings, 'provider'))}; ${m.tree.kind === 'real-code' ? 'no keys planted (findings are false alarms)' : `planted ${formatCounts(m.tree.planted)}`}`);

  const checks = [
    ...(machine.isBusy ? [`the machine was busy before the bench (load ${machine.load.toFixed(1)} on ${machine.cpus} cpus): wall times are pessimistic, cpu s less so`] : []),
    ...measured.flatMap((m) => [...consistencyChecks(m.row.label, m.tree, m.scan, m.floor), ...scalingChecks(m)]),
  ];
  const targets = targetResults(measured);
  console.log(`\ntargets (issue 14; MB/s with the default threads):\n${targets.map((t) => `  ${t.met ? 'met   ' : 'MISSED'}  ${t.text}`).join('\n')}`);
  const missed = [...targets.filter((t) => !t.met).map((t) => t.text), ...checks];
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
    const realistic = { ...(await generateTree('realistic', join(work, 'realistic'), settings)), scanArgs: GENERATED_SCAN_ARGS };
    const dense = { ...(await generateTree('dense', join(work, 'dense'), settings)), scanArgs: GENERATED_SCAN_ARGS };
    for (const t of [realistic, dense])
      console.log(`generated ${t.kind}: ${t.files} files in ${t.dirs} dirs, ${(t.bytes / MB).toFixed(1)} MB (+${t.ignoredFiles} files, ${(t.ignoredBytes / MB).toFixed(1)} MB under ignored dist/) in ${t.seconds.toFixed(1)} s`);
    const realCode = settings.realCode ? await realCodeTree(console.log) : undefined;
    if (realCode !== undefined) {
      const dropped = Object.entries(realCode.dropped).map(([why, n]) => `${n} ${why}`).join(', ');
      console.log(`real code: ${realCode.files} files in ${realCode.dirs} dirs, ${(realCode.bytes / MB).toFixed(1)} MB from ${realCode.packages.length} packages (${realCode.packages.join(', ')}) in ${realCode.root}${dropped === '' ? '' : `; removed as keyscan does not read them as text: ${dropped}`}; ready in ${realCode.seconds.toFixed(1)} s`);
    } else if (!settings.realCode) console.log('real code: skipped (BENCH_REALCODE=0)');
    const trees = [realistic, dense, ...(realCode === undefined ? [] : [realCode])];
    printResults(await measureAll(trees, settings, work), machine);
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
