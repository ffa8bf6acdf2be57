export interface ReportOptions {
  readonly showSecrets: boolean;
  readonly color: boolean;
  /** Shown before each file path in the text report, so paths open from the working directory. */
  readonly displayRoot: string;
  readonly version: string;
}
