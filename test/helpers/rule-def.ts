import type { RuleDefinition } from '../../src/rules/definition.js';

/** A rule for engine tests, independent of the shipped catalogue. */
export function ruleDef(overrides: Partial<RuleDefinition> & Pick<RuleDefinition, 'id' | 'regex' | 'keywords'>): RuleDefinition {
  return {
    provider: 'test',
    description: `test rule ${overrides.id}`,
    severity: 'high',
    remediation: 'Rotate it.',
    examples: [],
    negatives: [],
    source: 'test',
    ...overrides,
  };
}
