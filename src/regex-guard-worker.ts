// Runs in the worker of src/regex-guard.ts: detection for one fragment at a time, with every regex
// that came from a config keeping account in shared memory of when it runs and how long it ran, so
// the waiting thread knows which one to stop when its budget runs out.
import { workerData } from 'node:worker_threads';
import { buildRuleSet } from './detect/detect.js';
import { useClientSidePathRegex } from './practices/client-side.js';
import { DONE, READY, RUNNING, SPENT, STARTED, type GuardData, type GuardReply, type GuardRequest } from './regex-guard.js';
import { compileRule } from './rules/compile.js';
import { findingsIn, scanSetup, toPlainFinding } from './scan-batch.js';
import type { Rule } from './types.js';

const { definitions, practices, untrusted, shared, epochMs, port } = workerData as GuardData;
const state = new Int32Array(shared);
const excluded = new Set<number>();

/** A config regex: marks itself running; one that overran before counts as not matching. */
class MarkedRegExp extends RegExp {
  constructor(
    regex: RegExp,
    readonly id: number,
  ) {
    super(regex.source, regex.flags);
  }
  override exec(text: string): RegExpExecArray | null {
    if (excluded.has(this.id)) return null;
    const started = Date.now() - epochMs;
    Atomics.store(state, STARTED, started);
    Atomics.store(state, RUNNING, this.id);
    try {
      return super.exec(text);
    } finally {
      Atomics.store(state, RUNNING, 0);
      Atomics.add(state, SPENT + this.id, Date.now() - epochMs - started);
    }
  }
}

const idOf = new Map(untrusted.map((source, i) => [source, i + 1]));

function guarded(): Rule[] {
  const mark = <T extends RegExp | undefined>(regex: T, source: string | undefined): T => {
    const id = source === undefined ? undefined : idOf.get(source);
    return (regex === undefined || id === undefined ? regex : new MarkedRegExp(regex, id)) as T;
  };
  return definitions.map((def) => {
    const rule = compileRule(def);
    return {
      ...rule,
      regex: mark(rule.regex, def.regex),
      spans: mark(rule.spans, def.regex),
      path: mark(rule.path, def.path),
      context: mark(rule.context, def.context),
      narrowerMatch: mark(rule.narrowerMatch, def.narrowerMatch),
      // kept whole by the rule set (neither split nor joined with others), so it stays timed
      follows: mark(rule.follows, def.follows),
      allowlist: {
        ...rule.allowlist,
        regexes: rule.allowlist.regexes.map((r, i) => mark(r, def.allowlist?.regexes?.[i])),
        paths: rule.allowlist.paths.map((r, i) => mark(r, def.allowlist?.paths?.[i])),
      },
    };
  });
}

try {
  for (const source of practices.frontend.clientSidePaths ?? []) {
    const id = idOf.get(source);
    if (id !== undefined) useClientSidePathRegex(source, new MarkedRegExp(new RegExp(source), id));
  }
  const setup = scanSetup(buildRuleSet(guarded()), Infinity, practices);
  port.on('message', (request: GuardRequest) => {
    excluded.clear();
    for (const id of request.excluded) excluded.add(id);
    let reply: GuardReply;
    try {
      reply = { seq: request.seq, findings: findingsIn(request.fragment, setup).map(toPlainFinding) };
    } catch (err) {
      reply = { seq: request.seq, error: String((err as Error)?.message ?? err) };
    }
    // the reply first: the waiting thread reads it as soon as DONE moves
    port.postMessage(reply);
    Atomics.store(state, DONE, request.seq);
    Atomics.notify(state, DONE);
  });
  Atomics.store(state, READY, 1);
} catch {
  Atomics.store(state, READY, 2);
}
Atomics.notify(state, READY);
