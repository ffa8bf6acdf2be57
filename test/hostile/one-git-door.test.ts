import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

// The pinned git configuration protects only the processes started through it.
test('src/sources/git.ts is the only module that starts a process, and it does so in one place', () => {
  const starters: string[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (/from ['"](?:node:)?child_process['"]|require\(['"](?:node:)?child_process['"]\)|simple-git|execa|cross-spawn/.test(text)) starters.push(relative(SRC, file));
  }
  expect(starters).toEqual(['sources/git.ts']);
  const git = readFileSync(join(SRC, 'sources', 'git.ts'), 'utf8');
  expect(git.match(/(?<![.\w])(?:spawn|spawnSync|exec|execSync|execFile|execFileSync|fork)\(/g)).toEqual(['spawn(']);
});

test('simple-git is no dependency', () => {
  const pkg = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  expect(Object.keys(pkg.dependencies ?? {})).not.toContain('simple-git');
});
