#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isKeyscanError } from './errors.js';
import { parseOptions, USAGE, type Options } from './options.js';
import { json } from './report/json.js';
import type { ReportOptions } from './report/options.js';
import { rulesJson, rulesText } from './report/rules.js';
import { text } from './report/text.js';
import { loadBuiltinRules } from './rules/load.js';
import { scan } from './scan.js';
import type { ScanResult } from './types.js';
import { packageVersion } from './version.js';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly isTTY: boolean;
}

export type ExitCode = 0 | 1 | 2;

function oneLine(err: unknown, debug: boolean): string {
  if (debug) return `keyscan: ${(err as Error)?.stack ?? String(err)}\n`;
  const message = isKeyscanError(err) ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)} (run with --debug for details)`;
  return `keyscan: ${message.split('\n')[0]}\n`;
}

function useColor(opts: Options, io: Io): boolean {
  if (opts.color !== undefined) return opts.color;
  if (opts.output !== undefined) return false;
  if ('NO_COLOR' in io.env && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true;
  return io.isTTY;
}

const WARNED_REASONS = new Set(['unreadable', 'symlink-loop']);

async function runScan(opts: Options, io: Io): Promise<ExitCode> {
  const targets = opts.paths.map((p) => (p === '-' ? '-' : resolve(io.cwd, p)));
  const result: ScanResult = await scan({
    targets,
    cwd: io.cwd,
    stdin: io.stdin,
    rules: loadBuiltinRules(),
    maxFileSize: opts.maxFileSize,
    threads: opts.threads,
  });
  for (const s of result.skipped) if (WARNED_REASONS.has(s.reason)) io.stderr(`keyscan: warning: skipped ${s.path}: ${s.detail}\n`);

  const dirTargets = targets.filter((t) => t !== '-');
  const single = dirTargets.length === 1 ? dirTargets[0]! : undefined;
  const displayRoot = single !== undefined && !isAbsolute(opts.paths[0]!) ? relative(io.cwd, single) : single ?? '';
  const reportOptions: ReportOptions = {
    showSecrets: opts.showSecrets,
    color: useColor(opts, io),
    displayRoot: opts.paths.length === 1 ? displayRoot : '',
    version: packageVersion(),
  };
  const report = opts.format === 'json' ? json(result, reportOptions) : text(result, reportOptions);
  if (opts.output !== undefined) await writeFile(resolve(io.cwd, opts.output), report);
  else io.stdout(report);
  return result.findings.length > 0 ? 1 : 0;
}

export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  try {
    const opts = parseOptions(argv);
    switch (opts.command) {
      case 'help':
        io.stdout(`${USAGE}\n`);
        return 0;
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return 0;
      case 'rules': {
        const rules = loadBuiltinRules();
        io.stdout(opts.format === 'json' ? rulesJson(rules) : rulesText(rules));
        return 0;
      }
      case 'scan':
        return await runScan(opts, io);
    }
  } catch (err) {
    io.stderr(oneLine(err, argv.includes('--debug')));
    return 2;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
  });
}
