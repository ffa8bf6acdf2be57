// Time by stage of detect() and self time by function from a V8 .cpuprofile (node --cpu-prof), to see
// where a scan spends it.
// V8 names compiled regexes by their source; those are shown by the ids of the rules using them.
//   node bench/profile-summary.mjs <file.cpuprofile> [top]
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The rules as the build compiled them; a build without it just shows regex sources. */
const RULES_JSON = fileURLToPath(new URL('../dist/rules.jsonl', import.meta.url));
const MAX_NAME = 110;

/** Regex source → the ids of the rules that use it, keyed as V8 prints it (RegExp#source). */
export async function ruleIdsByRegex(path = RULES_JSON) {
  const ids = new Map();
  if (!existsSync(path)) return ids;
  try {
    // a header line, then one rule's definition a line (src/rules/load.ts)
    for (const { id, regex } of (await readFile(path, 'utf8')).split('\n').slice(1).map((line) => JSON.parse(line))) {
      const source = new RegExp(regex.replace(/^\(\?i\)/, '')).source; // keyscan turns a leading (?i) into the i flag
      ids.set(source, [...(ids.get(source) ?? []), id]);
    }
  } catch {
    // another shape of rules.jsonl: names stay regex sources
  }
  return ids;
}

/** V8 cuts a regex's name after this many characters of its source. */
const V8_NAME_LIMIT = 1024;

function idsOfRegex(source, regexIds) {
  const exact = regexIds.get(source);
  if (exact || source.length < V8_NAME_LIMIT) return exact;
  const ids = [...regexIds].filter(([full]) => full.startsWith(source)).flatMap(([, list]) => list);
  return ids.length > 0 ? ids : undefined;
}

function functionName(frame, regexIds) {
  const name = frame.functionName || '(anonymous)';
  if (!name.startsWith('RegExp: ')) return `${name}${location(frame)}`;
  const ids = idsOfRegex(name.slice('RegExp: '.length), regexIds);
  if (ids) return `regex of ${ids.join(', ')}`;
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
}

function location({ url, lineNumber }) {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return ` ${path.startsWith(ROOT) ? path.slice(ROOT.length) : path}:${lineNumber + 1}`;
}

/** [{ name, ms, share }] by self time, largest first; a sample's time runs until the next one. */
export function selfTimes(profile, regexIds = new Map()) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const us = profile.timeDeltas[i + 1];
    const frame = nodes.get(profile.samples[i]).callFrame;
    const name = functionName(frame, regexIds);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    totalUs += us;
  }
  return [...byFunction]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * The stages of detect() (src/detect/detect.ts), by the functions that make them up; a function is
 * known by its name and its module, since names like `scan` recur elsewhere.
 */
const STAGES = [
  ['quote view', 'quote-view', ['withoutQuoteEscapes', 'toOriginal']],
  ['1 keyword hits (prefilter)', 'prefilter', ['scan']],
  ['1 keyword hits (prefilter)', 'windows', ['keywordHits']],
  ['2 candidate windows', 'windows', ['windowsAround', 'identifierStart', 'lineStart']],
  ['3 rule confirm (regex)', 'confirm', ['confirmRules', 'confirmAnchored', 'confirmWindows', 'pushMatch', 'isSkippedFor']],
  ['4 filters (entropy, checksum, placeholder, allowlist)', 'false-alarms', ['isFalseAlarm', 'isAllowedByRule']],
  ['5 overlap resolution', 'overlap', ['resolveOverlaps', 'isMoreSpecific', 'isSelfIdentifying']],
  ['6 inline allow markers', 'allow', ['isAllowedInline', 'hasAllowMarker']],
  ['7 findings (locate, fingerprint, context)', 'detect', ['toFindings']],
  ['7 findings (locate, fingerprint, context)', 'finding', ['toFinding', 'contextOf']],
  ['detect() itself', 'detect', ['detect']],
];
const OUTSIDE = 'outside detect (walk, read, decode, practices, report, start-up)';
const GC = '(garbage collector)';
const IDLE = '(idle)'; // waiting for reads

function stageOfFrame({ functionName, url }) {
  const module = /\/detect\/([a-z-]+)\.[jt]s$/.exec(url)?.[1];
  if (module === undefined) return undefined;
  for (const [stage, file, names] of STAGES) if (file === module && names.includes(functionName)) return stage;
  return undefined;
}

/**
 * [{ stage, ms, share }]: each sample's time goes to the nearest stage function on its stack, so a
 * regex, a helper or a builtin counts for the stage that called it (self time of the stage, nested
 * stages excluded). Stages in pipeline order, then what ran outside detect().
 */
export function stageTimes(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOfNode = new Map();
  const stageOf = (id) => {
    if (stageOfNode.has(id)) return stageOfNode.get(id);
    const node = nodes.get(id);
    let stage = stageOfFrame(node.callFrame);
    if (stage === undefined) {
      if (node.callFrame.functionName === GC || node.callFrame.functionName === IDLE) stage = node.callFrame.functionName;
      else stage = parent.has(id) ? stageOf(parent.get(id)) : OUTSIDE;
    }
    stageOfNode.set(id, stage);
    return stage;
  };
  const byStage = new Map([...new Set(STAGES.map(([s]) => s)), OUTSIDE, GC, IDLE].map((s) => [s, 0]));
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const us = profile.timeDeltas[i + 1];
    const stage = stageOf(profile.samples[i]);
    byStage.set(stage, byStage.get(stage) + us);
    totalUs += us;
  }
  return [...byStage].map(([stage, us]) => ({ stage, ms: us / 1000, share: us / totalUs }));
}

export function formatStageTimes(rows) {
  const width = Math.max(...rows.map((r) => r.stage.length));
  const inDetect = rows.filter((r) => ![OUTSIDE, GC, IDLE].includes(r.stage)).reduce((a, r) => a + r.ms, 0);
  return [
    ...rows.map((r) => `${r.stage.padEnd(width)}  ${r.ms.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%`),
    `${'all of detect()'.padEnd(width)}  ${inDetect.toFixed(0).padStart(7)} ms`,
  ].join('\n');
}

export function formatSelfTimes(rows, top) {
  return rows
    .slice(0, top)
    .map((r) => `${r.ms.toFixed(0).padStart(8)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.name}`)
    .join('\n');
}

async function main([file, top = '20']) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  process.stdout.write(`${formatStageTimes(stageTimes(profile))}\n\n`);
  process.stdout.write(`${formatSelfTimes(selfTimes(profile, await ruleIdsByRegex()), Number(top))}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
