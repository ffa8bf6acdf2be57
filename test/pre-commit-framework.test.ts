import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { gitEnv, repoAt } from './helpers/git-repo.js';
import { PACKAGE_DIR, sh, userEnv } from './helpers/pack.js';
import { PACKAGE, readmeSnippet } from './helpers/readme.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(880);

interface ManifestHook {
  id: string;
  entry: string;
  language: string;
  stages?: string[];
  minimum_pre_commit_version?: string;
  [key: string]: unknown;
}

const MANIFEST = parse(readFileSync(join(PACKAGE_DIR, '.pre-commit-hooks.yaml'), 'utf8')) as ManifestHook[];

// The keys pre-commit 2.x and 3.x both accept in a hook manifest; an unknown key is an error in some versions.
const MANIFEST_KEYS = new Set([
  'id', 'name', 'entry', 'language', 'alias', 'files', 'exclude', 'types', 'types_or', 'exclude_types', 'additional_dependencies', 'args',
  'always_run', 'fail_fast', 'pass_filenames', 'description', 'language_version', 'log_file', 'minimum_pre_commit_version', 'require_serial',
  'stages', 'verbose',
]);
// Stage names pre-commit 2.x and 3.x both accept: 2.x and 3.0-3.1 lack `pre-commit`, 4.x warns on `commit`.
const STAGES_EVERY_VERSION_ACCEPTS = new Set(['commit-msg', 'manual', 'post-checkout', 'post-commit', 'post-merge', 'post-rewrite', 'prepare-commit-msg']);

describe('.pre-commit-hooks.yaml', () => {
  test('one node hook, keyscan staged, that pre-commit 2.x to 4.x all load without a warning', () => {
    expect(MANIFEST.map((h) => h.id)).toEqual(['keyscan']);
    const [hook] = MANIFEST;
    expect(Object.keys(hook!).filter((k) => !MANIFEST_KEYS.has(k))).toEqual([]);
    expect(hook).toMatchObject({ entry: 'keyscan staged', language: 'node', pass_filenames: false, always_run: true });
    expect(Object.keys(PACKAGE.bin)).toContain(hook!.entry.split(' ')[0]);
    for (const stage of hook!.stages ?? []) expect(STAGES_EVERY_VERSION_ACCEPTS.has(stage), stage).toBe(true);
    expect(hook!.minimum_pre_commit_version).toMatch(/^2\.\d+\.\d+$/);
  });

  test("README's rev: is this version's tag", () => {
    const config = parse(readmeSnippet('pre-commit')) as { repos: { rev: string; hooks: { id: string }[] }[] };
    expect(config.repos[0]).toMatchObject({ rev: `v${PACKAGE.version}`, hooks: [{ id: 'keyscan' }] });
  });
});

const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
const hasPreCommit = preCommit.status === 0;

/** This checkout as pre-commit fetches it: a git repository, its files committed. */
function hookRepository(): { url: string; rev: string } {
  const repo = repoAt(tempTree());
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PACKAGE_DIR, env: gitEnv() as NodeJS.ProcessEnv, encoding: 'utf8' });
  for (const path of listed.stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(PACKAGE_DIR, path))) continue;
    mkdirSync(dirname(join(repo.root, path)), { recursive: true });
    cpSync(join(PACKAGE_DIR, path), join(repo.root, path));
  }
  return { url: repo.root, rev: repo.commit('release', { noVerify: true }) };
}

describe.skipIf(!hasPreCommit)(`the pre-commit framework (${hasPreCommit ? preCommit.stdout.trim() : 'not installed: skipped'})`, () => {
  test("README's config, pointed at this checkout: pre-commit installs keyscan with npm and refuses a key", { timeout: 420_000 }, async () => {
    const { url, rev } = hookRepository();
    const project = repoAt(tempTree());
    const config = readmeSnippet('pre-commit').replace(/repo: \S+/, `repo: ${url}`).replace(/rev: \S+/, `rev: ${rev}`);
    project.write({ '.pre-commit-config.yaml': config, 'README.md': '# app\n' });
    const env = userEnv({ PRE_COMMIT_HOME: tempTree() });
    const install = await sh('pre-commit install && pre-commit install-hooks', { cwd: project.root, env, timeoutMs: 400_000 });
    expect(install.code, install.stdout + install.stderr).toBe(0);
    project.stage();
    expect((await sh("git commit -q -m 'clean'", { cwd: project.root, env })).code).toBe(0);
    project.write({ 'app.env': `OPENAI_API_KEY=${KEY}\n` });
    project.stage();
    const blocked = await sh("git commit -q -m 'key'", { cwd: project.root, env });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('app.env');
    expect(blocked.stdout + blocked.stderr).not.toContain(KEY.slice(8, 30));
    expect(project.git(['rev-list', '--count', 'HEAD']).trim()).toBe('1');
  });
});
