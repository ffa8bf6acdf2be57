// The eval itself: generates the tree, plants keys and decoys, writes the ground truth beside the tree,
// runs the built CLI on it and scores the report. bench/eval.mjs is its command line.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prefixDecoys, standardDecoys } from './decoys.mjs';
import { cargoLock, goSum, packageJson, packageLock, pnpmLock, poetryLock, requirementsTxt, terraformLock, yarnLock } from './lockfiles.mjs';
import { envNameOf, negativeDecoys, placeDecoy, plantKeys, prefixOf } from './plants.mjs';
import { createProject, render } from './project.mjs';
import { createRandom } from './random.mjs';
import { CACHE_DIR, realCodeStage } from './real-code.mjs';
import { plantShapes } from './shapes.mjs';
import { loadRules } from './rules.mjs';
import { formatScore, score } from './score.mjs';
import { buildRuleSet, detect } from '../../dist/detect/detect.js';
import { compileRule } from '../../dist/rules/compile.js';

const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

/** How many filler-only files of each kind the tree starts with, before keys and decoys are placed. */
const BASE_FILES = { ts: 14, tsx: 8, js: 3, py: 6, ipynb: 2, go: 4, java: 3, sh: 3, md: 4, env: 3, envExample: 2, yaml: 3, json: 3, k8s: 3, gha: 2, compose: 1, tf: 3, dockerfile: 2, bundle: 1 };

const GITIGNORE = ['node_modules/', 'dist/', 'build/', 'coverage/', '*.log', '.env.local', '.env.*.local', '__pycache__/', '.venv/', '.terraform/', 'target/', '.DS_Store', ''].join('\n');

function buildTree(rules, rng) {
  const project = createProject(rng.fork('tree'));
  const whole = (path, text) => project.addSpecial(project.create('raw', path), { text: text.replace(/\n$/, '') });
  project.create('md', 'README.md');
  for (const [kind, n] of Object.entries(BASE_FILES)) for (let i = 0; i < n; i++) project.create(kind);
  const lr = rng.fork('locks');
  whole('.gitignore', GITIGNORE);
  whole('package.json', packageJson(lr, 'acme-platform', ['express', 'openai', 'zod', 'pino']));
  whole('package-lock.json', packageLock(lr, 'acme-platform'));
  whole('frontend/package.json', packageJson(lr, 'frontend', ['react', 'react-dom', 'firebase', '@stripe/stripe-js', '@sentry/react']));
  whole('frontend/yarn.lock', yarnLock(lr));
  whole('tools/docs-site/pnpm-lock.yaml', pnpmLock(lr));
  whole('services/indexer/Cargo.lock', cargoLock(lr));
  whole('services/gateway/go.sum', goSum(lr));
  whole('ml/poetry.lock', poetryLock(lr));
  whole('ml/requirements.txt', requirementsTxt(lr));
  whole('infra/.terraform.lock.hcl', terraformLock(lr));

  const ruleSet = buildRuleSet(rules.map(compileRule));
  const findingsIn = (text) =>
    detect({ text, origin: { kind: 'file', path: 'example.txt' }, lineOffset: 0 }, ruleSet)
      .filter((f) => f.kind === 'secret')
      .map((f) => ({ ruleId: f.ruleId, secret: f.secret.reveal() }));
  const planted = plantKeys(project, rules, rng.fork('plants'), findingsIn);

  const dr = rng.fork('decoys');
  const decoySpecs = [...standardDecoys(dr), ...negativeDecoys(rules, dr)];
  for (const rule of rules) {
    const example = rule.examples.find((e) => e.text.includes(e.secret));
    const prefix = example && rule.pathRegex === undefined ? prefixOf(rule, example.secret) : undefined;
    if (prefix !== undefined) decoySpecs.push(...prefixDecoys(rule, example.secret.slice(0, prefix.length), example.secret.length, envNameOf(rule)));
  }
  const decoys = decoySpecs.map((d) => placeDecoy(project, d, dr)).filter((d) => d !== undefined);
  // after the decoys, so the plants and decoys above stay where they were before shapes existed
  const shaped = plantShapes(project, rules, rng.fork('shapes'), planted.used);
  return { project, ...planted, plants: [...planted.plants, ...shaped.plants], problems: [...planted.problems, ...shaped.problems], decoys };
}

function lineOf(text, offset) {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

async function writeTree(project, plants, root) {
  const texts = new Map();
  for (const file of project.files.values()) {
    const text = render(file);
    texts.set(file.path, text);
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), text);
  }
  for (const p of plants) {
    const text = texts.get(p.file);
    const at = text.indexOf(p.locator ?? p.secret); // an encoded key is found where its encoding is
    if (at === -1) throw new Error(`generator bug: the key planted for ${p.ruleId} is not in ${p.file}: ${JSON.stringify(p.secret.slice(0, 60))} vs ${JSON.stringify(text.slice(Math.max(0, text.indexOf(p.secret.slice(0, 20)) - 20), text.indexOf(p.secret.slice(0, 20)) + 80))}`);
    p.line = lineOf(text, at);
  }
  return texts;
}

function runCli(nodePath, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(nodePath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Builds the tree for `seed`, scans it with the built CLI and hands the figures to `log`, one block of
 * lines at a time. With `keep`, the tree, the ground truth and the report stay on disk.
 */
export async function evaluate({ seed, keep, log, nodePath, real = true }) {
  const rules = loadRules();
  const started = Date.now();
  const { project, plants, problems, mutation, decoys } = buildTree(rules, createRandom(seed));

  const tree = await mkdtemp(join(tmpdir(), 'keyscan-eval-tree-'));
  const out = await mkdtemp(join(tmpdir(), 'keyscan-eval-out-'));
  try {
    const texts = await writeTree(project, plants, tree);
    const bytes = [...texts.values()].reduce((n, t) => n + Buffer.byteLength(t), 0);
    const truth = plants.map(({ file, line, ruleId, provider, secret, context }) => ({ file, line, ruleId, provider, secret, context }));
    await writeFile(join(out, 'truth.json'), `${JSON.stringify({ seed, plants: truth, decoys }, null, 2)}\n`);

    const reportPath = join(out, 'report.json');
    const scanStarted = Date.now();
    const { code, stderr } = await runCli(nodePath, [tree, '--format', 'json', '--show-secrets', '--output', reportPath]);
    const scanMs = Date.now() - scanStarted;
    if (code !== 0 && code !== 1) throw new Error(`keyscan exited ${code}: ${stderr.trim()}`);
    const report = JSON.parse(await readFile(reportPath, 'utf8').catch(() => {
      throw new Error(`keyscan exited ${code} without writing a report: ${stderr.trim()}`);
    }));
    const s = score(plants, decoys, report, texts, new Map([...project.files.values()].map((f) => [f.path, f.kind])));

    const prefixed = new Set(plants.filter((p) => p.context.startsWith('natural')).map((p) => p.ruleId)).size;
    log(`keyscan eval  seed ${seed}  ${rules.length} rules (${prefixed} with prefixed keys also planted in everyday contexts)  ${texts.size} files, ${(bytes / 1e6).toFixed(1)} MB  ${plants.length} keys, ${decoys.length} decoy blocks  generated in ${((scanStarted - started) / 1000).toFixed(1)} s, scanned in ${(scanMs / 1000).toFixed(1)} s`);
    const rejected = Object.entries(mutation.rejected).map(([why, n]) => `${why} ${n}`).join(', ');
    if (rejected) log(`whole-key redraws rejected: ${rejected} (those keys were then redrawn a run of positions at a time)`);
    if (mutation.fellBack.length > 0) log(`rules planted with their example secret (no fresh key of that shape fits their regex): ${[...new Set(mutation.fellBack)].join(', ')}`);
    for (const p of problems) log(`not planted: ${p}`);
    log('');
    log(formatScore(s, plants));
    log(`\nrecall by shape (one prefixed key per rule, the shapes in turn)`);
    for (const shape of [...new Set(plants.filter((p) => p.context.startsWith('shape ')).map((p) => p.context))]) {
      const mine = plants.filter((p) => p.context === shape);
      log(`  ${shape.slice(6).padEnd(14)} ${`${mine.filter((p) => p.foundBy.length > 0).length}/${mine.length}`.padStart(7)}`);
    }
    let realCode;
    if (real) realCode = await realCodeStage({ log, nodePath, cli: CLI });
    else log(`\nreal-code stage skipped (EVAL_REAL=0); packages are cached in ${CACHE_DIR}`);
    const perMb = realCode === undefined ? 'not measured' : `${realCode.perMb.toFixed(3)} on ${realCode.mb.toFixed(1)} MB of published packages`;
    log(`\nin short: recall ${(100 * s.recall).toFixed(1)} %, precision ${(100 * s.precision).toFixed(1)} %, false alarms per MB ${perMb}`);
    if (keep) log(`\ntree: ${tree}\nground truth: ${join(out, 'truth.json')}\nreport: ${reportPath}`);
  } finally {
    if (!keep) {
      await rm(tree, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
  }
}
