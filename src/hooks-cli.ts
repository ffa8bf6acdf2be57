import { resolve } from 'node:path';
import type { Io, ExitCode } from './run.js';
import { KeyscanError } from './errors.js';
import type { Options } from './options.js';
import type { ScanResult, SecretFinding } from './types.js';

// keyscan agent-hook, pre-push, pre-receive and the installs that set them up. Each loads what it
// needs when it runs: an agent hook answers on every tool call and must start fast.

export async function runHookCommand(opts: Options, io: Io): Promise<ExitCode> {
  switch (opts.command) {
    case 'agent-hook':
      return (await import('./agent-hook.js')).runAgentHook(opts.agent, opts.config, io);
    case 'pre-push':
      return runPrePush(opts, io);
    case 'pre-receive':
      return runPreReceive(opts, io);
    default:
      throw new KeyscanError('INTERNAL', `not a hook command: ${opts.command}`);
  }
}

/** keyscan install --agent <agent> or --hook pre-push (and their --uninstall). */
export async function runHookInstall(opts: Options, io: Io): Promise<ExitCode> {
  if (opts.agent !== undefined) {
    const { installAgentHooks, uninstallAgentHooks, describeAgentAction } = await import('./install-agent.js');
    const where = { cwd: io.cwd, home: io.env['HOME'], user: opts.user };
    const action = opts.uninstall ? await uninstallAgentHooks(opts.agent, where) : await installAgentHooks(opts.agent, where);
    io.stdout(describeAgentAction(action, io.cwd));
    return 0;
  }
  const { describeAction, installHook, uninstallHook } = await import('./install.js');
  const action = opts.uninstall ? await uninstallHook(io.cwd, opts.hook) : await installHook(io.cwd, opts.force, opts.hook);
  const message = describeAction(action, io.cwd, opts.hook);
  if (action.kind !== 'refused') {
    io.stdout(message);
    return 0;
  }
  const [first, ...rest] = message.split('\n');
  io.stdout(rest.join('\n'));
  io.stderr(`${first}\n`);
  return 2;
}

async function readLines(io: Io): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin()) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const isZero = (id: string): boolean => /^0+$/.test(id);

/** A line of git's hook input, as words, each an object id where git puts one; else a usage error. */
function hookLine(line: string, ids: readonly number[], hook: string, shape: string): string[] {
  const words = line.split(' ');
  if (words.length !== shape.split('> <').length || ids.some((i) => !OBJECT_ID.test(words[i]!)))
    throw new KeyscanError('USAGE', `keyscan ${hook} reads git's ${hook} lines (${shape}) on stdin; got ${JSON.stringify(line.slice(0, 120))}`);
  return words;
}

/** The settings of a hook scan: the config named with --config, else the one at `root`. */
async function pushSettings(opts: Options, root: string, io: Io) {
  const { DEFAULT_CONFIG, effectiveRules, findConfig, loadConfig } = await import('./rules/config.js');
  const path = opts.config !== undefined ? resolve(io.cwd, opts.config) : findConfig(root);
  const config = path === undefined ? DEFAULT_CONFIG : loadConfig(path);
  // whether a key lingers in history or is stale is a question about a repository, not about a push
  const disabledPractices = [...config.practices.disable, 'leaked-in-history', 'stale-key'] as const;
  return { rules: effectiveRules(config), disabledPractices, clientSidePaths: config.practices.clientSidePaths };
}

/** The text report of the keys found (practices alone never stop a push), redacted unless --show-secrets. */
async function keysReport(result: ScanResult, opts: Options, color: boolean, displayRoot: string): Promise<string> {
  const { text } = await import('./report/text.js');
  const { packageVersion } = await import('./version.js');
  return text({ ...result, practices: [] }, { showSecrets: opts.showSecrets, color, displayRoot, version: packageVersion() });
}

function secretsOf(result: ScanResult): SecretFinding[] {
  return result.findings.filter((f): f is SecretFinding => f.kind === 'secret');
}

const URL_IN_TEXT = /https:\/\/[^\s)"'`,;]+[^\s)"'`,;.]/;

/** The environment variables and rotation pages of the keys found, for the advice that follows the report. */
function whereKeysGo(secrets: readonly SecretFinding[]): { variables: string; pages: string } {
  const variables = [...new Set(secrets.map((f) => f.practices.find((n) => n.id === 'hardcoded-key')?.fix ?? 'read it from an environment variable'))];
  const pages = [...new Set(secrets.flatMap((f) => URL_IN_TEXT.exec(f.remediation)?.[0] ?? []))];
  return { variables: variables.join('; '), pages: pages.length === 0 ? "in the provider's console" : `at ${pages.join(', ')}` };
}

/**
 * keyscan pre-push: git's pre-push hook gives `<local ref> <local sha> <remote ref> <remote sha>`
 * per ref. Scanned: for an update, remote..local; for a new branch (or a remote sha this clone
 * lacks), the commits no remote-tracking ref reaches; for a deletion, nothing.
 */
async function runPrePush(opts: Options, io: Io): Promise<ExitCode> {
  const lines = await readLines(io);
  const { commitExists } = await import('./sources/git-config.js');
  const { repoRoot } = await import('./sources/git.js');
  const root = await repoRoot(io.cwd);
  const revisions: string[] = [];
  let newBranch = false;
  for (const line of lines) {
    const [, local, , remote] = hookLine(line, [1, 3], 'pre-push', '<local ref> <local sha> <remote ref> <remote sha>');
    if (isZero(local!)) continue; // a deletion adds nothing
    if (!isZero(remote!) && (await commitExists(root, remote!))) revisions.push(`${remote}..${local}`);
    else {
      revisions.push(local!);
      newBranch = true;
    }
  }
  if (revisions.length === 0) return 0;
  const { scanGit } = await import('./scan.js');
  const settings = await pushSettings(opts, root, io);
  const result = await scanGit({ mode: 'history', cwd: io.cwd, root, history: { revisions, exclude: newBranch ? 'remotes' : undefined }, ...settings });
  const secrets = secretsOf(result);
  if (secrets.length === 0) return 0;
  const color = io.stderrIsTTY && !('NO_COLOR' in io.env && io.env['NO_COLOR'] !== '');
  io.stderr(await keysReport({ ...result, findings: secrets }, opts, color, ''));
  const { variables, pages } = whereKeysGo(secrets);
  const remote = opts.remote ?? 'the remote';
  io.stderr(
    [
      '',
      `keyscan: push blocked: the commits this push would send to ${remote} add ${secrets.length === 1 ? 'a key' : `${secrets.length} keys`} (above, redacted). Nothing was sent.`,
      `  Instead of the key in the file: ${variables}.`,
      '  Then take the key out of the commits: in the last commit, fix the file, `git add` it and `git commit --amend`;',
      "  in an older one, `git rebase -i` from the remote branch, mark that commit `edit`, fix it, then `git commit --amend` and `git rebase --continue`.",
      `  If the key was ever pushed or shared elsewhere, rotate it ${pages}.`,
      '  A false positive: put keyscan:allow in a comment on its line. Bypass this check (not recommended): git push --no-verify.',
      '',
    ].join('\n'),
  );
  return 1;
}

/**
 * keyscan pre-receive, for a server's pre-receive hook: `<old> <new> <ref>` per ref. Scanned: the
 * commits of the new tips that no ref of the repository reaches yet. The pushed objects sit in git's
 * quarantine (GIT_QUARANTINE_PATH, with GIT_OBJECT_DIRECTORY and GIT_ALTERNATE_OBJECT_DIRECTORIES
 * pointing at it), which every git child inherits. The config is the server's: --config, else a
 * keyscan.toml in the repository's own directory; never a file of the pushed commits.
 */
async function runPreReceive(opts: Options, io: Io): Promise<ExitCode> {
  const lines = await readLines(io);
  // hooks run in the repository's directory (GIT_DIR for a bare one)
  const gitDir = resolve(io.cwd, io.env['GIT_DIR'] ?? '.');
  const revisions: string[] = [];
  for (const line of lines) {
    const [, next] = hookLine(line, [0, 1], 'pre-receive', '<old> <new> <ref>');
    if (!isZero(next!)) revisions.push(next!);
  }
  if (revisions.length === 0) return 0;
  const { scanGit } = await import('./scan.js');
  const settings = await pushSettings(opts, gitDir, io);
  const result = await scanGit({ mode: 'history', cwd: gitDir, root: gitDir, history: { revisions: [...new Set(revisions)], exclude: 'all' }, ...settings });
  const secrets = secretsOf(result);
  if (secrets.length === 0) return 0;
  // git shows the hook's output to the pusher, each line after "remote: "
  io.stderr(await keysReport({ ...result, findings: secrets }, opts, false, ''));
  const { variables, pages } = whereKeysGo(secrets);
  io.stderr(
    [
      '',
      `keyscan: push rejected: the pushed commits add ${secrets.length === 1 ? 'a key' : `${secrets.length} keys`} (above, redacted). The server did not store them.`,
      `  Instead of the key in the file: ${variables}.`,
      '  Take the key out of your commits (`git commit --amend` for the last one, `git rebase -i` for older ones) and push again.',
      `  The key has left your machine: if it was pushed or shared anywhere else, rotate it ${pages}.`,
      '',
    ].join('\n'),
  );
  return 1;
}
