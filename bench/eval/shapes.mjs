// Newer shapes a prefixed key leaks in, planted one per rule in turn: encoded (base64 in a Kubernetes Secret's
// data:, percent-encoded in a URL), a literal fallback after an environment lookup, a URL query parameter and
// a client constructor's positional argument. A plant's `locator` is the text written in the file when that
// is not the key itself (an encoded key), so the ground truth can give its line.
import { mutateSecret } from './mutate.mjs';
import { envNameOf, prefixOf } from './plants.mjs';

const b64 = (text) => Buffer.from(text).toString('base64');
/** Every character a URL might keep as it is but a proxy encodes anyway, so the key is not there in clear. */
const percentAll = (text) => encodeURIComponent(text).replace(/[-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const ident = (provider) => provider.replace(/[^A-Za-z0-9]/g, '');
const pascal = (provider) => provider.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

/** Each shape: the file kind it goes in, and the block (with the encoded text when the key is not written as it is). */
export const SHAPES = {
  'k8s-base64': {
    kind: 'k8s',
    block: (c) => {
      const value = c.rng.chance(0.5) ? b64(c.key) : b64(`${c.env}=${c.key}\nLOG_LEVEL=info\n`);
      return { text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${c.id}-credentials\ntype: Opaque\ndata:\n  ${c.id}-env: ${value}`, locator: value };
    },
  },
  'url-percent': {
    kind: 'sh',
    block: (c) => {
      const value = percentAll(c.key);
      return { text: `curl -fsS "https://gateway.internal.example.com/proxy?upstream=https%3A%2F%2Fapi.${c.id}.com%2Fv1&key=${value}"`, locator: value };
    },
  },
  'env-fallback': { kind: 'ts', block: (c) => ({ text: `const ${c.id}Key = process.env.${c.env} ?? "${c.key}";` }) },
  'url-query': { kind: 'ts', block: (c) => ({ text: `const res = await fetch(\`https://api.${c.id}.com/v1/search?q=\${encodeURIComponent(q)}&api_key=${c.key}\`);` }) }, // keyscan:allow (a shape the eval plants keys in)
  positional: { kind: 'py', block: (c) => ({ text: `client = ${c.cls}("${c.key}")` }) },
};

/**
 * Plants one key of each prefixed rule in one of the shapes, the shapes taken in turn, so each gets a share
 * of the providers. `used` is the set of keys already planted (no key is planted twice).
 */
export function plantShapes(project, rules, rng, used) {
  const names = Object.keys(SHAPES);
  const plants = [];
  const problems = [];
  let turn = 0;
  for (const rule of rules) {
    const example = rule.examples.find((e) => e.text.includes(e.secret) && !/[\s"'`\\]/.test(e.secret));
    if (example === undefined || rule.pathRegex !== undefined || prefixOf(rule, example.secret) === undefined) continue;
    const shape = names[turn++ % names.length];
    const { secret: key, fellBack } = mutateSecret(example, rule, rng, used);
    if (fellBack || used.has(key)) continue;
    used.add(key);
    const { kind, block } = SHAPES[shape];
    const file = project.fileFor(kind, () => true, rng);
    if (file === undefined) {
      problems.push(`${rule.id}: no ${kind} file for the ${shape} shape`);
      continue;
    }
    const made = block({ key, env: envNameOf(rule), id: ident(rule.provider), cls: `${pascal(rule.provider)}Client`, rng });
    project.addSpecial(file, { text: made.text, plant: true });
    plants.push({ file: file.path, ruleId: rule.id, provider: rule.provider, secret: key, context: `shape ${shape}`, ...(made.locator ? { locator: made.locator } : {}) });
  }
  return { plants, problems };
}
