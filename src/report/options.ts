import type { ScanResult } from '../types.js';

export interface ReportOptions {
  readonly showSecrets: boolean;
  readonly color: boolean;
  /** Shown before each file path in the text report, so paths open from the working directory. */
  readonly displayRoot: string;
  readonly version: string;
  /** Terminal columns, when the report is read on a terminal: the text report fits long lines to it. */
  readonly width?: number;
  /** --verbose: each text finding with its rule, fix and practice notes under it. */
  readonly verbose?: boolean;
}

/** A report format: formats the result, nothing else (no process, environment or clock). */
export type Reporter = (result: ScanResult, opts: ReportOptions) => string;
