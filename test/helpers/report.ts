/** A finding as the JSON report writes it (the fields the tests read). */
export interface JsonFinding {
  ruleId: string;
  kind?: string;
  file: string;
  line: number;
  column: number;
  secret: string;
  fingerprint: string;
  commit?: string;
  author?: string;
  email?: string;
  date?: string;
  message?: string;
}

export interface JsonReport {
  tool: string;
  mode: string;
  findings: JsonFinding[];
  stats: { commits?: number; files: number; bytes: number; durationMs: number };
}

/**
 * Parses a JSON report and keeps its secret findings: the tests of sources and git modes count
 * keys; practice findings (a committed .env, say) have tests of their own.
 */
export function secretReport<T extends { findings: object[] }>(stdout: string): T {
  const report = JSON.parse(stdout) as T;
  return { ...report, findings: report.findings.filter((f) => (f as { kind?: unknown }).kind === 'secret') };
}
