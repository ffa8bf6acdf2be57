/** SARIF levels by keyscan severity: critical and high fail code scanning, the rest warn or note. */
export const SARIF_SEVERITY_LEVEL: Readonly<Record<string, 'error' | 'warning' | 'note'>> = { critical: 'error', high: 'error', medium: 'warning', low: 'warning', info: 'note' };
