// Runs in a worker thread: reads the files of each batch and detects in them. Findings cross
// back as plain records (the Secret's value revealed), since postMessage drops #private fields.
import { parentPort, workerData } from 'node:worker_threads';
import { buildRuleSet } from './detect/detect.js';
import { compileRule } from './rules/compile.js';
import type { RuleDefinition } from './rules/definition.js';
import type { PracticeContext } from './practices/apply.js';
import { readBatch, scanSetup, toPlainFinding, type BatchRequest } from './scan-batch.js';

const { definitions, maxFileSize, practices, archives } = workerData as { definitions: RuleDefinition[]; maxFileSize: number; practices: PracticeContext; archives: boolean };
const setup = scanSetup(buildRuleSet(definitions.map(compileRule)), maxFileSize, practices, archives);

parentPort!.on('message', (request: BatchRequest) => {
  try {
    const outcome = readBatch(request.files, setup);
    parentPort!.postMessage({ id: request.id, ...outcome, findings: outcome.findings.map(toPlainFinding) });
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: String((err as Error)?.stack ?? err) });
  }
});
