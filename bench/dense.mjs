// The "dense" tree: config files (.env, YAML, JSON, INI, properties) with a key or a key-like
// decoy every 2-4 KB. It is the worst case for the stages after the prefilter: regexes, entropy
// and placeholder checks run all the time.
import { DECOYS, KEY_KINDS } from './keys.mjs';
import { DOMAINS, ENVS, names } from './vocab.mjs';

const KB = 1024;
/** Share of items that are real-shaped keys; the rest are decoys. */
const REAL_SHARE = 0.4;

const SECTIONS = ['server', 'database', 'cache', 'queue', 'auth', 'logging', 'metrics', 'features', 'smtp', 'storage', 'payments', 'search', 'session', 'webhooks'];
/** [setting, value maker]: plain settings, some with the words a keyword prefilter reacts to. */
const SETTINGS = [
  ['host', (r) => `${names(r).noun.toLowerCase()}.${r.pick(ENVS)}.internal`], ['port', (r) => String(r.pick([80, 443, 5432, 6379, 8080, 9092]))],
  ['timeout_ms', (r) => String(r.int(1, 60) * 500)], ['max_connections', (r) => String(r.int(4, 200))], ['enabled', (r) => String(r.chance(0.5))],
  ['level', (r) => r.pick(['debug', 'info', 'warn', 'error'])], ['url', (r) => `https://${r.pick(DOMAINS)}/${names(r).nouns}`],
  ['user', (r) => names(r).noun_], ['pool_size', (r) => String(r.int(1, 64))], ['retries', (r) => String(r.int(0, 9))],
  ['region', (r) => r.pick(['eu-west-1', 'us-east-1', 'ap-southeast-2'])], ['bucket', (r) => `acme-${r.pick(ENVS)}-${names(r).noun.toLowerCase()}`],
  ['ttl_seconds', (r) => String(r.int(1, 48) * 300)], ['token_ttl_seconds', (r) => String(r.int(1, 24) * 3600)],
  ['password_min_length', (r) => String(r.int(8, 16))], ['secret_rotation_days', (r) => String(r.int(30, 180))],
  ['key_id', (r) => `kid-${r.int(1, 99)}`], ['issuer', (r) => `https://auth.${r.pick(DOMAINS)}`], ['audience', (r) => names(r).nouns],
  ['batch_size', (r) => String(r.int(10, 1000))], ['path', (r) => `/var/lib/${names(r).noun.toLowerCase()}`], ['format', (r) => r.pick(['json', 'text', 'logfmt'])],
  ['api_key_header', () => 'X-Api-Key'], ['auth_token_env', (r) => `${names(r).NOUN}_TOKEN`],
];

const FORMATS = [['env', 25], ['yaml', 25], ['json', 20], ['ini', 10], ['properties', 20]];

function camel(snakeName) {
  return snakeName.toLowerCase().replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

/** One setting as a line of `format`; `name` is UPPER_SNAKE, as in an environment. */
function line(format, section, name, value, isKey = false) {
  const lower = name.toLowerCase();
  switch (format) {
    // keys keep the variable name a project uses (OPENAI_API_KEY), settings get their section's
    case 'env': return isKey ? `${name}=${value}\n` : `${section.toUpperCase()}_${name}=${value}\n`;
    case 'properties': return `${section}.${lower.replace(/_/g, '.')}=${value}\n`;
    case 'ini': return `${lower} = ${value}\n`;
    case 'yaml': return `  ${lower}: "${value}"\n`;
    case 'json': return `    ${JSON.stringify(camel(name))}: ${JSON.stringify(value)},\n`;
  }
}

function sectionStart(format, section) {
  switch (format) {
    case 'env': return `\n# ${section}\n`;
    case 'properties': return `\n# ${section}\n`;
    case 'ini': return `\n[${section}]\n`;
    case 'yaml': return `${section}:\n`;
    case 'json': return `  ${JSON.stringify(section)}: {\n`;
  }
}

function sectionEnd(format) {
  return format === 'json' ? '    "_": null\n  },\n' : '';
}

/** The key or decoy of one block; `counts` tallies the real ones by provider. */
function item(r, counts) {
  if (r.chance(REAL_SHARE)) {
    const kind = r.pick(KEY_KINDS);
    counts.set(kind.provider, (counts.get(kind.provider) ?? 0) + 1);
    return { name: kind.env, value: kind.make(r) };
  }
  const decoy = r.pick(DECOYS);
  return { name: decoy.env, value: decoy.make(r) };
}

/** A section of 2-4 KB of settings with one key or decoy among them. */
function block(r, lines, format, index, counts) {
  const base = r.pick(SECTIONS);
  const section = `${base}_${index}`;
  const pool = lines[format][base];
  const target = r.int(2 * KB, 4 * KB);
  const secretAt = r.int(0, target);
  let out = sectionStart(format, section);
  let placed = false;
  while (out.length < target) {
    if (!placed && out.length >= secretAt) {
      const { name, value } = item(r, counts);
      out += line(format, base, name, value, true);
      placed = true;
    }
    out += r.pick(pool);
  }
  if (!placed) {
    const { name, value } = item(r, counts);
    out += line(format, base, name, value, true);
  }
  return out + sectionEnd(format);
}

const LINES_PER_SECTION = 120;

/** Setting lines rendered once per format and section: blocks are then cheap to assemble. */
function renderSettingLines(r) {
  const lines = {};
  for (const [format] of FORMATS) {
    lines[format] = {};
    for (const base of SECTIONS) {
      lines[format][base] = Array.from({ length: LINES_PER_SECTION }, () => {
        const [setting, make] = r.pick(SETTINGS);
        // most settings are about something (BILLING_TIMEOUT_MS), so names rarely repeat in a section
        const name = r.chance(0.7) ? `${names(r).noun_}_${setting}` : setting;
        return line(format, base, name.toUpperCase(), make(r));
      });
    }
  }
  return lines;
}

function configFile(r, lines, format, bytes, counts) {
  let out = format === 'json' ? '{\n' : `# generated for ${r.pick(ENVS)}; do not edit by hand\n`;
  for (let i = 0; out.length < bytes; i++) out += block(r, lines, format, i, counts);
  return format === 'json' ? `${out}  "version": 1\n}\n` : out;
}

function configName(r, format, service) {
  const env = r.pick(ENVS);
  switch (format) {
    case 'env': return r.pick(['.env', `.env.${env}`, `${service}.env`]);
    case 'yaml': return r.pick([`${service}.yaml`, `values-${env}.yaml`, 'config.yml']);
    case 'json': return r.pick([`appsettings.${env}.json`, `${service}.json`]);
    case 'ini': return r.pick([`${service}.ini`, 'settings.cfg']);
    case 'properties': return `application-${env}.properties`;
  }
}

/** Yields { path, text } until about `budgetBytes`; `planted` counts real-shaped keys by provider. */
export function denseTree(r, budgetBytes) {
  const counts = new Map();
  const lines = renderSettingLines(r);
  function* entries() {
    const taken = new Set();
    let used = 0;
    // About 25 files a directory: envs/<env>/<service>/, a few hundred directories at 100 MB.
    const dirCount = Math.max(10, Math.round(budgetBytes / (250 * KB)));
    const dirs = Array.from({ length: dirCount }, (_, i) => {
      const service = `${names(r).noun.toLowerCase()}-${names(r).verb}`;
      return { dir: `envs/${r.pick(ENVS)}/${service}-${i}`, service };
    });
    while (used < budgetBytes) {
      const { dir, service } = r.pick(dirs);
      const format = r.weighted(FORMATS);
      let path = `${dir}/${configName(r, format, service)}`;
      if (taken.has(path)) path = `${dir}/${taken.size}-${configName(r, format, service)}`;
      taken.add(path);
      const text = configFile(r, lines, format, r.logUniform(2 * KB, 40 * KB), counts);
      used += text.length;
      yield { path, text };
    }
  }
  return { entries: entries(), planted: counts };
}
