// Build step (npm run build): parses and checks rules/*.toml once and writes dist/rules.json, so the
// CLI's start-up (the pre-commit hook's latency) skips the TOML parser and regex checks; and
// dist/prefilter.bin, the built-in rules' keyword automaton, so it skips building that too.
import { readdirSync, writeFileSync } from 'node:fs';
import { buildRuleSet } from './detect/rule-set.js';
import { compileRule } from './rules/compile.js';
import { writePrefilterCache } from './rules/prefilter-cache.js';
import { BUILTIN_RULES_DIR, parseRuleFiles, ruleFilesStamp, RULES_CACHE, type RulesCache } from './rules/load.js';

const names = readdirSync(BUILTIN_RULES_DIR).filter((n) => n.endsWith('.toml')).sort();
const definitions = parseRuleFiles(BUILTIN_RULES_DIR, names).map((def) => ({ ...def, secretGroup: compileRule(def).secretGroup, checked: true }));
const cache: RulesCache = { files: ruleFilesStamp(BUILTIN_RULES_DIR, names), definitions };
writeFileSync(RULES_CACHE, JSON.stringify(cache));
writePrefilterCache(buildRuleSet(definitions.map(compileRule)).prefilter);
