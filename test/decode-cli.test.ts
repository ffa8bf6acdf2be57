import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey, randomBody } from './helpers/fake-keys.js';
import { tempTree } from './helpers/tmp.js';

const KEYS = [1, 2, 3, 4, 5].map((seed) => fakeOpenAiProjectKey(40 + seed));
const b64 = (text: string): string => Buffer.from(text).toString('base64');

/** One encoded key per file, each as it leaks in the wild; negatives beside them. */
function tree(): string {
  const [k8s, url, hex, json, twice] = KEYS as [string, string, string, string, string];
  return tempTree({
    'deploy/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ntype: Opaque\ndata:\n  env: ${b64(`OPENAI_API_KEY=${k8s}\n`)}\n`,
    'scripts/call.sh': `#!/bin/sh\ncurl -s "https://proxy.example.com/forward?target=https%3A%2F%2Fapi.openai.com%2Fv1%2Fmodels&key=${encodeURIComponent(url).replace(/-/g, '%2D')}"\n`,
    'src/seed.py': `# test seed\nSEED = "${Buffer.from(hex).toString('hex')}"\n`,
    'config/app.json': `{\n  "name": "app",\n  "llm": { "apiKey": "${json.replace(/-/g, '\\u002d')}" }\n}\n`,
    'ci/values.yaml': `blob: ${b64(b64(twice))}\n`,
    // negatives: an inlined image, a font, random bytes, hashes
    'web/style.css': `.logo { background: url(data:image/png;base64,${Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(400)]).toString('base64')}); }\n@font-face { src: url(data:font/woff2;base64,${Buffer.concat([Buffer.from('wOF2\0\x01\0\0'), randomBytes(400)]).toString('base64')}); }\n`,
    'web/blob.ts': `export const salt = "${randomBytes(96).toString('base64')}";\nexport const digest = "${randomBody(64, 'hex', 9)}";\n`,
  });
}

describe('the CLI decodes keys hidden in encoded tokens', () => {
  test('each encoded key is reported once, at its token, with its encoding, and never shown', async () => {
    const root = tree();
    const { code, stdout, stderr } = await runBuiltCli([root, '--format', 'json'], { cwd: root });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: { file: string; ruleId: string; line: number; column: number; encoding?: string }[] };
    expect(report.findings.map((f) => [f.file, f.ruleId, f.line, f.column, f.encoding])).toEqual([
      ['ci/values.yaml', 'openai-project-key', 1, 7, 'base64>base64'],
      ['config/app.json', 'openai-project-key', 3, 23, 'escapes'],
      ['deploy/secret.yaml', 'openai-project-key', 7, 8, 'base64'],
      ['scripts/call.sh', 'openai-project-key', 2, 10, 'percent'],
      ['src/seed.py', 'openai-project-key', 2, 9, 'hex'],
    ]);
    for (const key of KEYS) expect(stdout).not.toContain(key);
  });

  test('the text report names the encoding after the key, and SARIF carries it as a property', async () => {
    const root = tree();
    const text = await runBuiltCli([root], { cwd: root });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/deploy\/secret\.yaml:7:8 .*\(base64\)/);
    expect(text.stdout).toMatch(/ci\/values\.yaml:1:7 .*\(base64>base64\)/);
    const sarif = await runBuiltCli([root, '--format', 'sarif'], { cwd: root });
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { properties: { encoding?: string } }[] }[] }).runs[0]!.results;
    expect(results.map((r) => r.properties.encoding).sort()).toEqual(['base64', 'base64>base64', 'escapes', 'hex', 'percent']);
    for (const key of KEYS) expect(text.stdout + sarif.stdout).not.toContain(key);
  });
});
