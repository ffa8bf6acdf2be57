import { expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { randomBody } from '../helpers/fake-keys.js';
import { cliEnv } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// A value no provider rule knows, put into URLs the way the key-in-url practice rules see them.
const VALUE = randomBody(40, 'b62', 91);
// built from pieces, so this file itself holds no URL with a key parameter for the self-scan to find
const QUERY = ['?tok', 'en="'].join('');
const PARAMS = ['params = {"api', '_key": '].join('');

test('key-in-url evidence shows names, and masks a value that looks like a key, in every format', async () => {
  const dir = tempTree({
    'client.js': [
      `const v = "https://api.example.com/v1/items${QUERY} + ${VALUE};`,
      `${PARAMS}${VALUE}}`,
      `const w = "https://api.example.com/v1/items${QUERY} + apiToken;`,
      '',
    ].join('\n'),
  });
  for (const format of ['text', 'json', 'sarif', 'github', 'junit', 'markdown']) {
    const run = await runBuiltCli(['.', '--format', format], { cwd: dir, env: cliEnv() });
    expect(run.code, format).toBe(1);
    expect(run.stdout + run.stderr, format).not.toContain(VALUE.slice(4, 16));
    // the variable's name is evidence enough, and stays
    expect(run.stdout, format).toContain('apiToken');
  }
});
