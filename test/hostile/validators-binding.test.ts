// A repository's config must not decide where keys are sent: a validator belongs to the built-in
// rules of its own provider. A custom rule naming one is refused, a redefined built-in id has none,
// and a Shopify token is checked against the shop named beside it, not the first one in the file.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { validatorsByRule } from '../../src/validate/binding.js';
import { targetUrl } from '../../src/validate/http.js';
import { VALIDATORS } from '../../src/validate/registry.js';
import { runBuiltCli } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { cliEnv } from '../helpers/git-repo.js';
import { builtinDefinitions, ruleSetOf, secretsIn } from '../helpers/rules.js';
import { tempTree } from '../helpers/tmp.js';
import { fakeKey } from '../helpers/validator-keys.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

const ALL = [...VALIDATORS.keys()];
const env = (): Record<string, string | undefined> => cliEnv({ KEYSCAN_VALIDATE_ENDPOINTS: fake.endpointEntries(ALL).join(',') });
const carries = (key: string) => (r: { path: string; headers: Readonly<Record<string, string>>; body: string }) =>
  [r.path, ...Object.values(r.headers), r.body].some((v) => v.includes(key));

const github = fakeKey('github-pat', 3);
const stripe = fakeKey('stripe-secret-key', 3);

/** A rule that catches any GitHub token (or Stripe key) and names another provider's validator. */
const hijack = (id: string, validator: string, keyword: string, regex: string): string =>
  `[[rules]]\nid = "${id}"\nvalidator = "${validator}"\nregex = '''${regex}'''\nkeywords = ["${keyword}"]\n`;

describe('a config cannot bind a validator to a rule', () => {
  test.each([
    ['a custom rule naming the Telegram validator', hijack('gh-to-telegram', 'telegram', 'ghp_', '(ghp_[A-Za-z0-9]{36})'), github, 'gh-to-telegram'],
    ['a redefined built-in id (telegram-bot-token) catching GitHub tokens', hijack('telegram-bot-token', 'telegram', 'ghp_', '(ghp_[A-Za-z0-9]{36})'), github, 'telegram-bot-token'],
    ['a Stripe key sent as a Shopify header', hijack('stripe-to-shopify', 'shopify', 'sk_live_', '(sk_live_[A-Za-z0-9]{99})'), stripe, 'stripe-to-shopify'],
  ])('%s: refused, and nothing is sent anywhere', async (_name, toml, key, ruleId) => {
    fake.set(key, 'live');
    const root = tempTree({ 'keyscan.toml': toml, 'app.ts': `const key = "${key}";\n` });
    const run = await runBuiltCli(['.', '--validate', '--format', 'json'], { cwd: root, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`keyscan.toml:`);
    expect(run.stderr).toContain(`(rule ${ruleId}) is not allowed in a config`);
    expect(fake.requests.filter(carries(key))).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(key);
  });

  test('a config named with --config cannot bind one either', async () => {
    const cfg = tempTree({ 'mine.toml': hijack('gh-to-telegram', 'telegram', 'ghp_', '(ghp_[A-Za-z0-9]{36})') });
    const root = tempTree({ 'app.ts': `const key = "${github}";\n` });
    const run = await runBuiltCli(['.', '--validate', '--config', `${cfg}/mine.toml`], { cwd: root, env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not allowed in a config');
    expect(fake.requests).toEqual([]);
  });

  test('a redefined built-in id without a validator key gets none: the key goes nowhere', async () => {
    fake.set(stripe, 'live');
    const toml = `[[rules]]\nid = "telegram-bot-token"\nregex = '''(sk_live_[A-Za-z0-9]{99})'''\nkeywords = ["sk_live_"]\n\n[extend]\ndisabledRules = ["stripe-secret-key"]\n`;
    const root = tempTree({ 'keyscan.toml': toml, 'app.ts': `const key = "${stripe}";\n` });
    const run = await runBuiltCli(['.', '--validate', '--format', 'json'], { cwd: root, env: env() });
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { findings: { ruleId: string; validation?: { status: string } }[] };
    expect(doc.findings.map((f) => [f.ruleId, f.validation?.status])).toEqual([['telegram-bot-token', 'unsupported']]);
    expect(fake.requests).toEqual([]);
  });

  test("built-in rules keep their own validator, and a key goes to its own provider's endpoint only", async () => {
    fake.set(github, 'live');
    const root = tempTree({ 'app.ts': `const key = "${github}";\n` });
    const run = await runBuiltCli(['.', '--validate', '--format', 'json'], { cwd: root, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('"live"');
    const sent = fake.requests.filter(carries(github));
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((r) => r.provider))).toEqual(new Set(['github']));
  });

  test('validatorsByRule: only the shipped definition of a built-in id has a validator', () => {
    const builtins = loadBuiltinRules();
    const own = builtins.find((r) => r.id === 'telegram-bot-token')!;
    const forged = { ...own, regex: '(ghp_[A-Za-z0-9]{36})', source: 'keyscan.toml' };
    const wrongProvider = { ...own, provider: 'github' };
    expect(validatorsByRule([own], builtins).get('telegram-bot-token')).toBe('telegram');
    expect(validatorsByRule([forged], builtins).has('telegram-bot-token')).toBe(false);
    expect(validatorsByRule([wrongProvider], builtins).has('telegram-bot-token')).toBe(false);
    expect(validatorsByRule([{ ...own, id: 'custom-telegram', source: 'keyscan.toml' }], builtins).size).toBe(0);
  });
});

describe('Shopify: the shop is the myshopify.com host nearest the token', () => {
  const set = ruleSetOf(builtinDefinitions().filter((r) => r.provider === 'shopify'));
  const token = fakeKey('shopify-access-token', 5);
  const shopify = VALIDATORS.get('shopify')!;
  const hostOf = (context: string | undefined): string => {
    const url = targetUrl(shopify, shopify.request(token, 'shopify-access-token', undefined), new Map(), context);
    return typeof url === 'string' ? url : url.hostname;
  };

  test('a host on the token line wins over one planted earlier in the file', () => {
    const text = `# see https://attacker-shop.myshopify.com\n\ncurl -H "X-Shopify-Access-Token: ${token}" https://acme-store.myshopify.com/admin/api/2024-10/shop.json\n`;
    const [found] = secretsIn(text, set);
    expect(found?.context).toBe('acme-store');
    expect(hostOf(found?.context)).toBe('acme-store.myshopify.com');
  });

  test('without one on its line, the nearest host wins', () => {
    const text = `shop_a = "first-shop.myshopify.com"\n${'\n'.repeat(40)}SHOP = "near-shop.myshopify.com"\nSHOPIFY_ACCESS_TOKEN = "${token}"\n${'\n'.repeat(3)}other = "after-shop.myshopify.com"\n`;
    const [found] = secretsIn(text, set);
    expect(found?.context).toBe('near-shop');
  });

  test('no host beside the token: nothing is sent', () => {
    const [found] = secretsIn(`SHOPIFY_ACCESS_TOKEN = "${token}"\n`, set);
    expect(found?.context).toBeUndefined();
    expect(hostOf(found?.context)).toContain('needs the shopify host');
  });
});
