// The HTML report in a real headless browser (Debian's Chromium, driven by puppeteer-core): it
// loads with no console error and no network, filters and sorts, and holds no secret in its DOM.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';
import { fakeKey } from './helpers/validator-keys.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (CHROMIUM === undefined)
  console.warn('\n*** SKIPPED: the HTML report browser tests need Debian\'s chromium (apt-get install chromium); .ci/run installs it ***\n');

const KEYS = [fakeOpenAiProjectKey(301), fakeGithubToken(302), fakeKey('stripe-secret-key', 303), fakeKey('slack-bot-token', 304)];
// where the screenshot goes: part of the test's output, outside the repository
export const SCREENSHOT_DIR = join(process.env['TMPDIR'] ?? '/tmp', 'keyscan-test-output');

let browser: Browser | undefined;

beforeAll(async () => {
  if (CHROMIUM === undefined) return;
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${tempTree()}`],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(CHROMIUM === undefined)('the HTML report in Chromium', () => {
  test('loads with no console error or request, filters by severity and provider, sorts, and shows no secret', async () => {
    const dir = tempTree({
      'src/a.ts': `export const openai = "${KEYS[0]}";\n`,
      'src/b.py': `GITHUB_TOKEN = "${KEYS[1]}"\n`,
      'billing/c.rb': `Stripe.api_key = "${KEYS[2]}"\n`,
      'chat/d.env': `SLACK_BOT_TOKEN=${KEYS[3]}\n`,
    });
    const out = join(tempTree(), 'report.html');
    const run = await runBuiltCli(['.', '--report', `html=${out}`], { cwd: dir, env: cliEnv() });
    expect(run.code).toBe(1);
    const page = await browser!.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(out).href, { waitUntil: 'load' });
    const visible = (): Promise<number> => page.$$eval('#findings tbody tr', (rows) => rows.filter((r) => !(r as unknown as { hidden: boolean }).hidden).length);
    const total = await visible();
    expect(total).toBeGreaterThanOrEqual(4);
    // a screen reader reads a table with a caption and column headers
    expect(await page.$$eval('#findings thead th[scope="col"]', (ths) => ths.map((t) => t.textContent))).toEqual(['Severity', 'Provider', 'File', 'Line', 'Rule', 'Secret']);

    await page.select('select[data-filter="provider"]', 'openai');
    expect(await visible()).toBe(1);
    expect(await page.$eval('#shown', (e) => e.textContent)).toBe('1');
    await page.select('select[data-filter="provider"]', '');
    await page.type('input[data-filter="file"]', 'billing/');
    expect(await visible()).toBe(1);
    await page.$eval('input[data-filter="file"]', (e) => {
      // runs in the page: Event is the page's
      const input = e as unknown as { value: string; dispatchEvent(event: unknown): void };
      input.value = '';
      input.dispatchEvent(new (globalThis as unknown as { Event: new (type: string) => unknown }).Event('input'));
    });
    expect(await visible()).toBe(total);

    await page.click('#findings th[data-key="file"] button');
    const files = await page.$$eval('#findings tbody tr', (rows) => rows.map((r) => (r as unknown as { dataset: Record<string, string | undefined> }).dataset['file'] ?? ''));
    expect(files).toEqual([...files].sort());
    expect(await page.$eval('#findings th[data-key="file"]', (th) => th.getAttribute('aria-sort'))).toBe('ascending');

    const dom = await page.content();
    for (const key of KEYS) expect(dom).not.toContain(key.slice(6, 30));
    expect(readFileSync(out, 'utf8')).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(/);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const shot = join(SCREENSHOT_DIR, 'html-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`HTML report screenshot: ${shot}`);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    await page.close();
  }, 60_000);
});
