import { describe, expect, test } from 'vitest';
import { keyInUrlFix } from '../src/practices/key-in-url.js';
import { isDescriptiveFile, isInProse, isSdkPackageName, sdkNameOf } from '../src/practices/library.js';

// What tells a provider SDK's own files, and prose about code, apart from an app's code. The flag
// is built from pieces: written whole, it would be a finding of this repository's own scan.
const FLAG = ['dangerously', 'AllowBrowser: true'].join('');

describe('provider SDK packages', () => {
  test.each(['openai', '@anthropic-ai/sdk', 'groq-sdk', '@google/genai', '@supabase/realtime-js', '@aws-sdk/client-s3', '@acme/sdk', 'acme-sdk'])('%s is an SDK', (name) => {
    expect(isSdkPackageName(name)).toBe(true);
  });
  test.each(['chat-app', 'my-openai-app', 'openai-proxy', 'sdk-docs-site', '@acme/web'])('%s is not', (name) => {
    expect(isSdkPackageName(name)).toBe(false);
  });
  test('a package.json is read for its name; broken JSON names nothing', () => {
    expect(sdkNameOf(JSON.stringify({ name: 'openai', version: '6.0.0' }))).toBe('openai');
    expect(sdkNameOf(JSON.stringify({ name: 'web', private: true }))).toBeUndefined();
    expect(sdkNameOf('{ "name": ')).toBeUndefined();
  });
});

test.each([
  ['dist/index.d.ts', true],
  ['dist/index.d.mts', true],
  ['dist/index.js.map', true],
  ['test/client.test.ts', true],
  ['src/__tests__/chat.ts', true],
  ['src/chat.spec.tsx', true],
  ['docs/browser.md', true],
  ['README.md', true],
  ['src/chat.ts', false],
  ['dist/assets/index-3f2a.js', false],
  ['src/latest/contest.ts', false],
])('%s describes code rather than being an app\'s code: %s', (path, expected) => {
  expect(isDescriptiveFile(path)).toBe(expected);
});

describe('prose', () => {
  const at = (text: string): number => text.lastIndexOf('dangerously');
  test('an error message that shows the option is prose', () => {
    const text = `throw new Error("set the option, e.g.,\\n\\nnew OpenAI({ apiKey, ${FLAG} });\\n");`;
    expect(isInProse(text, at(text))).toBe(true);
  });
  test('comment lines are prose', () => {
    for (const text of [`// new OpenAI({ ${FLAG} })`, ` * new OpenAI({ ${FLAG} })`, `# OpenAI(${FLAG})`]) expect(isInProse(text, at(text))).toBe(true);
  });
  test('code is not, also on a minified line whose earlier part holds a message', () => {
    expect(isInProse(`const c = new OpenAI({ apiKey, ${FLAG} });`, 31)).toBe(false);
    const bundle = `throw new o("e.g.,\\n\\nnew OpenAI({ apiKey, ${FLAG} });\\n")${';f(a,b)'.repeat(60)};const c=new OpenAI({apiKey:k,${FLAG}});`;
    expect(isInProse(bundle, at(bundle))).toBe(false);
    // a comment marker far back on a long line does not make the rest of the line a comment
    const long = `/* banner */ ${'x=1;'.repeat(80)} new OpenAI({ ${FLAG} })`;
    expect(isInProse(long, at(long))).toBe(false);
  });
});

describe('the fix for a key in a URL', () => {
  test('APIs that read the key only from the query get their provider\'s advice', () => {
    expect(keyInUrlFix('<script src="https://maps.googleapis.com/maps/api/js?key=', 'google')).toMatch(/^the Maps JavaScript API .*HTTP referrers/);
    expect(keyInUrlFix('get("https://maps.googleapis.com/maps/api/geocode/json?address=x&key=', 'google')).toMatch(/^Google Maps web services .*IP addresses/);
    expect(keyInUrlFix('fetch(`https://serpapi.com/search.json?q=${q}&api_key=', 'generic')).toMatch(/only in the query string/);
    expect(keyInUrlFix('"http://api.weatherstack.com/current?access_key=', 'generic')).toMatch(/only in the query string/);
  });
  test('a WebSocket URL asks for a short-lived token', () => {
    expect(keyInUrlFix('new WebSocket(`wss://api.vendor.io/v1/stream?key=', 'generic')).toMatch(/short-lived token/);
  });
  test('other APIs: the header the provider reads', () => {
    expect(keyInUrlFix('fetch("https://generativelanguage.googleapis.com/v1beta/models?key=', 'google')).toBe('send it in the x-goog-api-key header instead of the URL');
    expect(keyInUrlFix('"https://api.vendor.io/v1?token=', 'generic')).toMatch(/^send it in the Authorization header/);
  });
});
