import { secretReport, type JsonFinding, type JsonReport } from './helpers/report.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runBuiltCli, type CliRun } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { AUTHOR, cliEnv, gitEnv, repoAt, tempRepo, type GitRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEYS = Array.from({ length: 8 }, (_, i) => fakeOpenAiProjectKey(500 + i));
const [KEY, KEY_2] = KEYS as [string, string];


function keyscanGit(cwd: string, args: string[] = []): Promise<CliRun> {
  return runBuiltCli(['git', ...args], { cwd, env: cliEnv() });
}

async function gitJson(cwd: string, args: string[] = []): Promise<{ code: number | null; report: JsonReport; run: CliRun }> {
  const run = await keyscanGit(cwd, [...args, '--format', 'json']);
  expect(run.stderr).toBe('');
  return { code: run.code, report: secretReport<JsonReport>(run.stdout), run };
}

function expectNoKeyIn(run: CliRun): void {
  for (const key of KEYS) {
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain(key.slice(8, 30));
  }
}

function expectOneLineError(run: CliRun, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/** %aI of a date given as `…Z`: git prints UTC offsets as +00:00. */
const isoOf = (date: string): string => date.replace(/Z$/, '+00:00');

describe.concurrent('keyscan git: the life of a key', () => {
  let repo: GitRepo;
  const sha: string[] = [];
  const dates = ['2021-03-01T10:00:00Z', '2021-03-02T10:00:00Z', '2021-03-03T10:00:00Z', '2021-03-04T10:00:00Z', '2021-03-05T10:00:00Z', '2021-03-06T10:00:00Z'];

  beforeAll(() => {
    repo = tempRepo();
    const add = (files: Record<string, string>, message: string) => {
      sha.push(repo.commitFiles(files, message, { date: dates[sha.length]! }));
    };
    add({ 'a.txt': `service: api\nOPENAI_API_KEY=${KEY}\n` }, 'Add service config\n\nWith the production key, for now.');
    add({ 'config/b.txt': '# config\nregion: eu\n' }, 'Add region config');
    add({ 'a.txt': `service: api\nOPENAI_API_KEY=${KEY}\ntimeout: 30\n` }, 'Add a timeout');
    add({ 'a.txt': 'service: api\ntimeout: 30\n', 'config/b.txt': `# config\nregion: eu\nOPENAI_API_KEY=${KEY}\n` }, 'Move the key to config');
    add({ 'config/b.txt': '# config\nregion: eu\n' }, 'Remove the key');
    add({ 'a.txt': `service: api\ntimeout: 30\nOPENAI_API_KEY=${KEY}\n` }, 'Put the key back');
  });

  test('each place the key was added is reported once, at the commit that added it, oldest first', async () => {
    const { code, report, run } = await gitJson(repo.root);
    expect(code).toBe(1);
    expect(report.mode).toBe('history');
    // commit 3 keeps the key (not added again); commit 6 re-adds it to a.txt: the same key in the
    // same file is one finding, reported where it first appeared
    expect(report.findings.map((f) => [f.file, f.line, f.commit])).toEqual([
      ['a.txt', 2, sha[0]],
      ['config/b.txt', 3, sha[3]],
    ]);
    expect(report.stats.commits).toBe(6);
    expectNoKeyIn(run);
  });

  test('each finding carries the commit, author, email, ISO date and first line of the message', async () => {
    const { report } = await gitJson(repo.root);
    const [first, moved] = report.findings as [JsonFinding, JsonFinding];
    expect(first).toMatchObject({
      ruleId: 'openai-project-key',
      commit: sha[0],
      author: AUTHOR.name,
      email: AUTHOR.email,
      date: isoOf(dates[0]!),
      message: 'Add service config',
      secret: `${KEY.slice(0, 4)}********${KEY.slice(-2)}`,
    });
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})$/);
    expect(Date.parse(first.date!)).toBe(Date.parse(dates[0]!));
    expect(moved).toMatchObject({ commit: sha[3], date: isoOf(dates[3]!), message: 'Move the key to config', author: AUTHOR.name, email: AUTHOR.email });
  });

  test('the text report (--verbose) shows the commit, author and message under each finding', async () => {
    const run = await keyscanGit(repo.root, ['--verbose']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('a.txt');
    expect(run.stdout).toContain('config/b.txt');
    expect(run.stdout).toContain(`commit ${sha[0]!.slice(0, 12)}`);
    expect(run.stdout).toContain(`${AUTHOR.name} <${AUTHOR.email}>`);
    expect(run.stdout).toContain('Add service config');
    expect(run.stdout).toMatch(/2 findings/);
    expect(run.stdout).toMatch(/6 commits/);
    expectNoKeyIn(run);
  });

  test('a range that starts after the key was added sees only the later additions', async () => {
    const { code, report } = await gitJson(repo.root, [`${sha[3]}..HEAD`]);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.line, f.commit])).toEqual([['a.txt', 3, sha[5]]]);
  });
});

describe.concurrent('keyscan git: keys that are easy to miss', () => {
  test('a file copied whole to a new path is a new place for the key', async () => {
    const repo = tempRepo();
    const first = repo.commitFiles({ 'a.env': `OPENAI_API_KEY=${KEY}\n` }, 'add a.env');
    const copy = repo.commitFiles({ 'copy/b.env': `OPENAI_API_KEY=${KEY}\n` }, 'copy it');
    const { code, report } = await gitJson(repo.root);
    expect(code).toBe(1);
    // as with a key moved into another file: the same key in another file is another finding
    expect(report.findings.map((f) => [f.file, f.commit])).toEqual([
      ['a.env', first],
      ['copy/b.env', copy],
    ]);
  });

  test('a key added while resolving a merge is found at the merge commit', async () => {
    const repo = tempRepo({ 'main.txt': 'main\n' }, { commit: 'initial' });
    repo.git(['checkout', '-q', '-b', 'side']);
    repo.commitFiles({ 'side.txt': 'side\n' }, 'side work');
    repo.git(['checkout', '-q', 'main']);
    repo.commitFiles({ 'main.txt': 'main\nmore\n' }, 'main work');
    repo.git(['merge', '-q', '--no-commit', 'side']);
    repo.write({ 'merge-fix.env': `OPENAI_API_KEY=${KEY_2}\n` });
    const merge = repo.commit('Merge branch side');
    expect(repo.git(['rev-list', '--parents', '-n', '1', 'HEAD']).trim().split(' ')).toHaveLength(3);
    const { code, report, run } = await gitJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.commit, f.message])).toEqual([['merge-fix.env', merge, 'Merge branch side']]);
    expectNoKeyIn(run);
  });

  test('a change merged from a branch is read once, at the branch commit: the merge scans no diff of its own', async () => {
    const repo = tempRepo({ 'main.txt': 'main\n' }, { commit: 'initial' });
    repo.git(['checkout', '-q', '-b', 'side']);
    const side = repo.commitFiles({ 'side.env': `OPENAI_API_KEY=${KEY_2}\n` }, 'side work');
    repo.git(['checkout', '-q', 'main']);
    repo.commitFiles({ 'main.txt': 'main\nmore\n' }, 'main work');
    repo.git(['merge', '-q', '--no-ff', '-m', 'Merge branch side', 'side']);
    const { code, report } = await gitJson(repo.root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.commit])).toEqual([['side.env', side]]);
    // the lines added and the messages, each once: the merge's first-parent diff of side.env has
    // the blobs of the side commit's, so it is not read again
    const added = ['main', `OPENAI_API_KEY=${KEY_2}`, 'more'];
    const messages = ['initial', 'side work', 'main work', 'Merge branch side'];
    expect(report.stats.bytes).toBe([...added, ...messages].join('').length);
  });
});

describe.concurrent('keyscan git: branches and revisions', () => {
  test('a key on a branch that is not checked out is found without a range and with --branch', async () => {
    const repo = tempRepo({ 'README.md': '# app\n' }, { commit: 'initial' });
    repo.git(['checkout', '-q', '-b', 'side']);
    const side = repo.commitFiles({ 'side.env': `OPENAI_API_KEY=${KEY}\n` }, 'side work');
    repo.git(['checkout', '-q', 'main']);

    const all = await gitJson(repo.root);
    expect(all.code).toBe(1);
    expect(all.report.findings.map((f) => [f.file, f.commit])).toEqual([['side.env', side]]);
    const explicitAll = await gitJson(repo.root, ['--all']);
    expect(explicitAll.report.findings.map((f) => f.commit)).toEqual([side]);
    const branch = await gitJson(repo.root, ['--branch', 'side']);
    expect(branch.code).toBe(1);
    expect(branch.report.findings.map((f) => [f.file, f.commit])).toEqual([['side.env', side]]);
    const main = await gitJson(repo.root, ['--branch', 'main']);
    expect(main.code).toBe(0);
    expect(main.report.findings).toEqual([]);
  });

  describe('ranges', () => {
    let repo: GitRepo;
    const sha: string[] = [];
    const fileOf = (i: number) => `k${i + 1}.env`;

    beforeAll(() => {
      repo = tempRepo();
      for (let i = 0; i < 5; i++)
        sha.push(repo.commitFiles({ [fileOf(i)]: `OPENAI_API_KEY=${KEYS[i]}\n` }, `commit ${i + 1}`, { date: `2020-01-0${i + 1}T12:00:00Z` }));
    });

    const scanned = async (args: string[]) => {
      const { code, report } = await gitJson(repo.root, args);
      return { code, files: report.findings.map((f) => f.file), commits: report.findings.map((f) => f.commit), stats: report.stats };
    };

    test('HEAD~2..HEAD sees only those two commits', async () => {
      const r = await scanned(['HEAD~2..HEAD']);
      expect(r.code).toBe(1);
      expect(r.files).toEqual(['k4.env', 'k5.env']);
      expect(r.commits).toEqual([sha[3], sha[4]]);
      expect(r.stats.commits).toBe(2);
    });

    test('<sha>^! is that one commit', async () => {
      const r = await scanned([`${sha[2]}^!`]);
      expect(r.files).toEqual(['k3.env']);
      expect(r.stats.commits).toBe(1);
    });

    test('a bare sha means every commit reachable from it', async () => {
      const r = await scanned([sha[2]!]);
      expect(r.files).toEqual(['k1.env', 'k2.env', 'k3.env']);
    });

    test('<sha>.. runs up to HEAD', async () => {
      const r = await scanned([`${sha[2]}..`]);
      expect(r.files).toEqual(['k4.env', 'k5.env']);
    });

    test('--since keeps the commits after the date', async () => {
      const r = await scanned(['--since', '2020-01-03T18:00:00Z']);
      expect(r.files).toEqual(['k4.env', 'k5.env']);
      expect(r.stats.commits).toBe(2);
    });

    test('--max-commits keeps the newest n', async () => {
      expect((await scanned(['--max-commits', '2'])).files).toEqual(['k4.env', 'k5.env']);
      expect((await scanned(['--max-commits', '2', 'HEAD~1'])).files).toEqual(['k3.env', 'k4.env']);
    });

    test('a git-log style -1 is not taken for a revision', async () => {
      const run = await keyscanGit(repo.root, ['-1']);
      expectOneLineError(run, /-1/);
    });

    test('--max-commits 0 and --all with a range are usage errors', async () => {
      expectOneLineError(await keyscanGit(repo.root, ['--max-commits', '0']), /--max-commits/);
      expectOneLineError(await keyscanGit(repo.root, ['--all', 'HEAD']), /--all/);
    });

    test('an unknown revision exits 2 with one line naming it', async () => {
      expectOneLineError(await keyscanGit(repo.root, ['no-such-branch']), /unknown revision no-such-branch/);
      expectOneLineError(await keyscanGit(repo.root, ['no-such-branch..HEAD']), /unknown revision no-such-branch/);
      expectOneLineError(await keyscanGit(repo.root, ['--branch', 'nope']), /unknown revision nope/);
    });
  });

  test('a detached HEAD works, and a commit made on it is part of every ref', async () => {
    const repo = tempRepo();
    const sha = KEYS.slice(0, 3).map((key, i) => repo.commitFiles({ [`k${i + 1}.env`]: `OPENAI_API_KEY=${key}\n` }, `commit ${i + 1}`, { date: `2020-01-0${i + 1}T12:00:00Z` }));
    repo.commitFiles({ 'k4.env': `OPENAI_API_KEY=${KEYS[3]}\n` }, 'commit 4', { date: '2020-01-04T12:00:00Z' });
    repo.git(['checkout', '-q', '--detach', sha[2]!]);
    expect(repo.tryGit(['symbolic-ref', '-q', 'HEAD']).code).not.toBe(0);
    const head = await gitJson(repo.root, ['HEAD']);
    expect(head.report.findings.map((f) => f.file)).toEqual(['k1.env', 'k2.env', 'k3.env']);
    const onDetached = repo.commitFiles({ 'detached.env': `OPENAI_API_KEY=${KEYS[6]}\n` }, 'on a detached head', { date: '2020-01-05T12:00:00Z' });
    const all = await gitJson(repo.root);
    expect(all.code).toBe(1);
    expect(all.report.findings.map((f) => f.file)).toEqual(['k1.env', 'k2.env', 'k3.env', 'k4.env', 'detached.env']);
    expect(all.report.findings[4]!.commit).toBe(onDetached);
  });

  test('an empty repository (no commits) exits 0', async () => {
    const repo = tempRepo();
    const { code, report } = await gitJson(repo.root);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.stats.commits).toBe(0);
  });

  test('outside a git repository it exits 2 with one line', async () => {
    const dir = tempTree({ 'a.env': `OPENAI_API_KEY=${KEY}\n` });
    const run = await runBuiltCli(['git'], { cwd: dir, env: cliEnv({ GIT_CEILING_DIRECTORIES: tmpdir() }) });
    expectOneLineError(run, /not a git repository/);
  });
});

describe.concurrent('keyscan git: a long history', () => {
  test('2,000 commits made with git fast-import: exactly the 3 planted keys, at their commits', async () => {
    const repo = tempRepo();
    const planted = new Map<number, string>([
      [137, KEYS[0]!],
      [1000, KEYS[1]!],
      [1999, KEYS[2]!],
    ]);
    const epoch = 1_600_000_000;
    const chunks: Buffer[] = [];
    const data = (text: string) => {
      const body = Buffer.from(text);
      chunks.push(Buffer.from(`data ${body.length}\n`), body, Buffer.from('\n'));
    };
    for (let i = 1; i <= 2000; i++) {
      const when = `${epoch + i * 60} +0000`;
      chunks.push(Buffer.from(`commit refs/heads/main\nmark :${i}\nauthor ${AUTHOR.name} <${AUTHOR.email}> ${when}\ncommitter ${AUTHOR.name} <${AUTHOR.email}> ${when}\n`));
      data(planted.has(i) ? `plant ${i}\n` : `change ${i}\n`);
      chunks.push(Buffer.from(`M 100644 inline src/f${i % 50}.txt\n`));
      const key = planted.get(i);
      data(key === undefined ? `value ${i}\n` : `value ${i}\nOPENAI_API_KEY=${key}\n`);
    }
    const marksFile = join(tempTree(), 'marks');
    execFileSync('git', ['fast-import', '--quiet', `--export-marks=${marksFile}`], { cwd: repo.root, input: Buffer.concat(chunks), env: gitEnv() as NodeJS.ProcessEnv });
    const marks = new Map(
      readFileSync(marksFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string])
        .map(([mark, sha]) => [Number(mark.slice(1)), sha]),
    );
    expect(repo.git(['rev-list', '--count', 'HEAD']).trim()).toBe('2000');

    const started = Date.now();
    const { code, report, run } = await gitJson(repo.root);
    const elapsedMs = Date.now() - started;
    expect(code).toBe(1);
    expect(report.stats.commits).toBe(2000);
    expect(report.findings.map((f) => [f.file, f.line, f.commit, f.message])).toEqual(
      [...planted.keys()].map((i) => [`src/f${i % 50}.txt`, 2, marks.get(i), `plant ${i}`]),
    );
    expect(report.findings.map((f) => f.date)).toEqual([...planted.keys()].map((i) => new Date((epoch + i * 60) * 1000).toISOString().replace('.000Z', '+00:00')));
    expect(elapsedMs).toBeLessThan(20_000);
    expectNoKeyIn(run);
  });
});

describe.concurrent('keyscan git in a shallow clone', () => {
  let source: GitRepo;

  beforeAll(() => {
    source = tempRepo();
    source.commitFiles({ 'a.txt': 'one\n' }, 'c1');
    source.commitFiles({ 'leak.env': `OPENAI_API_KEY=${KEY}\n` }, 'c2 plants a key');
    source.commitFiles({ 'a.txt': 'one\ntwo\n' }, 'c3');
    source.git(['rm', '-q', 'leak.env']);
    source.commit('c4 removes the key');
    source.git(['checkout', '-q', '-b', 'feature']);
    source.commitFiles({ 'feature.txt': 'feature\n' }, 'f1');
    source.git(['checkout', '-q', 'main']);
    source.commitFiles({ 'a.txt': 'one\ntwo\nthree\n' }, 'c5');
  });

  describe.each([
    ['file://', (src: string) => [`file://${src}`]],
    ['--no-local', (src: string) => ['--no-local', src]],
  ])('cloned with --depth 1 %s', (_how, cloneArgs) => {
    let clone: GitRepo;

    beforeAll(() => {
      const dir = join(tempTree(), 'clone');
      execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', '-b', 'feature', ...cloneArgs(source.root), dir], { env: gitEnv() as NodeJS.ProcessEnv });
      clone = repoAt(dir, { init: false });
      expect(clone.git(['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
    });

    test('a range whose base was cut off exits 2 and says to fetch --unshallow', async () => {
      const run = await keyscanGit(clone.root, ['HEAD~2..HEAD']);
      expectOneLineError(run, /git fetch --unshallow/);
      expect(run.stderr).toMatch(/shallow/);
    });

    test('a range between two branch tips whose merge base was cut off exits 2 and names the remote', async () => {
      const run = await keyscanGit(clone.root, ['origin/main..HEAD']);
      expectOneLineError(run, /git fetch --unshallow origin/);
    });

    test('a revision beyond the cut-off exits 2 and says to fetch --unshallow', async () => {
      const run = await keyscanGit(clone.root, ['HEAD~1']);
      expectOneLineError(run, /HEAD~1 is not in this shallow clone.*git fetch --unshallow/);
    });

    test('a plain scan warns on stderr that the clone is shallow', async () => {
      const run = await keyscanGit(clone.root, ['--format', 'json']);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^keyscan: warning: this is a shallow clone.*git fetch --unshallow/m);
      expect((JSON.parse(run.stdout) as JsonReport).findings).toEqual([]);
      expectNoKeyIn(run);
    });
  });
});
