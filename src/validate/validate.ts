import type { Finding, SecretFinding } from '../types.js';
import { probe, type ClientOptions } from './http.js';
import type { ProbeRequest, Validation, Validator, Verdict } from './types.js';

export interface ValidateInput {
  readonly findings: readonly Finding[];
  /** Validator name of each rule (the rule's `validator` field). */
  readonly validatorOf: (ruleId: string) => string | undefined;
  readonly validators: ReadonlyMap<string, Validator>;
  readonly options: ClientOptions;
  readonly now: () => Date;
}

/** At most `limit` tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Requests to one provider start at least `intervalMs` apart. */
function pacer(intervalMs: number): (provider: string) => Promise<void> {
  const next = new Map<string, number>();
  return async (provider) => {
    const now = Date.now();
    const at = Math.max(now, next.get(provider) ?? 0);
    next.set(provider, at + intervalMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
}

function pairFor(f: SecretFinding, rule: string, all: readonly Finding[]): string | undefined {
  let best: SecretFinding | undefined;
  for (const other of all) {
    if (other.kind !== 'secret' || other.ruleId !== rule || other.origin.path !== f.origin.path) continue;
    if (best === undefined || Math.abs(other.at.line - f.at.line) < Math.abs(best.at.line - f.at.line)) best = other;
  }
  return best?.secret.reveal();
}

/**
 * Asks each provider, once per unique key, whether the key works, and attaches the answer to every
 * finding of that key. Only findings of kind secret are validated.
 */
export async function validateFindings(input: ValidateInput): Promise<Finding[]> {
  const { findings, validators, options } = input;
  const limit = limiter(options.concurrency);
  const pace = pacer(options.providerIntervalMs);
  const answers = new Map<string, Promise<Verdict>>();
  const stamp = (verdict: Verdict | { status: 'unsupported'; detail: string }): Validation => ({
    status: verdict.status,
    detail: verdict.detail,
    checkedAt: input.now().toISOString(),
  });

  const checks = findings.map(async (f): Promise<Finding> => {
    if (f.kind !== 'secret') return f;
    const name = input.validatorOf(f.ruleId);
    const validator = name === undefined ? undefined : validators.get(name);
    if (validator === undefined || (validator.rules !== undefined && !validator.rules.includes(f.ruleId)))
      return { ...f, validation: stamp({ status: 'unsupported', detail: `no validator for ${f.ruleId}` }) };
    const secret = f.secret.reveal();
    const paired = validator.pairedWith === undefined ? undefined : pairFor(f, validator.pairedWith, findings);
    if (validator.pairedWith !== undefined && paired === undefined)
      return { ...f, validation: stamp({ status: 'unknown', detail: `needs its ${validator.pairedWith} in the same file to be checked` }) };
    const skip = validator.skipReason?.(secret, f.ruleId, paired);
    if (skip !== undefined) return { ...f, validation: stamp({ status: 'unknown', detail: skip }) };
    const key = `${validator.provider}\u0000${f.ruleId}\u0000${secret}\u0000${paired ?? ''}\u0000${f.context ?? ''}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = limit(async (): Promise<Verdict> => {
        await pace(validator.provider);
        // built when it is sent: a signed request (AWS) carries the time
        let request: ProbeRequest;
        try {
          request = validator.request(secret, f.ruleId, paired);
        } catch {
          // a validator bug must not end the scan, nor put the key in a message
          return { status: 'unknown', detail: `${validator.provider} could not build its request` };
        }
        return probe(validator, request, f.ruleId, options, f.context);
      });
      answers.set(key, answer);
    }
    return { ...f, validation: stamp(await answer) };
  });
  return Promise.all(checks);
}
