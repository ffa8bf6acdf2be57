// Where each rule's keys go: its own example texts (the context the rule documents), embedded in a file
// of the language they are written in, and, for prefixed tokens, a few everyday contexts elsewhere.
import { bundleConfigPlant } from './bundle.mjs';
import { mutateSecret } from './mutate.mjs';
import { runsOnPath } from './rules.mjs';

/** The language a snippet is written in, judged from its text. */
export function languageOf(text) {
  const t = text.trim();
  const lines = t.split('\n');
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(t)) return 'pem';
  if (/^PuTTY-User-Key-File/.test(t)) return 'ppk';
  if (/^#define\s/.test(t)) return 'c';
  if (/^\s*curl\s/m.test(t)) return 'curl';
  if (/^-[A-Za-z]\s|^--\w/.test(t)) return 'curlArgs';
  if (/^(GET|POST|PUT|PATCH|DELETE) \S+ HTTP\/\d/.test(t)) return 'http';
  if (/^(aws|git|lftp|docker|npm|kubectl|heroku|gh|psql|mysql|redis-cli|mongosh)\s/.test(t) && lines.length === 1) return 'shell';
  if (/^machine\s/m.test(t)) return 'netrc';
  if (/^(\/\/[\w.-]|@[\w-]+:registry=|registry=|always-auth=|_auth\s*=)/m.test(t)) return 'npmrc';
  if (/^\[(distutils|pypi|testpypi)\]/m.test(t)) return 'pypirc';
  if (/^\[[\w .-]+\]\s*$/m.test(lines[0]) && lines.slice(1).every((l) => /^(\s*|\s*[#;].*|[\w.-]+\s*=.*|\s+\S.*)$/.test(l))) return /aws_/.test(t) ? 'awsini' : 'ini';
  if (lines.every((l) => /^(#.*|\s*|[A-Z][A-Z0-9_]*=.*)$/.test(l))) return 'env';
  if (lines.every((l) => /^(#.*|\s*|[a-z][\w-]*(\.[\w-]+)+\s*=.*)$/.test(l))) return 'properties';
  if (/^export\s+[A-Za-z_]\w*=/.test(t) && lines.length === 1) return 'export';
  if (/^(Authorization|X-[\w-]+|Api-Key|Ocp-Apim-Subscription-Key|[\w-]+-Token):\s/i.test(t) && lines.length === 1 && /^[A-Z]/.test(t)) return 'http';
  if (/^\s*</.test(t)) return 'xml';
  if (jsonEntries(t) !== undefined) return 'json';
  if (/^- (uses|name|run):/.test(t)) return 'ghaStep';
  if (/^apiVersion:/m.test(t) && /^kind:/m.test(t)) return 'k8s';
  if (lines.every((l) => /^\s*(#.*|- .*|[\w.-]+:(\s.*)?|\s+\S.*)?$/.test(l)) && !/[;(){}]/.test(t) && /^[\w.-]+:/.test(t)) return 'yaml';
  if (/^[A-Za-z_]\w*\s*:\s*\{/.test(t) && lines.length === 1) return 'jsProperty';
  if (/:=|^\s*func\s|^package\s/m.test(t)) return 'go';
  if (/^\s*(public|private|protected)\s|\bString\s+\w+\s*=|System\.getenv/m.test(t) && t.includes(';')) return 'java';
  if (/<\?php|^\s*\$\w+\s*=|\$\w+->/m.test(t)) return 'php';
  if (/^\s*require\s+['"]|\.new\(\s*\w+:\s|\bdo\s*\|/m.test(t)) return 'ruby';
  if (/^\s*(const|let|var|import|export)\s|=>|\bnew \w+\(\{|;\s*$/m.test(t)) return 'js';
  if (/^\s*(resource|provider|variable|locals|module|data|output)\s+"/m.test(t)) return 'tf';
  if (/^(FROM|ENV|ARG|RUN|COPY)\s/m.test(t)) return 'dockerfile';
  if (/^\s*(import|from)\s+\w|^\s*\w[\w.[\]"']*\s*=\s*\S|\w\(.*\b\w+=/m.test(t)) return 'python';
  return 'text';
}

function jsonEntries(text) {
  for (const candidate of [text, `{${text}}`, `{${text.replace(/,\s*$/, '')}}`]) {
    try {
      const v = JSON.parse(candidate);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v);
    } catch {
      // not JSON in this form
    }
  }
  return undefined;
}

/** Removes the indentation every line shares, so a fragment cut from a nested file sits at top level. */
function dedent(text) {
  const lines = text.split('\n');
  const pad = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)[0].length));
  return pad === 0 ? text : lines.map((l) => l.slice(pad)).join('\n');
}

/** Files that are their own format (.npmrc, .netrc, ini, XML…): a few paths each, chosen per snippet. */
const RAW_PATHS = {
  npmrc: ['.npmrc', 'frontend/.npmrc', 'services/api/.npmrc', 'tools/docs-site/.npmrc'],
  pypirc: ['.pypirc', 'ml/.pypirc'],
  netrc: ['.netrc', 'deploy/.netrc'],
  ini: ['config/app.ini', 'config/settings.toml', 'ml/config.ini', 'services/worker/config.toml', 'tools/admin/zuliprc'],
  awsini: ['.aws/credentials', 'deploy/aws/credentials', 'ml/.aws/credentials'],
  properties: ['services/billing/src/main/resources/application.properties', 'services/billing/src/main/resources/application-prod.properties', 'services/billing/gradle.properties'],
  xml: ['services/billing/settings.xml', 'tools/legacy-portal/web.config', 'config/app.config', 'services/billing/src/main/resources/beans.xml'],
  c: ['firmware/include/secrets.h', 'firmware/src/config.h'],
};
const OWN_FILE = { pem: (id, i) => `deploy/keys/${id}-${i}.pem`, ppk: (id, i) => `deploy/keys/${id}-${i}.ppk` };

/** File kinds a snippet of this language fits in, as weighted choices. */
const KINDS_FOR = {
  curl: ['sh', 'md'], curlArgs: ['sh', 'md'], shell: ['sh', 'md'], env: ['env'], export: ['sh'], http: ['md'],
  json: ['json'], yaml: ['yaml'], ghaStep: ['gha'], k8s: ['k8s'], jsProperty: ['ts', 'tsx'], go: ['go'], java: ['java'], php: ['php'],
  ruby: ['rb'], js: ['ts', 'ts', 'tsx', 'js'], tf: ['tf'], dockerfile: ['dockerfile'], python: ['py', 'py', 'py', 'ipynb'],
  text: ['md'], xml: ['raw', 'md'],
};
const NEGATIVE_KINDS_FOR = { ...KINDS_FOR, env: ['envExample', 'md'], curl: ['md', 'sh'], python: ['py', 'md'], js: ['ts', 'md'], ghaStep: ['md'], xml: ['md'] };
const FENCE = { curl: 'sh', curlArgs: 'sh', shell: 'sh', export: 'sh', env: 'bash', http: 'http', json: 'json', yaml: 'yaml', ghaStep: 'yaml', k8s: 'yaml', jsProperty: 'js', go: 'go', java: 'java', php: 'php', ruby: 'ruby', js: 'js', tf: 'hcl', dockerfile: 'dockerfile', python: 'python', xml: 'xml', text: '' };

const indent = (text, pad) => text.split('\n').map((l) => (l ? pad + l : l)).join('\n');

/** A snippet as a block of a file of `kind`: wrapped where the language needs it at top level. */
function blockFor(kind, lang, text, provider) {
  if (lang === 'curlArgs') text = `curl -fsS https://api.example.com/v1/me \\\n  ${text}`;
  if (lang === 'jsProperty' && kind !== 'md') text = `const requestInit = {\n  ${text},\n};`;
  if (lang === 'ghaStep' && kind === 'gha') text = indent(text, '      ');
  switch (kind) {
    case 'java':
      if (/^\s/.test(text)) return { text };
      return { text: /^(@|public|private|protected|static|final|String\b)/.test(text) ? indent(text, '    ') : `    void configure() {\n${indent(text, '        ')}\n    }` };
    case 'go':
      return { text: /^(var|const|func|type)\b/.test(text) ? text : `func init() {\n${indent(text, '\t')}\n}` };
    case 'tf':
      return { text: /^\s*(resource|provider|variable|locals|module|data|output|terraform)\b/.test(text) ? text : `provider "${provider}" {\n${indent(text, '  ')}\n}` };
    case 'md':
      return { text: lang === 'text' ? text : `\`\`\`${FENCE[lang] ?? ''}\n${text}\n\`\`\`` };
    case 'ipynb':
      return { cell: { code: text } };
    case 'json':
      return { entries: jsonEntries(text.trim()) };
    default:
      return { text };
  }
}

/** Paths some path-restricted rules run on; the first the rule accepts hosts its example. */
const SPECIAL_PATHS = [
  '.npmrc', 'frontend/.npmrc', '.yarnrc.yml', '.pypirc', '.aws/credentials', '.aws/config', '.docker/config.json',
  '.git-credentials', '.netrc', 'infra/terraform.tfvars', 'infra/main.tf', '.m2/settings.xml', 'gradle.properties',
  '.kube/config', 'deploy/kubeconfig.yaml', 'config/credentials.json', 'config/service-account.json',
  '.circleci/config.yml', '.gitlab-ci.yml', 'bitbucket-pipelines.yml', '.travis.yml', 'Jenkinsfile',
  'services/billing/src/main/resources/application.properties', 'services/billing/src/main/resources/application.yml',
  'config/database.yml', 'tools/legacy-portal/wp-config.php', 'appsettings.json', 'local.settings.json',
  '.cargo/credentials.toml', '.gem/credentials', 'composer.json', 'config.toml', 'deploy/keys/id_rsa',
  'deploy/keys/id_ed25519', 'certs/server.key', 'certs/server.pem', 'deploy/keys/deploy.pem', '.ssh/id_rsa',
];

export function envNameOf(rule) {
  for (const ex of rule.examples) {
    const before = ex.text.slice(0, ex.text.indexOf(ex.secret));
    const m = /([A-Z][A-Z0-9_]{2,})["']?\s*[=:]\s*["']?$/.exec(before) ?? /\[["']([A-Z][A-Z0-9_]{2,})["']\]\s*=\s*["']$/.exec(before);
    if (m) return m[1];
  }
  return `${rule.provider.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}

function classOf(rule) {
  for (const ex of rule.examples) {
    const m = /new\s+([A-Z]\w*)\s*\(/.exec(ex.text) ?? /\b([A-Z]\w*)\(\s*(?:api_key|apiKey|token|auth)\s*[=:]/.exec(ex.text);
    if (m) return m[1];
  }
  return rule.provider.split(/[-_]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** The rule keyword a secret starts with: such tokens must be found in any context. */
export function prefixOf(rule, secret) {
  const lower = secret.toLowerCase();
  return rule.keywords.filter((k) => lower.startsWith(k.toLowerCase())).sort((a, b) => b.length - a.length)[0];
}

const ident = (provider) => provider.replace(/[^A-Za-z0-9]/g, '');

/** Everyday places a prefixed key ends up, by file kind. */
const NATURAL = {
  ts: (c) => ({ text: `const ${c.id}Client = new ${c.cls}({ apiKey: "${c.key}" });` }),
  tsx: (c) => ({ text: `const ${c.id} = new ${c.cls}({\n  apiKey: '${c.key}',\n  dangerouslyAllowBrowser: true,\n});` }), // keyscan:allow (a context the eval plants keys in)
  py: (c) => ({ text: `client = ${c.cls}(api_key="${c.key}")` }),
  ipynb: (c) => ({ cell: { code: `import os\n\nos.environ["${c.env}"] = "${c.key}"` } }),
  env: (c) => ({ text: `${c.env}=${c.key}` }),
  yaml: (c) => ({ text: `${c.id}:\n  api_key: ${c.key}\n  timeout_seconds: 30` }),
  json: (c) => ({ entries: [[c.id, { apiKey: c.key, timeoutMs: 30000 }]] }),
  md: (c) => ({ text: `Quick check that the key works:\n\n\`\`\`sh\ncurl https://api.${c.id}.com/v1/models \\\n  -H "Authorization: Bearer ${c.key}"\n\`\`\`` }),
  bundle: (c, rng) => ({ text: bundleConfigPlant(rng, c.key, c.id) }),
  go: (c) => ({ text: `var ${c.id}APIKey = "${c.key}"` }),
  java: (c) => ({ text: `    private static final String ${c.env} = "${c.key}";` }),
  sh: (c) => ({ text: `export ${c.env}="${c.key}"` }),
  tf: (c) => ({ text: `variable "${c.id}_api_key" {\n  type      = string\n  default   = "${c.key}"\n  sensitive = true\n}` }),
  dockerfile: (c) => ({ text: `ENV ${c.env}=${c.key}` }),
  compose: (c) => ({ text: `  ${c.id}-worker:\n    image: ghcr.io/acme/${c.id}-worker:latest\n    environment:\n      ${c.env}: ${c.key}` }),
  k8s: (c) => ({ text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${c.id}-credentials\ntype: Opaque\nstringData:\n  api-key: "${c.key}"` }),
  gha: (c) => ({ text: `      - name: Smoke test\n        run: npm run smoke\n        env:\n          ${c.env}: ${c.key}` }),
  firebase: (c) => ({ text: `const firebaseConfig = {\n  apiKey: "${c.key}",\n  authDomain: "acme-prod.firebaseapp.com",\n  projectId: "acme-prod",\n  storageBucket: "acme-prod.appspot.com",\n  messagingSenderId: "${c.sender}",\n  appId: "1:${c.sender}:web:${c.appId}",\n};\n\nexport const app = initializeApp(firebaseConfig);` }),
};
const NATURAL_FILE_KIND = { firebase: 'tsx' };
const NATURAL_WEIGHTS = [['ts', 3], ['py', 3], ['env', 3], ['yaml', 2], ['json', 2], ['md', 3], ['bundle', 2], ['tsx', 1], ['ipynb', 1], ['go', 1], ['java', 1], ['sh', 1], ['tf', 1], ['dockerfile', 1], ['compose', 1], ['k8s', 1], ['gha', 1]];

function pickNaturalKinds(rng, n) {
  const chosen = [];
  while (chosen.length < n) {
    const pool = NATURAL_WEIGHTS.filter(([k]) => !chosen.includes(k));
    const total = pool.reduce((s, [, w]) => s + w, 0);
    let roll = rng.next() * total;
    for (const [k, w] of pool) if ((roll -= w) < 0) { chosen.push(k); break; }
  }
  return chosen;
}

/**
 * Plants every rule's keys. Returns the plants ({ file, block, ruleId, provider, secret, context }),
 * the mutation statistics, the keys used and the problems met (rules with no usable example, no path they run on).
 * `findingsIn(text)` is keyscan's own verdict on an example text: other keys the example carries
 * (an access key id next to its secret) are renewed and planted too, for the rule that reports them.
 */
export function plantKeys(project, rules, rng, findingsIn) {
  const used = new Set();
  const plants = [];
  const problems = [];
  const mutation = { fellBack: [], rejected: {} };
  const rulesById = new Map(rules.map((r) => [r.id, r]));

  const freshKey = (rule, example) => {
    const { secret, fellBack, rejected } = mutateSecret(example, rule, rng, used);
    for (const [why, n] of Object.entries(rejected)) mutation.rejected[why] = (mutation.rejected[why] ?? 0) + n;
    if (fellBack) {
      if (used.has(secret)) return undefined;
      mutation.fellBack.push(rule.id);
    }
    used.add(secret);
    return secret;
  };

  const rawFile = (path) => project.files.get(path) ?? project.create('raw', path);

  /** The file an example of this language goes to, or undefined if the rule runs on none. */
  const fileForExample = (rule, lang, i, accepts) => {
    if (OWN_FILE[lang]) {
      const path = [OWN_FILE[lang](rule.id, i), ...SPECIAL_PATHS.filter((p) => /key|pem|id_/.test(p))].find(accepts);
      return path && rawFile(path);
    }
    if (RAW_PATHS[lang] && rng.chance(0.8)) {
      const path = rng.shuffle(RAW_PATHS[lang]).find(accepts);
      if (path) return rawFile(path);
    }
    const file = project.fileFor(rng.pick(KINDS_FOR[lang] ?? ['md']).replace('raw', 'md'), accepts, rng);
    if (file !== undefined || rule.pathRegex === undefined) return file;
    const path = SPECIAL_PATHS.find(accepts);
    return path && rawFile(path);
  };

  for (const rule of rules) {
    const accepts = (path) => runsOnPath(rule, path);
    if (rule.examples.length === 0) problems.push(`${rule.id}: no examples, so no key to plant`);
    rule.examples.forEach((example, n) => {
      const i = n + 1;
      if (!example.text.includes(example.secret)) return problems.push(`${rule.id}: example ${i} does not contain its secret`);
      // a secret written with escapes (https:\/\/… in JSON) changes when a file format escapes it again
      if (example.secret.includes('\\')) return undefined;
      const key = freshKey(rule, example);
      if (key === undefined) return problems.push(`${rule.id}: example ${i}: no fresh key of this shape`);
      let text = example.text.split(example.secret).join(key);
      if (dedent(text).includes(key)) text = dedent(text);
      const companions = [];
      for (const f of findingsIn(example.text)) {
        const other = rulesById.get(f.ruleId);
        if (f.secret.includes(example.secret) || example.secret.includes(f.secret) || !text.includes(f.secret)) continue;
        const companion = freshKey(other, { text, secret: f.secret });
        if (companion === undefined) continue;
        text = text.split(f.secret).join(companion);
        companions.push({ rule: other, secret: companion });
      }
      const lang = languageOf(text);
      let file = fileForExample(rule, lang, i, accepts);
      if (file === undefined || !accepts(file.path)) return problems.push(`${rule.id}: example ${i}: no file path the rule runs on`);
      let block = file.kind === 'raw' ? { text } : blockFor(file.kind, lang, text, rule.provider);
      const secrets = [key, ...companions.map((c) => c.secret)];
      if (block.text !== undefined && !secrets.every((x) => block.text.includes(x))) {
        // wrapping re-indented a multi-line key: show the snippet as it is, in the docs
        file = project.fileFor('md', accepts, rng);
        block = blockFor('md', lang, text, rule.provider);
      }
      if (block.entries === undefined && file.kind === 'json') return problems.push(`${rule.id}: example ${i}: JSON that does not parse`);
      block.plant = true;
      block.section = ident(rule.provider);
      project.addSpecial(file, block);
      plants.push({ file: file.path, block, ruleId: rule.id, provider: rule.provider, secret: key, context: `example ${i} in ${file.kind === 'raw' ? lang : file.kind}` });
      for (const c of companions.filter((c) => runsOnPath(c.rule, file.path))) plants.push({ file: file.path, block, ruleId: c.rule.id, provider: c.rule.provider, secret: c.secret, context: `beside ${rule.id} example ${i}` });
    });

    const first = rule.examples.find((e) => e.text.includes(e.secret));
    if (first === undefined || rule.pathRegex !== undefined || /[\s"'`\\]/.test(first.secret) || prefixOf(rule, first.secret) === undefined) continue;
    const kinds = pickNaturalKinds(rng, rng.int(2, 3));
    if (first.secret.startsWith('AIza')) kinds.push('firebase');
    const usable = rule.examples.filter((e) => e.text.includes(e.secret) && !/[\s"'`\\]/.test(e.secret));
    kinds.forEach((naturalKind, i) => {
      const key = freshKey(rule, usable[i % usable.length]);
      if (key === undefined) return;
      const file = project.fileFor(NATURAL_FILE_KIND[naturalKind] ?? naturalKind, accepts, rng);
      if (file === undefined) return problems.push(`${rule.id}: no ${naturalKind} file the rule runs on`);
      const c = { key, env: envNameOf(rule), cls: classOf(rule), id: ident(rule.provider), sender: rng.chars('0123456789', 12), appId: rng.hex(22) };
      const block = { ...NATURAL[naturalKind](c, rng), plant: true };
      project.addSpecial(file, block);
      plants.push({ file: file.path, block, ruleId: rule.id, provider: rule.provider, secret: key, context: `natural ${naturalKind}` });
    });
  }
  return { plants, problems, mutation, used };
}

/** Places each rule negative as it is, in a docs or code file of its language. */
export function negativeDecoys(rules, rng) {
  const out = [];
  for (const rule of rules) {
    for (const negative of rule.negatives) {
      const lang = languageOf(negative);
      const kind = rng.pick(NEGATIVE_KINDS_FOR[lang] ?? ['md']);
      out.push({ category: `rule negative (${rule.id})`, kind, lang, text: negative, values: [negative] });
    }
  }
  return out;
}

export function placeDecoy(project, decoy, rng) {
  const file = typeof decoy.kind === 'object' ? project.files.get(decoy.kind.path) ?? project.create('raw', decoy.kind.path) : project.fileFor(decoy.kind, () => true, rng);
  if (file === undefined) return undefined;
  let block;
  if (decoy.text !== undefined) {
    block = blockFor(file.kind, decoy.lang, decoy.text, 'example');
    if (file.kind === 'json' && block.entries === undefined) block = { entries: [['notes', decoy.text]] };
  } else if (typeof decoy.block === 'string') {
    block = file.kind === 'ipynb' ? { cell: { code: decoy.block } } : { text: decoy.block };
  } else {
    block = { ...decoy.block };
  }
  block.decoy = decoy.category;
  project.addSpecial(file, block);
  return { file: file.path, category: decoy.category, values: decoy.values };
}
