// Build step (npm run build): parses and checks rules/*.toml once and writes dist/rules.jsonl (their
// examples apart, in dist/rule-examples.json), so the CLI's start-up (the pre-commit hook's latency)
// skips the TOML parser and regex checks; and dist/prefilter.bin, the built-in rules' keyword
// automaton, so it skips building that too.
import { readdirSync, writeFileSync } from 'node:fs';
import { buildRuleSet } from './detect/rule-set.js';
import { compileRule } from './rules/compile.js';
import { writePrefilterCache } from './rules/prefilter-cache.js';
import { BUILTIN_RULES_DIR, parseRuleFiles, RULE_EXAMPLES_CACHE, ruleFilesStamp, RULES_CACHE, rulesCacheText, type RuleExamples } from './rules/load.js';

const names = readdirSync(BUILTIN_RULES_DIR).filter((n) => n.endsWith('.toml')).sort();
const definitions = parseRuleFiles(BUILTIN_RULES_DIR, names).map((def) => ({ ...def, secretGroup: compileRule(def).secretGroup, checked: true }));
writeFileSync(RULES_CACHE, rulesCacheText(ruleFilesStamp(BUILTIN_RULES_DIR, names), definitions.map((def) => ({ ...def, examples: [], negatives: [] }))));
writeFileSync(RULE_EXAMPLES_CACHE, JSON.stringify(definitions.map(({ examples, negatives }): RuleExamples => ({ examples, negatives }))));
writePrefilterCache(buildRuleSet(definitions.map(compileRule)).prefilter);
