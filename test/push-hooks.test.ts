import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLI, runBuiltCli } from './helpers/cli.js';
import { fakeGithubToken, fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, gitEnv, keyscanShimDir, pathWithShim, tempRepo, type GitRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(21);
const OLD_KEY = fakeGithubToken(22);
const PATH = pathWithShim(keyscanShimDir());

/** A bare repository in a temp dir, as a server holds it. */
function bareRepo(): string {
  const dir = join(tempTree(), 'server.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir], { env: gitEnv() as NodeJS.ProcessEnv });
  return dir;
}

/** The server's pre-receive hook: keyscan pre-receive, with the options given. */
function installPreReceive(bare: string, args: readonly string[] = []): void {
  const hook = join(bare, 'hooks', 'pre-receive');
  writeFileSync(hook, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} pre-receive ${args.map((a) => JSON.stringify(a)).join(' ')}\n`);
  chmodSync(hook, 0o755);
}

function clientOf(bare: string, files: Record<string, string> = { 'README.md': '# shop\n' }): GitRepo {
  const repo = tempRepo(files, { commit: 'first' });
  repo.git(['remote', 'add', 'origin', bare]);
  return repo;
}

const serverRef = (bare: string, ref: string): string | undefined => {
  try {
    return execFileSync('git', ['--git-dir', bare, 'rev-parse', '--verify', '--quiet', ref], { env: gitEnv() as NodeJS.ProcessEnv, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
};

const push = (repo: GitRepo, ...args: string[]) => repo.tryGit(['push', ...args], { env: { PATH } });

describe('keyscan pre-receive in a bare repository', () => {
  test('a clean push lands', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    const run = push(repo, 'origin', 'main');
    expect(run.code, run.stderr).toBe(0);
    expect(serverRef(bare, 'main')).toBe(repo.head());
  });

  test('a push of a key is rejected: the pusher sees the redacted finding and what to do, the server keeps nothing', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    expect(push(repo, 'origin', 'main').code).toBe(0);
    const before = serverRef(bare, 'main');
    repo.commitFiles({ 'src/ai.ts': `export const key = "${KEY}";\n` }, 'add the AI client', { noVerify: true });
    const run = push(repo, 'origin', 'main');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('remote: src/ai.ts');
    expect(run.stderr).toContain('remote: keyscan: push rejected: the pushed commits add a key');
    expect(run.stderr).toContain('read it with process.env.OPENAI_API_KEY');
    expect(run.stderr).toContain('pre-receive hook declined');
    expect(run.stderr).toMatch(/sk-p\*{8}/);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    expect(serverRef(bare, 'main')).toBe(before);
  });

  test('a new branch is scanned for its new commits only, not for history the server already has', () => {
    const bare = bareRepo();
    const repo = clientOf(bare);
    // history the server held before the hook was installed
    repo.commitFiles({ 'old.env.txt': `token=${OLD_KEY}\n` }, 'old key', { noVerify: true });
    expect(push(repo, 'origin', 'main').code).toBe(0);
    installPreReceive(bare);
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ 'feature.ts': 'export const on = true;\n' }, 'feature');
    const clean = push(repo, 'origin', 'feature');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).not.toContain('push rejected');
    repo.git(['checkout', '-q', '-b', 'leaky']);
    repo.commitFiles({ 'leak.ts': `const k = "${KEY}";\n` }, 'leak', { noVerify: true });
    const leaky = push(repo, 'origin', 'leaky');
    expect(leaky.code).not.toBe(0);
    expect(leaky.stderr).toContain('leak.ts');
    expect(leaky.stderr).not.toContain('old.env.txt');
    expect(serverRef(bare, 'leaky')).toBeUndefined();
  });

  test('several refs in one push: one with a key rejects the push; deleting a branch scans nothing', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    expect(push(repo, 'origin', 'main', 'main:gone').code).toBe(0);
    expect(push(repo, 'origin', ':gone').code).toBe(0);
    expect(serverRef(bare, 'gone')).toBeUndefined();
    repo.git(['checkout', '-q', '-b', 'a']);
    repo.commitFiles({ 'a.ts': 'a\n' }, 'a');
    repo.git(['checkout', '-q', '-b', 'b']);
    repo.commitFiles({ 'b.py': `KEY = "${KEY}"\n` }, 'b', { noVerify: true });
    const run = push(repo, 'origin', 'a', 'b');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('b.py');
  });

  test('the config comes from the server, never from the pushed commits', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    const disable = '[extend]\ndisabledRules = ["openai-project-key"]\n';
    repo.commitFiles({ 'keyscan.toml': disable, 'ai.ts': `const k = "${KEY}";\n` }, 'disable the rule and add a key', { noVerify: true });
    const pushed = push(repo, 'origin', 'main');
    expect(pushed.code).not.toBe(0);
    expect(pushed.stderr).toContain('ai.ts');
    // the same file in the server's own repository directory is the server's config
    writeFileSync(join(bare, 'keyscan.toml'), disable);
    expect(push(repo, 'origin', 'main').code).toBe(0);
  });

  test('a .keyscanignore in the pushed commits hides nothing', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    repo.commitFiles({ '.keyscanignore': '*\n', 'secrets/ai.ts': `const k = "${KEY}";\n` }, 'ignore everything', { noVerify: true });
    const run = push(repo, 'origin', 'main');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('secrets/ai.ts');
  });

  test('--config names the server config', () => {
    const bare = bareRepo();
    const config = join(tempTree(), 'server-keyscan.toml');
    writeFileSync(config, '[[rules]]\nid = "acme-token"\nregex = \'\'\'(acme_[a-z0-9]{32})\'\'\'\nkeywords = ["acme_"]\n');
    installPreReceive(bare, ['--config', config]);
    const repo = clientOf(bare);
    repo.commitFiles({ 'x.txt': `acme_${'k3y9'.repeat(8)}\n` }, 'acme', { noVerify: true });
    const run = push(repo, 'origin', 'main');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('acme-token');
  });

  test('a push of 2,000 commits is scanned in one stream and the key in commit 1,500 rejects it', () => {
    const bare = bareRepo();
    installPreReceive(bare);
    const repo = clientOf(bare);
    const parts: string[] = [];
    for (let i = 1; i <= 2000; i++) {
      const body = i === 1500 ? `const k = "${KEY}";\n` : `export const v${i} = ${i};\n`;
      const message = `commit ${i}\n`;
      parts.push(`commit refs/heads/main\ncommitter A <a@b.c> ${1_700_000_000 + i} +0000\ndata ${message.length}\n${message}`);
      if (i === 1) parts.push(`from ${repo.head()}\n`);
      parts.push(`M 644 inline src/f${i % 50}.ts\ndata ${Buffer.byteLength(body)}\n${body}\n`);
    }
    execFileSync('git', ['fast-import', '--quiet', '--force'], { cwd: repo.root, input: parts.join(''), env: gitEnv() as NodeJS.ProcessEnv });
    repo.git(['reset', '-q', '--hard', 'main']);
    const started = Date.now();
    const run = push(repo, 'origin', 'main');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/remote: src\/f0\.ts/);
    // the one-line report names the commit by its short hash: commit 1,500 is 500 before the tip
    expect(run.stderr).toContain(repo.git(['rev-parse', '--short=12', 'main~500']).trim());
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);

  test('bad input on stdin is a usage error (exit 2), which rejects the push', async () => {
    const bare = bareRepo();
    const run = await runBuiltCli(['pre-receive'], { cwd: bare, input: 'not a ref line\n', env: cliEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('keyscan pre-receive reads git');
  });
});

describe('keyscan install --hook pre-push and keyscan pre-push', () => {
  function clientWithPrePush(): { repo: GitRepo; bare: string } {
    const bare = bareRepo();
    const repo = clientOf(bare);
    const install = execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push'], { cwd: repo.root, env: gitEnv({ PATH }) as NodeJS.ProcessEnv, encoding: 'utf8' });
    expect(install).toContain('installed the pre-push hook in .git/hooks/pre-push');
    return { repo, bare };
  }

  test('blocks a git push of a key to a local bare remote; nothing reaches it', () => {
    const { repo, bare } = clientWithPrePush();
    expect(push(repo, 'origin', 'main').code).toBe(0);
    repo.commitFiles({ 'config/ai.rb': `OPENAI = "${KEY}"\n` }, 'key', { noVerify: true });
    const run = push(repo, 'origin', 'main');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('keyscan: push blocked: the commits this push would send to origin add a key');
    expect(run.stderr).toContain('ENV.fetch');
    expect(run.stderr).toContain('git commit --amend');
    expect(run.stderr).toContain('failed to push');
    expect(run.stdout + run.stderr).not.toContain(KEY);
    expect(serverRef(bare, 'main')).not.toBe(repo.head());
    // the developer's way out, as the message says
    expect(push(repo, '--no-verify', 'origin', 'main').code).toBe(0);
  });

  test('a new branch is scanned for the commits no remote-tracking ref has', () => {
    const { repo, bare } = clientWithPrePush();
    repo.commitFiles({ 'old.txt': `token=${OLD_KEY}\n` }, 'old key', { noVerify: true });
    expect(push(repo, '--no-verify', 'origin', 'main').code).toBe(0);
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.commitFiles({ 'f.ts': 'export {};\n' }, 'feature');
    const run = push(repo, 'origin', 'feature');
    expect(run.code, run.stderr).toBe(0);
    expect(serverRef(bare, 'feature')).toBe(repo.head());
  });

  test('deleting a remote branch scans nothing', () => {
    const { repo, bare } = clientWithPrePush();
    expect(push(repo, 'origin', 'main', 'main:tmp').code).toBe(0);
    expect(push(repo, 'origin', ':tmp').code).toBe(0);
    expect(serverRef(bare, 'tmp')).toBeUndefined();
  });

  test('an existing pre-push hook is kept with --force and still gets the refs on stdin', () => {
    const bare = bareRepo();
    const repo = clientOf(bare);
    const seen = join(tempTree(), 'seen.txt');
    const own = join(repo.root, '.git/hooks/pre-push');
    writeFileSync(own, `#!/bin/sh\necho "remote=$1" > ${JSON.stringify(seen)}\ncat >> ${JSON.stringify(seen)}\n`);
    chmodSync(own, 0o755);
    const env = gitEnv({ PATH }) as NodeJS.ProcessEnv;
    expect(() => execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push'], { cwd: repo.root, env, stdio: 'pipe' })).toThrow();
    execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push', '--force'], { cwd: repo.root, env });
    expect(push(repo, 'origin', 'main').code).toBe(0);
    expect(readFileSync(seen, 'utf8')).toBe(`remote=origin\nrefs/heads/main ${repo.head()} refs/heads/main ${'0'.repeat(40)}\n`);
    execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push', '--uninstall'], { cwd: repo.root, env });
    expect(readFileSync(own, 'utf8')).toContain('echo "remote=$1"');
    expect(existsSync(`${own}.pre-keyscan`)).toBe(false);
  });

  test('with core.hooksPath, the hook goes there and blocks the push', () => {
    const bare = bareRepo();
    const repo = clientOf(bare);
    mkdirSync(join(repo.root, 'githooks'));
    repo.git(['config', 'core.hooksPath', 'githooks']);
    execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push'], { cwd: repo.root, env: gitEnv({ PATH }) as NodeJS.ProcessEnv });
    expect(existsSync(join(repo.root, 'githooks/pre-push'))).toBe(true);
    repo.commitFiles({ 'k.go': `var k = "${KEY}"\n` }, 'key', { noVerify: true });
    expect(push(repo, 'origin', 'main').code).not.toBe(0);
  });

  test('with husky, the hook is appended to .husky/pre-push after what is there', () => {
    const bare = bareRepo();
    const repo = clientOf(bare, { '.husky/pre-push': 'npm test\n' });
    execFileSync(process.execPath, [CLI, 'install', '--hook', 'pre-push'], { cwd: repo.root, env: gitEnv({ PATH }) as NodeJS.ProcessEnv });
    const text = readFileSync(join(repo.root, '.husky/pre-push'), 'utf8');
    expect(text.startsWith('npm test\n# >>> keyscan >>>')).toBe(true);
    expect(text).toContain('pre-push "$@"');
  });
});
