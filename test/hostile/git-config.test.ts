import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';
import { fakeOpenAiProjectKey } from '../helpers/fake-keys.js';
import { cliEnv, repoAt, tempRepo, type GitRepo } from '../helpers/git-repo.js';
import { tempTree } from '../helpers/tmp.js';

// A scanned repository's .git/config (and what it includes) names programs in many places; none of
// them may run under any keyscan command. Each canary appends its label to a marker file.

const COMMITTED_KEY = fakeOpenAiProjectKey(1101);
const PR_KEY = fakeOpenAiProjectKey(1102);
const STAGED_KEY = fakeOpenAiProjectKey(1103);

interface Hostile {
  readonly repo: GitRepo;
  readonly marker: string;
  readonly base: string;
  readonly head: string;
}

/** An executable that records its first argument in `marker`, then does what git expects of a failing helper. */
function canaryScript(dir: string, marker: string): string {
  const path = join(dir, 'canary');
  writeFileSync(path, `#!/bin/sh\necho "$1" >> ${JSON.stringify(marker)}\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A canary of its own for a key whose value git runs as a program path, not through the shell. */
function canaryProgram(canary: string, label: string): string {
  const path = `${canary}-${label}`;
  writeFileSync(path, `#!/bin/sh\nexec ${canary} ${label}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Every config key we know of that makes git run a program, each pointing at the canary with its own label. */
function hostileSettings(canary: string, hooksDir: string): [string, string][] {
  const run = (label: string): string => `${canary} ${label}`;
  return [
    ['core.fsmonitor', run('core.fsmonitor')],
    ['core.pager', run('core.pager')],
    ['pager.log', run('pager.log')],
    ['pager.diff', run('pager.diff')],
    ['core.hooksPath', hooksDir],
    ['core.editor', run('core.editor')],
    ['sequence.editor', run('sequence.editor')],
    ['core.sshCommand', run('core.sshCommand')],
    ['core.gitProxy', run('core.gitProxy')],
    ['core.askPass', run('core.askPass')],
    ['core.alternateRefsCommand', run('core.alternateRefsCommand')],
    ['credential.helper', `!${run('credential.helper')}`],
    ['diff.external', run('diff.external')],
    ['diff.canary.textconv', run('diff.textconv')],
    ['diff.canary.command', run('diff.command')],
    ['filter.canary.clean', run('filter.clean')],
    ['filter.canary.smudge', run('filter.smudge')],
    ['filter.canary.process', run('filter.process')],
    ['filter.canary.required', 'true'],
    ['merge.canary.driver', run('merge.driver')],
    ['gpg.program', canaryProgram(canary, 'gpg.program')],
    ['gpg.ssh.program', canaryProgram(canary, 'gpg.ssh.program')],
    ['log.showSignature', 'true'],
    ['protocol.allow', 'always'],
    ['gc.auto', '1'],
  ];
}

/** Gives HEAD a (bogus) signature, so that log.showSignature makes git run gpg.program on it. */
function signHead(repo: GitRepo): string {
  const commit = repo.git(['cat-file', 'commit', 'HEAD']);
  const signed = commit.replace(/^(committer .*\n)/m, '$1gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n');
  const path = join(repo.root, '.git', 'signed-commit');
  writeFileSync(path, signed);
  const sha = repo.git(['hash-object', '-t', 'commit', '-w', path]).trim();
  repo.git(['update-ref', 'refs/heads/feature', sha]);
  return sha;
}

/**
 * main with a committed key; feature adds a key in a (signed) commit; a third key is staged. Then
 * the hostile settings go into .git/config itself, a file it includes, or one it includes on a
 * condition. `.gitattributes` routes every file through the canary filter and diff driver.
 */
function hostileRepo(where: 'config' | 'include' | 'includeIf'): Hostile {
  const repo = tempRepo();
  repo.commitFiles({ '.gitattributes': '* filter=canary diff=canary merge=canary\n', 'app.env': `OPENAI_API_KEY=${COMMITTED_KEY}\n` }, 'base', { noVerify: true });
  const base = repo.head();
  repo.git(['checkout', '-q', '-b', 'feature']);
  repo.commitFiles({ 'src/client.ts': `const client = new OpenAI({ apiKey: "${PR_KEY}" });\n` }, 'leak', { noVerify: true });
  const head = signHead(repo);
  repo.git(['reset', '-q', '--hard', head]);
  repo.write({ 'staged.ts': `export const key = "${STAGED_KEY}";\n` });
  repo.stage('staged.ts');

  const outside = tempTree();
  const marker = join(outside, 'marker');
  const canary = canaryScript(outside, marker);
  const hooksDir = join(outside, 'hooks');
  mkdirSync(hooksDir);
  for (const hook of ['post-checkout', 'post-index-change', 'reference-transaction', 'pre-auto-gc', 'post-commit', 'fsmonitor-watchman', 'pre-push']) {
    writeFileSync(join(hooksDir, hook), `#!/bin/sh\n${canary} hook:${hook}\n`);
    chmodSync(join(hooksDir, hook), 0o755);
  }
  const file = where === 'config' ? join(repo.root, '.git', 'config') : join(repo.root, '.git', 'hostile.inc');
  for (const [key, value] of hostileSettings(canary, hooksDir)) repo.git(['config', '-f', file, key, value]);
  if (where === 'include') repo.git(['config', 'include.path', 'hostile.inc']);
  if (where === 'includeIf') repo.git(['config', `includeIf.gitdir:**/${basename(repo.root)}/**.path`, 'hostile.inc']);
  return { repo, marker, base, head };
}

function canaries(marker: string): string[] {
  if (!existsSync(marker)) return [];
  const labels = readFileSync(marker, 'utf8').split('\n').filter((l) => l !== '');
  rmSync(marker);
  return [...new Set(labels)].sort();
}

describe.each(['config', 'include', 'includeIf'] as const)('a hostile git config (in %s) runs nothing under keyscan', (where) => {
  test('the canaries are real: plain git runs them', () => {
    const { repo, marker } = hostileRepo(where);
    canaries(marker);
    repo.tryGit(['ls-files']);
    repo.tryGit(['log', '-p', '-1', 'feature']);
    repo.tryGit(['log', '-1', '--format=%s', 'feature']);
    repo.tryGit(['diff', '--cached']);
    expect(canaries(marker)).toEqual(expect.arrayContaining(['core.fsmonitor', 'filter.process', 'gpg.program']));
  });

  test.each([
    ['keyscan .', ['.', '--format', 'json'], 1],
    ['keyscan <file>', ['app.env', '--format', 'json'], 1],
    ['keyscan staged', ['staged', '--format', 'json'], 1],
    ['keyscan git', ['git', '--format', 'json'], 1],
    ['keyscan ci (a pull request)', ['ci', '--format', 'json'], 1],
    ['keyscan baseline', ['baseline'], 0],
    ['keyscan baseline <range>', ['baseline', 'main..feature'], 0],
    ['keyscan install', ['install'], 0],
  ] as const)('%s: no canary runs, the scan still works', async (_name, args, expected) => {
    const { repo, marker, base, head } = hostileRepo(where);
    canaries(marker);
    const work = tempTree();
    const event = join(work, 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { base: { sha: base }, head: { sha: head } } }));
    const env = args[0] === 'ci' ? cliEnv({ GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_EVENT_PATH: event }) : cliEnv();
    const finalArgs = args[0] === 'baseline' ? [...args, '-o', join(work, 'baseline.json')] : [...args];
    const run = await runBuiltCli(finalArgs, { cwd: repo.root, env });
    expect(canaries(marker)).toEqual([]);
    if (run.code !== expected) console.log(run.stderr);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(expected);
    for (const key of [COMMITTED_KEY, PR_KEY, STAGED_KEY]) expect(run.stdout + run.stderr).not.toContain(key);
  });
});

describe('a repository cannot change what history keyscan reads', () => {
  test('log.showRoot=false does not hide the first commit', async () => {
    const repo = tempRepo({ 'first.env': `OPENAI_API_KEY=${COMMITTED_KEY}\n` }, { commit: 'first' });
    repo.git(['config', 'log.showRoot', 'false']);
    const run = await runBuiltCli(['git', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('first.env');
  });

  test('refs/replace cannot swap a committed key for a clean blob', async () => {
    const repo = tempRepo({ 'app.env': `OPENAI_API_KEY=${COMMITTED_KEY}\n` }, { commit: 'leak' });
    const real = repo.git(['rev-parse', 'HEAD:app.env']).trim();
    const clean = join(repo.root, '.git', 'clean');
    writeFileSync(clean, 'OPENAI_API_KEY=\n');
    const fake = repo.git(['hash-object', '-w', clean]).trim();
    repo.git(['replace', real, fake]);
    expect(repo.git(['show', 'HEAD:app.env'])).toBe('OPENAI_API_KEY=\n'); // git itself now shows the clean blob
    const run = await runBuiltCli(['git', '--format', 'json'], { cwd: repo.root, env: cliEnv() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('app.env');
  });

  test('a partial clone never fetches a missing blob (an ext:: remote would run a command): a clear error, exit 2', async () => {
    const source = tempRepo({ 'a.txt': 'one\n' }, { commit: 'one' });
    source.git(['config', 'uploadpack.allowFilter', 'true']);
    const cloneDir = join(tempTree(), 'clone');
    source.git(['clone', '-q', '--no-local', '--filter=blob:none', '--no-checkout', `file://${source.root}`, cloneDir]);
    const clone = repoAt(cloneDir, { init: false });
    const outside = tempTree();
    const marker = join(outside, 'marker');
    const canary = canaryScript(outside, marker);
    clone.git(['config', 'remote.origin.url', `ext::${canary} ext-remote`]);
    clone.git(['config', 'protocol.ext.allow', 'always']);
    clone.tryGit(['log', '-p']);
    expect(canaries(marker)).toEqual(['ext-remote']); // git itself runs it
    const run = await runBuiltCli(['git'], { cwd: cloneDir, env: cliEnv() });
    expect(canaries(marker)).toEqual([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^keyscan: git log failed: fatal: .*promisor remote/);
  });
});
