// Runs a command and measures its wall time and peak resident set size. Worker threads live in
// the same process, so the process's peak covers them too.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 10;

/** 'time': GNU time's rusage (exact); 'proc': polling VmHWM (Linux without GNU time); 'none'. */
export function rssMethod(env) {
  if (env.BENCH_RSS === 'proc' || env.BENCH_RSS === 'none') return env.BENCH_RSS;
  if (existsSync(GNU_TIME)) return 'time';
  return existsSync('/proc/self/status') ? 'proc' : 'none';
}

function collect(stream) {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => (text += chunk));
  return () => text;
}

function waitForExit(child) {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(signal ? 128 : code));
  });
}

/** VmHWM is the kernel's own high-water mark, so sampling misses at most the last POLL_MS of growth. */
function pollPeakKb(pid) {
  let peakKb = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process has exited between two polls
    }
  };
  read();
  const timer = setInterval(read, POLL_MS);
  return () => {
    clearInterval(timer);
    return peakKb;
  };
}

/**
 * Runs `command args` and resolves { seconds, cpuSeconds, code, peakRssMb, stdout, stderr }; CPU
 * time (user + system) only with GNU time. Throws when the exit code is not in `okCodes`: a
 * crashed run must not pass for a fast one.
 */
export async function timedRun(command, args, { method, timeFile, okCodes = [0], cwd, env, discardStdout = false }) {
  const useTime = method === 'time';
  const started = performance.now();
  // discardStdout: the command writes to /dev/null, as `cmd > /dev/null` would (a git log -p floor)
  const stdio = ['ignore', discardStdout ? 'ignore' : 'pipe', 'pipe'];
  const child = useTime ? spawn(GNU_TIME, ['-v', '-o', timeFile, command, ...args], { stdio, cwd, env }) : spawn(command, args, { stdio, cwd, env });
  const stopPolling = method === 'proc' ? pollPeakKb(child.pid) : undefined;
  const stdout = discardStdout ? () => '' : collect(child.stdout);
  const stderr = collect(child.stderr);
  const code = await waitForExit(child);
  const seconds = (performance.now() - started) / 1000;
  let peakKb = stopPolling?.();
  let cpuSeconds;
  if (useTime) {
    const report = await readFile(timeFile, 'utf8');
    const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(report)?.[1]);
    peakKb = field('Maximum resident set size \\(kbytes\\)');
    cpuSeconds = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
    await rm(timeFile, { force: true });
  }
  if (!okCodes.includes(code)) {
    const tail = stderr().trim().split('\n').slice(-5).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${code}\n${tail}`);
  }
  return { seconds, cpuSeconds, code, peakRssMb: peakKb === undefined ? undefined : peakKb / 1024, stdout: stdout(), stderr: stderr() };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** User + system CPU of this process's waited-for children, in ms (Linux), else undefined. */
export function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime in ticks of 1/100 s
  } catch {
    return undefined;
  }
}
