// A time budget for regexes that came from a config file. The load-time check (rules/regex-safety.ts)
// refuses what is plainly exponential; this is the backstop for what it let through. When a config
// brings regexes, detection runs in a worker thread, one fragment at a time, and this thread waits
// for it (Atomics.wait: the pipeline stays synchronous) while the worker keeps account, in shared
// memory, of the time each config regex spends. One that spends more than its budget on a fragment
// is truly stopped (the worker is terminated, which interrupts a running regex, and a new one
// starts), the fragment is scanned again without it, and the scan goes on. Built-in rules are not
// timed: a large file under load is never dropped for them. Without config regexes none of this
// loads: the built-in rules' hot path and the hook's start-up are unchanged.
import type { MessagePort, Worker } from 'node:worker_threads';
import { KeyscanError } from './errors.js';
import { lazyRequire } from './lazy-require.js';
import type { PracticeContext } from './practices/apply.js';
import type { RuleDefinition } from './rules/definition.js';
import { fromPlainFinding, type PlainFinding } from './scan-batch.js';
import type { Finding, Fragment } from './types.js';

/** Time the config regexes may spend on one fragment, each, plus this much per MiB of its text. */
export const DEFAULT_BUDGET_MS = 1000;
const BUDGET_PER_MIB_MS = 250;
/** A regex that overruns this many times is not used for the rest of the scan. */
const STRIKES = 2;
/** After this many overruns in one scan, no config regex is used any more: the scan's bound. */
const MAX_OVERRUNS = 5;
const START_TIMEOUT_MS = 30_000;
/** The built-in rules are not timed, but a fragment is never waited for longer than this. */
const HARD_CAP_MS = 60_000;
/** How often the waiting thread looks at the time spent at least. */
const MIN_WAIT_MS = 20;

/**
 * Slots of the shared Int32Array. Times are milliseconds since `epochMs` (Date.now(): one clock
 * for both threads). SPENT + id is the time regex `id` spent on the current fragment in calls that
 * returned; the call under way (RUNNING, since STARTED) is added by the reader.
 */
export const DONE = 0; // sequence number of the last fragment done
export const READY = 1; // 1 once the worker has compiled its rules, 2 if it failed
export const RUNNING = 2; // id of the config regex running now, 0 for none
export const STARTED = 3;
export const SPENT = 4;

export interface GuardData {
  readonly definitions: readonly RuleDefinition[];
  readonly practices: PracticeContext;
  /** Sources of the regexes that came from config files; ids are their index + 1. */
  readonly untrusted: readonly string[];
  readonly shared: SharedArrayBuffer;
  readonly epochMs: number;
  readonly port: MessagePort;
}

export interface GuardRequest {
  readonly seq: number;
  readonly fragment: Fragment;
  /** Ids of regexes that count as not matching (they overran). */
  readonly excluded: readonly number[];
}

export type GuardReply = { readonly seq: number; readonly findings: PlainFinding[] } | { readonly seq: number; readonly error: string };

export interface RegexGuard {
  findingsIn(fragment: Fragment): Finding[];
  /** What was stopped, one line each, for stderr. */
  readonly warnings: string[];
  close(): void;
}

/** Names a config regex for a message: the custom rule whose regex (or follows check) it is, else its text. */
function labelsOf(definitions: readonly RuleDefinition[], untrusted: readonly string[]): string[] {
  const ruleOf = new Map<string, RuleDefinition>();
  for (const def of definitions) if (!ruleOf.has(def.regex)) ruleOf.set(def.regex, def);
  for (const def of definitions) if (def.follows !== undefined && !ruleOf.has(def.follows)) ruleOf.set(def.follows, def);
  return untrusted.map((source) => {
    const def = ruleOf.get(source);
    if (def !== undefined) return `rule ${def.id} (${def.source})`;
    return `config regex ${JSON.stringify(source.length > 60 ? `${source.slice(0, 57)}...` : source)}`;
  });
}

function budgetFor(fragment: Fragment, baseMs: number): number {
  return Math.round(baseMs + (fragment.text.length / 1048576) * BUDGET_PER_MIB_MS);
}

export function createRegexGuard(options: {
  definitions: readonly RuleDefinition[];
  practices: PracticeContext;
  untrusted: readonly string[];
  budgetMs: number;
}): RegexGuard {
  // required here, not imported: the bundle (src/build-bundle.ts) would load it at every start
  const { MessageChannel, receiveMessageOnPort, Worker: WorkerThread } = lazyRequire<typeof import('node:worker_threads')>('node:worker_threads');
  const url = new URL('./regex-guard-worker.js', import.meta.url);
  const labels = labelsOf(options.definitions, options.untrusted);
  const strikes = new Array<number>(labels.length + 1).fill(0);
  const dropped = new Set<number>();
  const warnings: string[] = [];
  let practices = options.practices;
  let overruns = 0;
  let seq = 0;
  let current: { worker: Worker; port: MessagePort; state: Int32Array } | undefined;
  const epochMs = Date.now();

  const start = (): NonNullable<typeof current> => {
    const shared = new SharedArrayBuffer((SPENT + labels.length + 1) * Int32Array.BYTES_PER_ELEMENT);
    const state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    const data: GuardData = { definitions: options.definitions, practices, untrusted: options.untrusted, shared, epochMs, port: port2 };
    const worker: Worker = new WorkerThread(url, { workerData: data, transferList: [port2] });
    worker.unref();
    // its errors arrive through READY or a reply; an 'error' event left unheard would end the process
    worker.on('error', () => undefined);
    if (Atomics.wait(state, READY, 0, START_TIMEOUT_MS) === 'timed-out' || Atomics.load(state, READY) !== 1) {
      void worker.terminate();
      throw new KeyscanError('INTERNAL', 'the worker that runs config regexes did not start (run with --debug)');
    }
    seq = 0;
    return { worker, port: port1, state };
  };

  const stop = (): void => {
    if (current === undefined) return;
    current.port.close();
    void current.worker.terminate();
    current = undefined;
  };

  const overrun = (id: number, path: string, budget: number): void => {
    overruns++;
    warnings.push(`${labels[id - 1]} ran longer than ${budget} ms on ${path} and was stopped: ${path} is not scanned with it`);
    if (++strikes[id]! >= STRIKES && !dropped.has(id)) {
      dropped.add(id);
      warnings.push(`${labels[id - 1]} is not used for the rest of the scan (it ran too long ${STRIKES} times)`);
    }
    if (overruns === MAX_OVERRUNS) {
      for (let i = 1; i <= labels.length; i++) dropped.add(i);
      practices = { ...practices, frontend: { ...practices.frontend, clientSidePaths: [] } };
      warnings.push(`config regexes ran too long ${MAX_OVERRUNS} times: none is used for the rest of the scan`);
    }
  };

  /** The config regex that has spent the most time on this fragment, and how much. */
  const slowest = (state: Int32Array): { id: number; spentMs: number } => {
    const running = Atomics.load(state, RUNNING);
    const now = Date.now() - epochMs;
    let worst = { id: 0, spentMs: 0 };
    for (let id = 1; id <= labels.length; id++) {
      const spentMs = Atomics.load(state, SPENT + id) + (id === running ? now - Atomics.load(state, STARTED) : 0);
      if (spentMs > worst.spentMs) worst = { id, spentMs };
    }
    return worst;
  };

  /** Waits for the fragment: not done when a config regex used up its budget (`over` says which) or the hard cap passed (`over` 0). */
  const waitFor = (state: Int32Array, budget: number): { done: true } | { done: false; over: number } => {
    const begun = Date.now();
    let waitMs = budget;
    for (;;) {
      if (Atomics.wait(state, DONE, seq - 1, waitMs) !== 'timed-out') return { done: true };
      const { id, spentMs } = slowest(state);
      if (spentMs >= budget) return { done: false, over: id };
      if (Date.now() - begun >= HARD_CAP_MS) return { done: false, over: 0 };
      // the soonest any config regex could reach the budget; the built-in rules are not timed
      waitMs = Math.max(MIN_WAIT_MS, budget - spentMs);
    }
  };

  return {
    warnings,
    findingsIn(fragment) {
      const excluded = new Set(dropped);
      const budget = budgetFor(fragment, options.budgetMs);
      for (;;) {
        current ??= start();
        const { port, state } = current;
        for (let id = 1; id <= labels.length; id++) Atomics.store(state, SPENT + id, 0);
        const request: GuardRequest = { seq: ++seq, fragment, excluded: [...excluded] };
        port.postMessage(request);
        const waited = waitFor(state, budget);
        if (waited.done) {
          const reply = receiveMessageOnPort(port)?.message as GuardReply | undefined;
          if (reply === undefined || reply.seq !== seq) throw new KeyscanError('INTERNAL', 'the worker that runs config regexes answered out of turn');
          if ('error' in reply) throw new KeyscanError('INTERNAL', `the worker that runs config regexes failed: ${reply.error.split('\n')[0]}`);
          return reply.findings.map(fromPlainFinding);
        }
        stop();
        if (waited.over === 0) {
          warnings.push(`skipped ${fragment.origin.path}: scanning it took longer than ${HARD_CAP_MS / 1000} s`);
          return [];
        }
        overrun(waited.over, fragment.origin.path, budget);
        // an excluded regex never runs: each retry stops one more
        excluded.add(waited.over);
        for (const d of dropped) excluded.add(d);
      }
    },
    close: stop,
  };
}
