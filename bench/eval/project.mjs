// The generated project: files of known kinds, each a header, filler blocks and the blocks that hold
// planted keys or decoys ("special" blocks, always kept apart by filler so one cannot lend its
// context to the next), rendered to text at the end.
import { bundleChunks } from './bundle.mjs';
import {
  composeFooter, composeHeader, composeServices, dockerfileChunks, dockerfileHeader, envChunks, ghaSteps, ghaWorkflowHeader,
  jsonChunks, k8sDeployment, k8sSecret, k8sService, mdChunks, tfChunks, yamlChunks, yamlHeader,
} from './filler-config.mjs';
import { jsChunks, jsHeader, tsChunks, tsHeader, tsxChunks, tsxHeader } from './filler-js.mjs';
import {
  goChunks, goHeader, javaChunks, javaHeader, notebookCells, phpChunks, pyChunks, pyHeader, rbChunks,
  shChunks, shHeader,
} from './filler-other.mjs';
import { pngBase64 } from './decoys.mjs';
import { namesFor, plural } from './vocab.mjs';

/** Draws a file's filler from a shuffled deck of the kind's snippets, so a file repeats one only when it has used them all. */
const chunkOf = (list) => (rng, file) => {
  if (!file.deck?.length) file.deck = rng.shuffle(list.map((_, i) => i));
  return list[file.deck.pop()](rng);
};

/** Draws filler in the order given, for files whose parts have an order (a Dockerfile's stages). */
const chunkInOrder = (list) => (rng, file) => {
  file.next = ((file.next ?? -1) + 1) % list.length;
  return list[file.next](rng);
};

/** Each kind: where its files live, how many special blocks one file takes, and its filler. */
export const KINDS = {
  ts: { capacity: 2, dirs: ['services/api/src/routes', 'services/api/src/services', 'services/api/src/middleware', 'services/api/src/lib', 'services/api/src/integrations'], ext: '.ts', header: tsHeader, filler: chunkOf(tsChunks) },
  tsx: { capacity: 2, dirs: ['frontend/src/components', 'frontend/src/pages', 'frontend/src/features/settings', 'frontend/src/lib'], ext: '.tsx', pascal: true, header: tsxHeader, filler: chunkOf(tsxChunks) },
  js: { capacity: 2, dirs: ['scripts', 'services/api/scripts', 'frontend/scripts'], ext: '.mjs', header: jsHeader, filler: chunkOf(jsChunks) },
  py: { capacity: 2, dirs: ['ml', 'ml/pipelines', 'scripts', 'ml/evals'], ext: '.py', header: pyHeader, filler: chunkOf(pyChunks) },
  ipynb: { capacity: 3, dirs: ['notebooks'], ext: '.ipynb', filler: chunkOf(notebookCells) },
  go: { capacity: 2, dirs: ['services/gateway/internal/handlers', 'services/gateway/internal/auth', 'services/gateway/internal/config'], ext: '.go', filler: chunkOf(goChunks) },
  java: { capacity: 2, dirs: ['services/billing/src/main/java/com/acme/billing'], ext: '.java', pascal: true, filler: chunkOf(javaChunks) },
  rb: { capacity: 2, dirs: ['tools/admin/app/controllers'], ext: '.rb', filler: chunkOf(rbChunks) },
  php: { capacity: 2, dirs: ['tools/legacy-portal/src'], ext: '.php', header: () => '<?php\n\ndeclare(strict_types=1);\n', filler: chunkOf(phpChunks) },
  sh: { capacity: 2, dirs: ['scripts', 'deploy'], ext: '.sh', header: shHeader, filler: chunkOf(shChunks) },
  md: { capacity: 6, dirs: ['docs', 'docs/integrations', 'services/api/docs'], ext: '.md', filler: chunkOf(mdChunks) },
  env: { capacity: 8, dirs: ['deploy/env', 'config/env', 'services/worker', 'services/notifier'], ext: '.env', stages: true, fixed: ['.env', '.env.development', '.env.production', 'services/api/.env', 'frontend/.env', 'ml/.env', 'services/gateway/.env', 'deploy/staging.env', 'deploy/production.env', 'services/billing/.env', 'tools/admin/.env', 'ml/evals/.env'], filler: chunkOf(envChunks) },
  envExample: { capacity: 40, dirs: ['deploy/env', 'config/env'], ext: '.env.example', stages: true, fixed: ['.env.example', 'services/api/.env.example', 'frontend/.env.example', 'ml/.env.example'], filler: chunkOf(envChunks) },
  yaml: { capacity: 3, dirs: ['config', 'services/api/config', 'ml/config'], ext: '.yml', header: yamlHeader, filler: chunkOf(yamlChunks) },
  json: { capacity: 4, dirs: ['config', 'services/api/config', 'frontend/src/config'], ext: '.json', filler: chunkOf(jsonChunks) },
  k8s: { capacity: 3, dirs: ['deploy/k8s', 'deploy/k8s/overlays/production'], ext: '.yaml', filler: (rng) => (rng.chance(0.6) ? k8sDeployment(rng, namesFor(rng), `ghcr.io/acme/${namesFor(rng).noun}-service@sha256:${rng.hex(64)}`) : rng.chance(0.5) ? k8sService(rng) : k8sSecret(rng)) },
  gha: { capacity: 2, dirs: ['.github/workflows'], ext: '.yml', filler: chunkOf(ghaSteps) },
  compose: { capacity: 3, dirs: ['deploy/compose'], ext: '.yml', stages: true, fixed: ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml', 'deploy/docker-compose.ci.yml'], filler: chunkOf(composeServices) },
  tf: { capacity: 3, dirs: ['infra', 'infra/modules/app'], ext: '.tf', filler: chunkOf(tfChunks) },
  dockerfile: { capacity: 1, dirs: ['deploy/docker'], ext: '.Dockerfile', fixed: ['services/api/Dockerfile', 'services/gateway/Dockerfile', 'frontend/Dockerfile', 'ml/Dockerfile', 'services/billing/Dockerfile', 'tools/admin/Dockerfile', 'deploy/worker.Dockerfile', 'deploy/cron.Dockerfile'], header: dockerfileHeader, filler: chunkInOrder(dockerfileChunks) },
  bundle: { capacity: Infinity, fixed: ['frontend/public/vendor/app.3c1f9e27.min.js'], filler: chunkOf(bundleChunks) },
  raw: { capacity: Infinity, filler: () => '' },
};

const STAGES = ['staging', 'production', 'preview', 'qa', 'local', 'ci', 'demo', 'sandbox', 'eu', 'us', 'canary', 'perf'];
const BASE_NAMES = ['index', 'client', 'config', 'settings', 'handlers', 'auth', 'session', 'billing', 'webhooks', 'search', 'sync', 'ingest', 'export', 'admin', 'health', 'chat', 'embeddings', 'summarize', 'notify', 'upload'];

function pascalName(word) {
  return word.split(/[-_]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

export function createProject(rng) {
  const files = new Map();
  const nameRng = rng.fork('names');

  function newPath(kind) {
    const k = KINDS[kind];
    const unused = k.fixed?.find((p) => !files.has(p));
    if (unused !== undefined || k.dirs === undefined) return unused;
    for (let attempt = 0; attempt < 50; attempt++) {
      const dir = nameRng.pick(k.dirs);
      let base = k.stages ? nameRng.pick(STAGES) : nameRng.chance(0.5) ? nameRng.pick(BASE_NAMES) : plural(namesFor(nameRng).noun);
      if (kind === 'gha') base = nameRng.pick(['ci', 'deploy', 'release', 'nightly', 'e2e', 'lint', 'evals', 'preview']);
      if (k.pascal) base = pascalName(base) + (kind === 'java' ? nameRng.pick(['Service', 'Client', 'Config']) : '');
      if (kind === 'go' && attempt > 0) base = `${base}_${attempt}`;
      const path = `${dir}/${base}${attempt > 10 ? `-${attempt}` : ''}${k.ext}`;
      if (!files.has(path)) return path;
    }
    return undefined;
  }

  function create(kind, path = newPath(kind)) {
    if (path === undefined) return undefined;
    const frng = rng.fork(path);
    const file = { path, kind, rng: frng, header: '', blocks: [], specials: 0, meta: {} };
    const k = KINDS[kind];
    if (kind === 'go') file.meta.pkg = path.split('/').at(-2);
    if (kind === 'java') file.meta.cls = path.split('/').pop().replace('.java', '');
    if (kind === 'gha') file.meta.name = path.split('/').pop().replace('.yml', '');
    if (k.header) file.header = k.header(frng, file);
    const fillers = kind === 'bundle' ? 1800 : kind === 'raw' ? 0 : frng.int(2, 4);
    for (let i = 0; i < fillers; i++) file.blocks.push({ filler: k.filler(frng, file) });
    files.set(path, file);
    return file;
  }

  /** A file of this kind with room for one more special block (`accepts` filters by path). */
  function fileFor(kind, accepts = () => true, pick = rng) {
    const open = [...files.values()].filter((f) => f.kind === kind && f.specials < KINDS[kind].capacity && accepts(f.path));
    if (open.length > 0 && (open.length >= 3 || pick.chance(0.7))) return pick.pick(open);
    for (let i = 0; i < 5; i++) {
      const path = newPath(kind);
      if (path === undefined) break;
      if (accepts(path)) return create(kind, path);
    }
    return open.length > 0 ? pick.pick(open) : undefined;
  }

  /** Adds a special block at a random place, with filler on both sides. */
  function addSpecial(file, block) {
    const k = KINDS[file.kind];
    const slots = [];
    for (let i = 0; i <= file.blocks.length; i++) {
      const before = file.blocks[i - 1];
      const after = file.blocks[i];
      if ((before === undefined || before.filler !== undefined) && (after === undefined || after.filler !== undefined)) slots.push(i);
    }
    let at = slots.length > 0 ? file.rng.pick(slots) : file.blocks.length;
    if (file.kind !== 'raw') {
      if (at > 0 && file.blocks[at - 1]?.filler === undefined) file.blocks.splice(at++, 0, { filler: k.filler(file.rng, file) });
      if (file.blocks[at]?.filler === undefined) file.blocks.splice(at, 0, { filler: k.filler(file.rng, file) });
    }
    file.blocks.splice(at, 0, block);
    file.specials++;
  }

  return { files, create, fileFor, addSpecial };
}

const textOf = (block) => block.filler ?? block.text;

function renderNotebook(file) {
  const cells = file.blocks.map((b, i) => {
    const cell = b.filler ?? b.cell ?? { code: b.text };
    if (cell.markdown !== undefined) return { cell_type: 'markdown', metadata: {}, source: splitSource(cell.markdown) };
    const outputs = [];
    if (cell.output === 'image') {
      outputs.push({ data: { 'image/png': cell.png ?? pngBase64(file.rng, file.rng.int(400, 1200)), 'text/plain': ['<Figure size 640x480 with 1 Axes>'] }, metadata: {}, output_type: 'display_data' });
    } else if (cell.output === 'table') {
      outputs.push({ data: { 'text/plain': ['   id  status  created_at\n', '0   1  active  2024-03-01\n', '1   2  active  2024-03-02'] }, execution_count: i + 1, metadata: {}, output_type: 'execute_result' });
    } else if (cell.output === 'text') {
      outputs.push({ data: { 'text/plain': ['200'] }, execution_count: i + 1, metadata: {}, output_type: 'execute_result' });
    }
    return { cell_type: 'code', execution_count: i + 1, metadata: {}, outputs, source: splitSource(cell.code) };
  });
  const nb = { cells, metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.9' } }, nbformat: 4, nbformat_minor: 5 };
  return `${JSON.stringify(nb, null, 1)}\n`;
}

function splitSource(text) {
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

function renderJson(file) {
  const doc = {};
  const unique = (key) => {
    let k = key;
    for (let i = 2; k in doc; i++) k = `${key}${i}`;
    return k;
  };
  for (const b of file.blocks) {
    const entries = b.filler ?? b.entries;
    // a key or decoy keeps the name it was written under: on a clash its block moves into a section
    if (b.filler === undefined && entries.some(([key]) => key in doc)) doc[unique(b.section ?? 'integrations')] = Object.fromEntries(entries);
    else for (const [key, value] of entries) doc[unique(key)] = value;
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Filler env lines may set a variable another block already set; a real file sets each once. */
function envText(file) {
  const nameOf = (line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
  const seen = new Set(file.blocks.filter((b) => b.filler === undefined).flatMap((b) => b.text.split('\n').map(nameOf)));
  return file.blocks.map((b) => {
    if (b.filler === undefined) return b.text;
    return b.filler.split('\n').filter((line) => {
      const name = nameOf(line);
      if (name === undefined) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    }).join('\n');
  }).filter((t) => t !== '').join('\n');
}

export function render(file) {
  switch (file.kind) {
    case 'ipynb':
      return renderNotebook(file);
    case 'json':
      return renderJson(file);
    case 'bundle':
      return `/*! ${file.path.split('/').pop()} | MIT licensed dependencies: see licenses.txt */\n${file.blocks.map(textOf).join(';')};\n//# sourceMappingURL=app.min.js.map\n`;
    case 'k8s':
      return `${file.blocks.map(textOf).join('\n---\n')}\n`;
    case 'gha':
      return `${ghaWorkflowHeader(file.rng, file.meta.name)}${file.blocks.map(textOf).join('\n')}\n`;
    case 'compose':
      return `${composeHeader()}${file.blocks.map(textOf).join('\n')}${composeFooter()}`;
    case 'go':
      return `${goHeader(file.rng, file.meta.pkg)}\n${file.blocks.map(textOf).join('\n\n')}\n`;
    case 'java':
      return `${javaHeader(file.rng, 'com.acme.billing', file.meta.cls)}${file.blocks.map(textOf).join('\n\n')}\n}\n`;
    case 'env':
    case 'envExample':
      return `${envText(file)}\n`;
    case 'raw':
      return `${file.header}${file.blocks.map(textOf).join('\n')}\n`;
    default:
      return `${file.header}${file.header ? '\n' : ''}${file.blocks.map(textOf).join('\n\n')}\n`;
  }
}
