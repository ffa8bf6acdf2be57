import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempTree } from './tmp.js';

/** What a composite action's steps look like in action.yml. */
export interface ActionStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
  readonly 'working-directory'?: string;
}

export interface ActionDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  readonly outputs: Record<string, { description: string; value: string }>;
  readonly runs: { using: string; steps: ActionStep[] };
}

export type StepResult =
  | { kind: 'skipped'; step: ActionStep }
  | { kind: 'run'; step: ActionStep; code: number | null; stdout: string; stderr: string; outputs: Record<string, string> }
  | { kind: 'uses'; step: ActionStep; with: Record<string, string> };

interface Contexts {
  readonly inputs: Record<string, string>;
  readonly github: Record<string, string>;
  readonly steps: Record<string, { outputs: Record<string, string> }>;
  readonly failed: boolean;
}

type Value = string | boolean;

/**
 * The part of the GitHub Actions expression language action.yml uses: contexts (inputs.x,
 * github.x, steps.id.outputs.x), string literals, == != && || ! and parentheses, always() and
 * success(). Anything else throws, so a new construct in action.yml cannot pass untested.
 */
export function evaluate(expression: string, ctx: Contexts): Value {
  const tokens = expression.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!]|[A-Za-z_][\w.-]*(?:\(\))?|\S/g) ?? [];
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (): string => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`unexpected end of ${expression}`);
    return t;
  };
  const truthy = (v: Value): boolean => v !== false && v !== '';
  function primary(): Value {
    const t = take();
    if (t === '(') {
      const v = or();
      if (take() !== ')') throw new Error(`missing ) in ${expression}`);
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'always()') return true;
    if (t === 'success()') return !ctx.failed;
    if (t === 'failure()') return ctx.failed;
    const [head, ...rest] = t.split('.');
    if (head === 'inputs' && rest.length === 1) return ctx.inputs[rest[0]!] ?? '';
    if (head === 'github' && rest.length === 1) return ctx.github[rest[0]!] ?? '';
    if (head === 'steps' && rest.length === 3 && rest[1] === 'outputs') return ctx.steps[rest[0]!]?.outputs[rest[2]!] ?? '';
    throw new Error(`unsupported in an expression: ${t} (in ${expression})`);
  }
  function comparison(): Value {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = take();
      const right = primary();
      // GitHub compares strings case-insensitively, booleans as such
      const same = String(left).toLowerCase() === String(right).toLowerCase();
      left = op === '==' ? same : !same;
    }
    return left;
  }
  function and(): Value {
    let left = comparison();
    while (peek() === '&&') {
      take();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek() === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${expression}`);
  return value;
}

/** Replaces each ${{ … }} in a string, as the runner does before a step runs. */
export function substitute(text: string, ctx: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => String(evaluate(expr.trim(), ctx)));
}

function runBash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(tempTree(), 'step.sh');
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    // the runner's `shell: bash`
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** GITHUB_OUTPUT's `name=value` lines (and `name<<DELIM` blocks). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return out;
}

/**
 * Runs a composite action's steps as the runner would: inputs are the defaults overridden by
 * `with`, each `${{ }}` is substituted, `run:` steps run with bash in the workspace (or their
 * working-directory) with a fresh GITHUB_OUTPUT each, `if:` decides, a failed step skips the
 * rest but for always(). `uses:` steps cannot run here: they are returned with their inputs.
 */
export async function runCompositeAction(
  action: ActionDefinition,
  options: { with: Record<string, string>; actionPath: string; workspace: string; env: Record<string, string> },
): Promise<{ steps: StepResult[]; outputs: Record<string, string> }> {
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) inputs[name] = input.default ?? '';
  for (const [name, value] of Object.entries(options.with)) {
    if (!(name in action.inputs)) throw new Error(`the action has no input ${name}`);
    inputs[name] = value;
  }
  const ctx = { inputs, github: { action_path: options.actionPath, workspace: options.workspace }, steps: {} as Contexts['steps'], failed: false };
  const results: StepResult[] = [];
  for (const step of action.runs.steps) {
    const written = step.if === undefined ? 'success()' : step.if.replace(/^\s*\$\{\{(.*)\}\}\s*$/, '$1');
    // without a status function, GitHub adds success()
    const condition = /\b(?:always|success|failure|cancelled)\(\)/.test(written) ? written : `success() && (${written})`;
    const value = evaluate(condition, ctx);
    if (value === false || value === '') {
      results.push({ kind: 'skipped', step });
      continue;
    }
    if (step.uses !== undefined) {
      const given: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.with ?? {})) given[k] = substitute(String(v), ctx);
      results.push({ kind: 'uses', step, with: given });
      continue;
    }
    const outputFile = join(tempTree(), 'output');
    writeFileSync(outputFile, '');
    const env: Record<string, string> = { ...options.env, GITHUB_OUTPUT: outputFile, GITHUB_ACTION_PATH: options.actionPath, GITHUB_WORKSPACE: options.workspace };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(String(v), ctx);
    const cwd = step['working-directory'] === undefined ? options.workspace : substitute(step['working-directory'], ctx);
    if (step.shell !== 'bash') throw new Error(`step ${step.name}: only shell: bash is simulated`);
    const run = await runBash(substitute(step.run ?? '', ctx), cwd, env);
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id !== undefined) ctx.steps[step.id] = { outputs };
    if (run.code !== 0) ctx.failed = true;
    results.push({ kind: 'run', step, ...run, outputs });
  }
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(action.outputs ?? {})) outputs[name] = substitute(output.value, ctx);
  return { steps: results, outputs };
}
