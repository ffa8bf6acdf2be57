// The "realistic" tree: a product monorepo (TS apps and packages, Go, Python, Java and Ruby
// services, Terraform, Kubernetes, docs, scripts), with lock files, committed minified bundles,
// an ignored dist/ and a few planted keys in the places keys really leak from.
import { codeFile, createSnippetPools, minify } from './code.mjs';
import {
  awsAccessKeyId, awsSecretKey, githubToken, googleApiKey, openaiLegacyKey, openaiProjectKey,
  openaiServiceKey, slackBotToken, stripeLiveKey,
} from './keys.mjs';
import { BASE64, HEX, LOWER } from './prng.mjs';
import { ENVS, names, paragraph } from './vocab.mjs';

const KB = 1024;
const MB = 1024 * KB;
/** Shares of the byte budget; source files fill what is left. */
const BUNDLE_SHARE = 0.1;
const LOCK_SHARE = 0.06;
const IGNORED_SHARE = 0.02;

const GITIGNORE = 'node_modules/\ndist/\ncoverage/\n*.log\n.env.local\n';

// Each kind builds one component: its directories with the languages written there.
const COMPONENT_KINDS = {
  tsApp: (r, name) => {
    const root = `apps/${name}`;
    const ui = [['tsx', 6], ['ts', 4]];
    return [
      [`${root}/src`, [['ts', 1]]], [`${root}/src/api`, [['ts', 1]]], [`${root}/src/lib`, [['ts', 3], ['js', 1]]],
      [`${root}/src/hooks`, [['ts', 1]]], [`${root}/test`, [['ts', 1]]],
      ...subdirs(r, `${root}/src/components`, 2, 6, ui), ...subdirs(r, `${root}/src/pages`, 1, 4, ui),
    ];
  },
  tsPackage: (r, name) => [...subdirs(r, `packages/${name}/src`, 2, 5, [['ts', 4], ['js', 1]]), [`packages/${name}/test`, [['ts', 1]]]],
  goService: (r, name) => [
    [`services/${name}/cmd/${name}`, [['go', 1]]],
    ...subdirs(r, `services/${name}/internal`, 2, 6, [['go', 1]]), ...subdirs(r, `services/${name}/pkg`, 1, 3, [['go', 1]]),
  ],
  pyService: (r, name) => {
    const pkg = name.replace(/-/g, '_');
    return [...subdirs(r, `services/${name}/${pkg}`, 2, 6, [['py', 1]]), [`services/${name}/tests`, [['py', 1]]], [`services/${name}/scripts`, [['py', 2], ['sh', 1]]]];
  },
  javaService: (r, name) => {
    const pkg = name.replace(/-/g, '');
    return [
      ...subdirs(r, `services/${name}/src/main/java/com/acme/${pkg}`, 2, 5, [['java', 1]]),
      [`services/${name}/src/test/java/com/acme/${pkg}`, [['java', 1]]], [`services/${name}/src/main/resources`, [['yaml', 1]]],
    ];
  },
  rbService: (r, name) => [
    ...['controllers', 'models', 'services', 'jobs'].map((d) => [`services/${name}/app/${d}`, [['rb', 1]]]),
    [`services/${name}/config/initializers`, [['rb', 1]]], [`services/${name}/spec/models`, [['rb', 1]]], [`services/${name}/spec/requests`, [['rb', 1]]],
  ],
  infra: (r, name) => [...subdirs(r, `infra/${name}/modules`, 2, 5, [['tf', 1]]), ...ENVS.slice(0, 3).map((e) => [`infra/${name}/envs/${e}`, [['tf', 1]]])],
  deploy: (r, name) => ENVS.slice(0, 3).flatMap((e) => subdirs(r, `deploy/${name}/${e}`, 1, 3, [['yaml', 1]])),
  docs: (r, name) => [[`docs/${name}`, [['md', 1]]], ...subdirs(r, `docs/${name}`, 0, 3, [['md', 1]])],
  scripts: (r, name) => [[`scripts/${name}`, [['sh', 3], ['py', 1]]]],
  config: (r, name) => ENVS.map((e) => [`config/${name}/${e}`, [['json', 1], ['yaml', 1]]]),
};
const KIND_WEIGHTS = [['tsApp', 5], ['tsPackage', 4], ['goService', 3], ['pyService', 3], ['javaService', 2], ['rbService', 2], ['infra', 1], ['deploy', 1], ['docs', 1.5], ['scripts', 0.5], ['config', 0.5]];

const EXT = { ts: 'ts', tsx: 'tsx', js: 'js', py: 'py', go: 'go', java: 'java', rb: 'rb', yaml: 'yaml', json: 'json', md: 'md', tf: 'tf', sh: 'sh' };

function subdirs(r, parent, min, max, langs) {
  const count = r.int(min, max);
  const seen = new Set();
  const out = [];
  while (out.length < count) {
    const name = names(r).noun.toLowerCase();
    if (seen.has(name)) continue;
    seen.add(name);
    out.push([`${parent}/${name}`, langs]);
  }
  return out;
}

function fileName(r, lang) {
  const v = names(r);
  switch (lang) {
    case 'java': return `${v.Noun}${r.pick(['Controller', 'Service', 'Repository', 'Mapper', 'Config', 'Dto'])}.java`;
    case 'py': case 'rb': return `${v.noun_}_${r.pick(['service', 'client', 'views', 'models', 'utils', 'tasks', v.verb])}.${EXT[lang]}`;
    case 'go': return `${v.noun.toLowerCase()}_${v.verb}.go`;
    case 'tsx': return `${v.Noun}${r.pick(['Form', 'List', 'Page', 'Card', 'Modal'])}.tsx`;
    default: return `${v.noun}-${r.pick([v.verb, 'service', 'client', 'types', 'config', 'handler'])}.${EXT[lang]}`;
  }
}

/** Files are about 1-50 KB, most of them small. */
function sourceSize(r) {
  return r.logUniform(KB, 50 * KB);
}

function npmName(r, i) {
  const v = names(r);
  return r.chance(0.3) ? `@${v.noun.toLowerCase()}/${v.verb}-${i}` : `${v.noun.toLowerCase()}-${v.verb}-${i}`;
}

function semver(r) {
  return `${r.int(0, 12)}.${r.int(0, 30)}.${r.int(0, 20)}`;
}

function sha512(r) {
  return `sha512-${r.chars(BASE64, 86)}==`;
}

function packageLock(r, bytes) {
  const entries = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const name = npmName(r, i);
    const version = semver(r);
    const deps = r.chance(0.4) ? `,\n      "dependencies": { "${npmName(r, i + 1)}": "^${semver(r)}" }` : '';
    const entry = `    "node_modules/${name}": {\n      "version": "${version}",\n      "resolved": "https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${version}.tgz",\n      "integrity": "${sha512(r)}",\n      "license": "${r.pick(['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'])}"${r.chance(0.4) ? ',\n      "dev": true' : ''}${deps}\n    }`;
    entries.push(entry);
    size += entry.length;
  }
  return `{\n  "name": "acme-monorepo",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n${entries.join(',\n')}\n  }\n}\n`;
}

function yarnLock(r, bytes) {
  let out = '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n';
  for (let i = 0; out.length < bytes; i++) {
    const name = npmName(r, i);
    const version = semver(r);
    out += `"${name}@^${version}":\n  version "${version}"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name.split('/').pop()}-${version}.tgz#${r.chars(HEX, 40)}"\n  integrity ${sha512(r)}\n`;
    if (r.chance(0.5)) out += `  dependencies:\n    ${npmName(r, i + 1)} "^${semver(r)}"\n`;
    out += '\n';
  }
  return out;
}

function goSum(r, bytes) {
  let out = '';
  while (out.length < bytes) {
    const mod = `github.com/${r.chars(LOWER, r.int(3, 10))}/${names(r).noun.toLowerCase()}-${names(r).verb}`;
    const version = `v${semver(r)}`;
    out += `${mod} ${version} h1:${r.chars(BASE64, 43)}=\n${mod} ${version}/go.mod h1:${r.chars(BASE64, 43)}=\n`;
  }
  return out;
}

/** A one-line bundle; `inject` (a statement) lands in the middle, as a build inlines config. */
function bundle(r, jsPool, bytes, inject = '') {
  const parts = ['!function(){"use strict";'];
  let size = 0;
  let injected = inject === '';
  while (size < bytes) {
    const chunk = r.pick(jsPool);
    parts.push(chunk);
    size += chunk.length;
    if (!injected && size >= bytes / 2) {
      parts.push(inject);
      injected = true;
    }
  }
  parts.push('}();\n');
  return parts.join('');
}

function envFile(r, extra) {
  return `NODE_ENV=development\nPORT=3000\nDATABASE_URL=postgres://app:app@localhost:5432/app\nREDIS_URL=redis://localhost:6379\nLOG_LEVEL=debug\n${extra}SESSION_TTL_SECONDS=3600\n`;
}

/** Code in `lang` with `line` placed among the snippets, as a key pasted into a working file. */
function withLine(r, pools, lang, line) {
  const before = codeFile(r, pools, lang, r.int(1, 6) * KB);
  const after = codeFile(r, pools, lang, r.int(1, 6) * KB).replace(/^[\s\S]*?\n\n/, '');
  return `${before}${line}\n\n${after}`;
}

function buildLayout(r, targetDirs) {
  const components = Object.keys(COMPONENT_KINDS).map((kind) => ({ kind, name: componentName(r, kind, new Set()) }));
  const taken = new Set(components.map((c) => c.name));
  let dirCount = 0;
  const dirs = [];
  const add = (c) => {
    for (const [dir, langs] of COMPONENT_KINDS[c.kind](r, c.name)) {
      dirs.push({ dir, langs, component: c });
      dirCount++;
    }
  };
  components.forEach(add);
  while (dirCount < targetDirs) {
    const kind = r.weighted(KIND_WEIGHTS);
    const c = { kind, name: componentName(r, kind, taken) };
    taken.add(c.name);
    components.push(c);
    add(c);
  }
  return { components, dirs };
}

function componentName(r, kind, taken) {
  const suffix = { tsApp: '', tsPackage: '', goService: '-svc', pyService: '-worker', javaService: '-api', rbService: '-app' }[kind] ?? '';
  for (let i = 0; ; i++) {
    const base = `${names(r).noun.toLowerCase()}${suffix}`;
    const name = i < 20 ? base : `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

function* componentMeta(r, pools, c) {
  const v = names(r);
  if (c.kind === 'tsApp' || c.kind === 'tsPackage') {
    const root = c.kind === 'tsApp' ? `apps/${c.name}` : `packages/${c.name}`;
    yield { path: `${root}/package.json`, text: `{\n  "name": "@acme/${c.name}",\n  "version": "${semver(r)}",\n  "private": true,\n  "scripts": { "build": "tsc -p .", "test": "vitest run" }\n}\n` };
    yield { path: `${root}/tsconfig.json`, text: `{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": { "outDir": "dist", "rootDir": "src" },\n  "include": ["src"]\n}\n` };
    yield { path: `${root}/README.md`, text: codeFile(r, pools, 'md', r.int(1, 4) * KB) };
    if (c.kind === 'tsApp') {
      yield { path: `${root}/Dockerfile`, text: codeFile(r, pools, 'dockerfile', 1) };
      yield { path: `${root}/.env.example`, text: envFile(r, `OPENAI_API_KEY=sk-proj-...\nSTRIPE_SECRET_KEY=sk_live_your_key_here\nJWT_SECRET=change-me\n`) };
    }
    return;
  }
  if (c.kind.endsWith('Service')) {
    yield { path: `services/${c.name}/README.md`, text: codeFile(r, pools, 'md', r.int(1, 4) * KB) };
    yield { path: `services/${c.name}/Dockerfile`, text: codeFile(r, pools, 'dockerfile', 1) };
    if (c.kind === 'goService') yield { path: `services/${c.name}/go.mod`, text: `module github.com/acme/${c.name}\n\ngo 1.22\n` };
    if (c.kind === 'pyService') yield { path: `services/${c.name}/requirements.txt`, text: `requests==2.32.3\npydantic==2.8.2\nopenai==1.40.0\nboto3==1.34.${v.n}\n` };
    if (c.kind === 'rbService') yield { path: `services/${c.name}/Gemfile`, text: `source "https://rubygems.org"\n\ngem "rails", "~> 7.1"\ngem "pg"\ngem "stripe"\ngem "sidekiq"\n` };
  }
}

function firstOf(components, kind) {
  return components.find((c) => c.kind === kind);
}

/** The planted keys, each where such a key tends to leak; `planted` records their providers (an AWS pair counts twice). */
function* plantedFiles(r, pools, components, planted) {
  const app = firstOf(components, 'tsApp').name;
  const py = firstOf(components, 'pyService').name;
  const pyPkg = py.replace(/-/g, '_');
  const rb = firstOf(components, 'rbService').name;
  const infra = firstOf(components, 'infra').name;
  const deploy = firstOf(components, 'deploy').name;
  const scripts = firstOf(components, 'scripts').name;
  const plant = (provider, path, text, keys = 1) => {
    for (let i = 0; i < keys; i++) planted.push({ provider, path });
    return { path, text };
  };
  yield plant('openai', `services/${py}/${pyPkg}/settings_local.py`, withLine(r, pools, 'py', `OPENAI_API_KEY = "${openaiProjectKey(r)}"  # TODO: move to vault`));
  yield plant('openai', `services/${py}/scripts/evaluate_prompts.py`, withLine(r, pools, 'py', `openai.api_key = "${openaiLegacyKey(r)}"`));
  yield plant('openai', `apps/${app}/.env`, envFile(r, `OPENAI_API_KEY=${openaiServiceKey(r)}\n`));
  yield plant('google', `apps/${app}/src/lib/firebase.ts`, withLine(r, pools, 'ts', `const firebaseConfig = {\n  apiKey: "${googleApiKey(r)}",\n  authDomain: "acme-prod.firebaseapp.com",\n  projectId: "acme-prod",\n};`));
  yield plant('github', `scripts/${scripts}/publish-release.sh`, withLine(r, pools, 'sh', `export GITHUB_TOKEN="${githubToken(r)}"\ngh release create "v\${VERSION}" --notes-file CHANGELOG.md`));
  yield plant('aws', `infra/${infra}/envs/staging/provider.tf`, withLine(r, pools, 'tf', `provider "aws" {\n  region     = "eu-west-1"\n  access_key = "${awsAccessKeyId(r)}"\n  secret_key = "${awsSecretKey(r)}"\n}`), 2);
  yield plant('stripe', `services/${rb}/config/initializers/stripe.rb`, withLine(r, pools, 'rb', `Stripe.api_key = "${stripeLiveKey(r)}"`));
  yield plant('slack', `deploy/${deploy}/prod/alerts-configmap.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  SLACK_CHANNEL: "#oncall"\n  SLACK_BOT_TOKEN: "${slackBotToken(r)}"\n`);
}

function* lockFiles(r, components, bytes) {
  yield { path: 'package-lock.json', text: packageLock(r, bytes * 0.5) };
  yield { path: `apps/${firstOf(components, 'tsApp').name}/yarn.lock`, text: yarnLock(r, bytes * 0.25) };
  const goServices = components.filter((c) => c.kind === 'goService');
  for (const c of goServices) yield { path: `services/${c.name}/go.sum`, text: goSum(r, (bytes * 0.25) / goServices.length) };
}

function* bundles(r, jsPool, components, bytes, planted) {
  const apps = components.filter((c) => c.kind === 'tsApp');
  let left = bytes;
  for (let i = 0; left > 0; i++) {
    const size = Math.min(left, r.int(1 * MB, 5 * MB));
    const app = apps[i % apps.length].name;
    const name = `${i % 2 === 0 ? 'main' : 'vendor'}.${r.chars(HEX, 8)}.min.js`;
    let inject = '';
    if (i === 0) {
      inject = `var ${names(r).noun}Cfg={apiKey:"${openaiProjectKey(r)}",model:"gpt-4o",maxTokens:1024};`;
      planted.push({ provider: 'openai', path: `apps/${app}/public/static/js/${name}` });
    }
    yield { path: `apps/${app}/public/static/js/${name}`, text: bundle(r, jsPool, size, inject) };
    left -= size;
  }
}

/** Build output under dist/: .gitignore excludes it, so a scanner must not read it. */
function* ignoredFiles(r, pools, components, bytes) {
  const roots = components.filter((c) => c.kind === 'tsApp' || c.kind === 'tsPackage').map((c) => (c.kind === 'tsApp' ? `apps/${c.name}` : `packages/${c.name}`));
  let left = bytes;
  for (let i = 0; left > 0; i++) {
    const text = codeFile(r, pools, 'js', sourceSize(r));
    yield { path: `${roots[i % roots.length]}/dist/${names(r).noun}-${i}.js`, text, ignored: true };
    left -= text.length;
  }
}

/**
 * Yields { path, text, ignored? } until about `budgetBytes` are produced. Everything is drawn
 * from `r` in order, so one seed always gives the same tree.
 */
export function realisticTree(r, budgetBytes) {
  const planted = [];
  const pools = createSnippetPools(r);
  const jsPool = [...pools.ts, ...pools.tsx, ...pools.js].map(minify);
  // Hundreds of directories at 100 MB: about one per 250 KB, never fewer than the fixed components.
  const { components, dirs } = buildLayout(r, Math.max(30, Math.round(budgetBytes / (250 * KB))));

  function* entries() {
    let used = 0;
    const taken = new Set();
    const emit = function* (gen) {
      for (const entry of gen) {
        used += entry.text.length;
        taken.add(entry.path);
        yield entry;
      }
    };
    yield* emit([
      { path: '.gitignore', text: GITIGNORE },
      { path: 'README.md', text: `# acme monorepo\n\n${paragraph(r, 8)}\n` },
      { path: 'package.json', text: `{\n  "name": "acme-monorepo",\n  "private": true,\n  "workspaces": ["apps/*", "packages/*"]\n}\n` },
    ]);
    for (const c of components) yield* emit(componentMeta(r, pools, c));
    yield* emit(plantedFiles(r, pools, components, planted));
    yield* emit(lockFiles(r, components, budgetBytes * LOCK_SHARE));
    yield* emit(bundles(r, jsPool, components, Math.max(64 * KB, budgetBytes * BUNDLE_SHARE), planted));
    yield* emit(ignoredFiles(r, pools, components, budgetBytes * IGNORED_SHARE));
    while (used < budgetBytes) {
      const { dir, langs } = r.pick(dirs);
      const lang = r.weighted(langs);
      let path = `${dir}/${fileName(r, lang)}`;
      if (taken.has(path)) path = path.replace(/(\.\w+)$/, `-${taken.size}$1`);
      yield* emit([{ path, text: codeFile(r, pools, lang, sourceSize(r)) }]);
    }
  }
  return { entries: entries(), planted };
}
