// Runs in a worker thread: reads the files of each batch and detects in them. Findings cross
// back as plain records (the Secret's value revealed), since postMessage drops #private fields.
import { parentPort, workerData } from 'node:worker_threads';
import { buildRuleSet } from './detect/detect.js';
import { compileRule } from './rules/compile.js';
import { cachedPrefilterTables } from './rules/prefilter-cache.js';
import type { RuleDefinition } from './rules/definition.js';
import type { PracticeContext } from './practices/apply.js';
import { readBatch, scanSetup, toPlainFinding, type BatchRequest } from './scan-batch.js';

const { definitions, maxFileSize, practices, archives, configRegexes, regexBudgetMs } = workerData as {
  definitions: RuleDefinition[];
  maxFileSize: number;
  practices: PracticeContext;
  archives: boolean;
  configRegexes?: readonly string[];
  regexBudgetMs?: number;
};
// config regexes run under their time budget here too, in a worker of this worker
const guards = configRegexes !== undefined && configRegexes.length > 0 ? await import('./regex-guard.js') : undefined;
const guard = guards?.createRegexGuard({ definitions, practices, untrusted: configRegexes!, budgetMs: regexBudgetMs ?? guards.DEFAULT_BUDGET_MS });
const setup = scanSetup(buildRuleSet(definitions.map(compileRule), cachedPrefilterTables), maxFileSize, practices, archives, guard);

parentPort!.on('message', (request: BatchRequest) => {
  try {
    const outcome = readBatch(request.files, setup);
    if (guard !== undefined) outcome.warnings = guard.warnings.splice(0);
    parentPort!.postMessage({ id: request.id, ...outcome, findings: outcome.findings.map(toPlainFinding) });
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: String((err as Error)?.stack ?? err) });
  }
});
