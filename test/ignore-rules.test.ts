import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey, seeded } from './helpers/fake-keys.js';
import { cliEnv, tempRepo, type GitRepo } from './helpers/git-repo.js';
import { secretReport } from './helpers/report.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(31);

interface JsonReport {
  findings: { file: string; ruleId: string; practices?: string[] }[];
}

async function reportedFiles(cwd: string, args: readonly string[], env: Record<string, string | undefined>): Promise<string[]> {
  const run = await runBuiltCli([...args, '--format', 'json'], { cwd, env: cliEnv(env) });
  expect(run.stderr).toBe('');
  return [...new Set(secretReport<JsonReport>(run.stdout).findings.map((f) => f.file))].sort();
}

const DIRS = ['', 'a', 'a/b', 'a/b/c', 'a/build', 'd', 'd/e', 'build'];
const FILES = ['x.txt', 'y.log', 'keep.log', 'z.tmp', 'notes.md', 'data.json'];
/** Nested, negated, anchored, directory-only and ** patterns: the cases where ignore rules differ. */
const PATTERNS = [
  '*.log',
  '!keep.log',
  '/x.txt',
  'x.txt',
  'b/',
  'build/',
  '/build',
  '**/z.tmp',
  '*.tmp',
  '!z.tmp',
  'c',
  'e/*.md',
  '!e/notes.md',
  '*.json',
  '!data.json',
  'b/**/x.txt',
  'a/b/',
  '!b/',
  'notes.*',
  '#y.log',
  '\\#x.txt',
  '*.t?t',
  '[xy].*',
  '[!x]*.log',
  '*.[jt][sx]*',
  'a/**',
  '**/b/*.txt',
  '*/x.txt',
  'd/**/y.log',
  '!**/keep.log',
  'y.log   ',
  'z.tmp\\ ',
  '[[:alpha:]].txt',
];

interface Tree {
  readonly repo: GitRepo;
  readonly keyFiles: readonly string[];
  /** The environment keyscan and git both run with: a global config naming an excludes file. */
  readonly env: Record<string, string | undefined>;
}

/** A repository of key-holding files under random nested .gitignores, info/exclude and a global excludes file; some files tracked. */
function generatedTree(seed: number): Tree {
  const next = seeded(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const repo = tempRepo();
  const files: Record<string, string> = {};
  const keyFiles: string[] = [];
  for (const dir of DIRS)
    for (const name of FILES)
      if (next() < 0.6) {
        const path = dir === '' ? name : `${dir}/${name}`;
        files[path] = `k=${KEY}\n`;
        keyFiles.push(path);
      }
  repo.write(files);
  // some files tracked before the ignore rules exist: git keeps tracking them
  const tracked = keyFiles.filter(() => next() < 0.15);
  if (tracked.length > 0) {
    repo.git(['add', '--', ...tracked]);
    repo.git(['commit', '-q', '--no-verify', '-m', 'tracked']);
  }
  const patterns = (n: number): string => `${Array.from({ length: n }, () => pick(PATTERNS)).join('\n')}\n`;
  for (const dir of DIRS) if (next() < 0.5) repo.write({ [dir === '' ? '.gitignore' : `${dir}/.gitignore`]: patterns(1 + Math.floor(next() * 4)) });
  writeFileSync(join(repo.root, '.git', 'info', 'exclude'), patterns(Math.floor(next() * 3)));
  const home = tempTree({ 'ignore': patterns(Math.floor(next() * 3)) });
  writeFileSync(join(home, 'gitconfig'), `[core]\n\texcludesFile = ${join(home, 'ignore')}\n`);
  return { repo, keyFiles: keyFiles.sort(), env: { GIT_CONFIG_GLOBAL: join(home, 'gitconfig') } };
}

/** Untracked files git ignores, as ls-files and as status see them (they must agree). */
function gitIgnored(tree: Tree): string[] {
  const lsFiles = tree.repo.git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { env: tree.env }).split('\0').filter((p) => p !== '');
  const status = tree.repo
    .git(['status', '--porcelain', '-z', '--ignored=traditional', '--untracked-files=all'], { env: tree.env })
    .split('\0')
    .filter((e) => e.startsWith('!! '))
    .map((e) => e.slice(3));
  expect(status.sort()).toEqual([...lsFiles].sort());
  return lsFiles.filter((p) => tree.keyFiles.includes(p)).sort();
}

/** What keyscan skipped, below `sub`: every key file it did not report. */
function skippedBelow(tree: Tree, sub: string, reported: readonly string[]): string[] {
  const prefix = sub === '' ? '' : `${sub}/`;
  return tree.keyFiles.filter((p) => p.startsWith(prefix) && !reported.includes(p.slice(prefix.length))).sort();
}

describe('ignore rules as git decides them (differential against git on generated trees)', () => {
  test.each(Array.from({ length: Number(process.env["TREES"] ?? 16) }, (_, i) => i + 1))('tree %i: the files keyscan skips are the untracked files git ignores', async (seed) => {
    const tree = generatedTree(seed);
    const ignored = gitIgnored(tree);
    const atRoot = await reportedFiles(tree.repo.root, ['.'], tree.env);
    expect(skippedBelow(tree, '', atRoot)).toEqual(ignored);

    // a subdirectory git does not ignore (nor any directory above it), scanned from the root and
    // from inside it; one git ignores is scanned whole when named, as a file named is (keyscan dist/)
    const isIgnoredDir = (d: string): boolean => tree.repo.tryGit(['check-ignore', '--no-index', '-q', `${d}/`], { env: tree.env }).code === 0;
    const sub = ['a/b', 'a', 'd'].find((d) => tree.keyFiles.some((p) => p.startsWith(`${d}/`)) && !d.split('/').some((_, i, parts) => isIgnoredDir(parts.slice(0, i + 1).join('/'))));
    if (sub === undefined) return;
    const below = ignored.filter((p) => p.startsWith(`${sub}/`));
    expect(skippedBelow(tree, sub, await reportedFiles(tree.repo.root, [sub], tree.env))).toEqual(below);
    expect(skippedBelow(tree, sub, await reportedFiles(join(tree.repo.root, sub), ['.'], tree.env))).toEqual(below);
  });
});

describe('ignore rules of a subdirectory scan', () => {
  test('a git-ignored .env.local under a scanned subdirectory is not reported and gets no "not ignored by git" note', async () => {
    const repo = tempRepo({ '.gitignore': '.env*\n!.env.example\n', 'apps/web/.env.example': 'OPENAI_API_KEY=\n', 'apps/web/app.ts': 'export {};\n' }, { commit: 'initial' });
    repo.write({ 'apps/web/.env.local': `OPENAI_API_KEY=${KEY}\n` });
    for (const [cwd, args] of [
      [repo.root, ['apps/web']],
      [join(repo.root, 'apps/web'), ['.']],
      [join(repo.root, 'apps'), ['web']],
    ] as const) {
      const run = await runBuiltCli([...args, '--format', 'json'], { cwd, env: cliEnv() });
      expect(run.code).toBe(0);
      expect(secretReport<JsonReport>(run.stdout).findings).toEqual([]);
    }
    // the text report says nothing is wrong
    const text = await runBuiltCli(['apps/web'], { cwd: repo.root, env: cliEnv() });
    expect(text.stdout).not.toContain('✗');
    expect(text.stdout).not.toContain('.env.local');
  });

  test('an intermediate .gitignore and .git/info/exclude apply to a subdirectory scan', async () => {
    const repo = tempRepo({ 'apps/.gitignore': 'web/dist/\n', 'apps/web/src/a.ts': 'export {};\n' }, { commit: 'initial' });
    writeFileSync(join(repo.root, '.git', 'info', 'exclude'), '/apps/web/local.txt\n');
    repo.write({ 'apps/web/dist/bundle.js': `k="${KEY}"\n`, 'apps/web/local.txt': `k=${KEY}\n`, 'apps/web/src/b.ts': `k="${KEY}"\n` });
    expect(await reportedFiles(repo.root, ['apps/web'], {})).toEqual(['src/b.ts']);
  });

  test('a file git tracks is scanned even where a .gitignore added later ignores it', async () => {
    const repo = tempRepo({ 'lib/config.txt': `k=${KEY}\n` }, { commit: 'initial' });
    repo.commitFiles({ '.gitignore': 'config.txt\n' }, 'ignore config', { noVerify: true });
    expect(await reportedFiles(join(repo.root, 'lib'), ['.'], {})).toEqual(['config.txt']);
  });

  test("the repository's own core.excludesFile is not honoured: a scanned repo cannot hide its files from its own check", async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    const hideAll = tempTree({ 'hide': '*\n' });
    repo.git(['config', 'core.excludesFile', join(hideAll, 'hide')]);
    repo.write({ 'src/leak.txt': `k=${KEY}\n` });
    // git itself now hides the file…
    expect(repo.git(['status', '--porcelain', '--untracked-files=all'])).not.toContain('leak.txt');
    // …keyscan does not
    expect(await reportedFiles(repo.root, ['.'], {})).toEqual(['src/leak.txt']);
    expect(await reportedFiles(join(repo.root, 'src'), ['.'], {})).toEqual(['leak.txt']);
  });

  test('a directory git ignores is scanned when named (keyscan dist/ before publishing); its own ignore files still apply', async () => {
    const repo = tempRepo({ '.gitignore': 'dist/\n' }, { commit: 'initial' });
    repo.write({ 'dist/index.js': `k="${KEY}"\n`, 'dist/index.js.map': `k="${KEY}"\n`, 'dist/.gitignore': '*.map\n' });
    expect(await reportedFiles(repo.root, ['.'], {})).toEqual([]);
    expect(await reportedFiles(repo.root, ['dist'], {})).toEqual(['index.js']);
  });

  test('a hostile .gitignore (patterns that make a regex backtrack) cannot stall the scan', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    const name = 'a'.repeat(200);
    repo.write({
      '.gitignore': `${'*a'.repeat(30)}*b\n${'**/'.repeat(200)}zz\n${'a*'.repeat(60)}[\n`,
      [`${'a'.repeat(40)}/${'a/'.repeat(40)}${name}`]: `k=${KEY}\n`,
      [name]: `k=${KEY}\n`,
    });
    const started = Date.now();
    expect(await reportedFiles(repo.root, ['.'], {})).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test("the user's global core.excludesFile is honoured", async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    const home = tempTree({ 'ignore': '*.scratch\n' });
    writeFileSync(join(home, 'gitconfig'), `[core]\n\texcludesFile = ${join(home, 'ignore')}\n`);
    repo.write({ 'notes.scratch': `k=${KEY}\n`, 'notes.txt': `k=${KEY}\n` });
    expect(await reportedFiles(repo.root, ['.'], { GIT_CONFIG_GLOBAL: join(home, 'gitconfig') })).toEqual(['notes.txt']);
  });
});
