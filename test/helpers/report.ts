/**
 * Parses a JSON report and keeps its secret findings: the tests of sources and git modes count
 * keys; practice findings (a committed .env, say) have tests of their own.
 */
export function secretReport<T extends { findings: object[] }>(stdout: string): T {
  const report = JSON.parse(stdout) as T;
  return { ...report, findings: report.findings.filter((f) => (f as { kind?: unknown }).kind === 'secret') };
}
