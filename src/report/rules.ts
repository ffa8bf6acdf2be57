import type { RuleDefinition } from '../rules/definition.js';

export function rulesJson(rules: readonly RuleDefinition[]): string {
  const list = rules.map((r) => ({
    id: r.id,
    provider: r.provider,
    severity: r.severity,
    title: r.description,
    validator: r.validator ?? null,
    keywords: r.keywords,
    source: r.source,
  }));
  return `${JSON.stringify({ tool: 'keyscan', rules: list }, null, 2)}\n`;
}

export function rulesText(rules: readonly RuleDefinition[]): string {
  const rows = rules.map((r) => [r.id, r.provider, r.severity, r.validator ?? '-', r.description]);
  const header = ['ID', 'PROVIDER', 'SEVERITY', 'VALIDATOR', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i < cells.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n${rules.length} rules\n`;
}
