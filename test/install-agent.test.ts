import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { cliEnv, keyscanShimDir, pathWithShim, tempRepo } from './helpers/git-repo.js';
import { tempTree } from './helpers/tmp.js';

const KEY = fakeOpenAiProjectKey(11);

// A project's .claude/settings.json with settings and hooks of its own, as teams write them.
const CLAUDE_SETTINGS = {
  permissions: { allow: ['Bash(npm run test:*)'], deny: ['Read(./.env)'] },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '"$CLAUDE_PROJECT_DIR"/.claude/hooks/no-rm-rf.sh' }] }],
    PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$(jq -r .tool_input.file_path)"' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
  },
};

const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

async function install(args: readonly string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return runBuiltCli(['install', ...args], { cwd, env: cliEnv(env) });
}

/** Runs a hook command the way the agent does: through a shell, the event on stdin. */
function runHookCommand(command: string, event: unknown, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('sh', ['-c', command], { input: JSON.stringify(event), encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('keyscan install --agent claude-code', () => {
  test('in a temp project: writes the hooks, and the installed PreToolUse hook denies a Write of a key', async () => {
    const repo = tempRepo();
    const { code, stdout } = await install(['--agent', 'claude-code'], repo.root);
    expect(code).toBe(0);
    expect(stdout).toContain('.claude/settings.json');
    const settings = json(join(repo.root, '.claude/settings.json')) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    expect(Object.keys(settings.hooks)).toEqual(['UserPromptSubmit', 'PreToolUse', 'PostToolUse']);
    expect(settings.hooks['PreToolUse']![0]!.matcher).toBe('Bash|Write|Edit|MultiEdit|NotebookEdit|mcp__.*');
    const command = settings.hooks['PreToolUse']![0]!.hooks[0]!.command;
    expect(command).not.toContain(repo.root); // no machine path: the file can be committed
    // Claude Code's documented PreToolUse event for a Write
    const event = {
      session_id: 's1',
      transcript_path: join(repo.root, 't.jsonl'),
      cwd: repo.root,
      permission_mode: 'default',
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: join(repo.root, 'src/ai.ts'), content: `export const key = "${KEY}";\n` },
      tool_use_id: 'toolu_1',
    };
    const run = runHookCommand(command, event, { CLAUDE_PROJECT_DIR: repo.root, PATH: pathWithShim(keyscanShimDir()) });
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    expect(answer.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(answer.hookSpecificOutput.permissionDecisionReason).toContain('read it with process.env.OPENAI_API_KEY');
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  test('merges with the hooks already there, twice is once, and --uninstall gives back the file as it was', async () => {
    const repo = tempRepo();
    const path = join(repo.root, '.claude/settings.json');
    repo.write({ '.claude/settings.json': `${JSON.stringify(CLAUDE_SETTINGS, null, 2)}\n` });
    const before = readFileSync(path, 'utf8');

    expect((await install(['--agent', 'claude-code'], repo.root)).code).toBe(0);
    const after = json(path) as typeof CLAUDE_SETTINGS & { hooks: Record<string, unknown[]> };
    expect(after.permissions).toEqual(CLAUDE_SETTINGS.permissions);
    expect(after.hooks['Stop']).toEqual(CLAUDE_SETTINGS.hooks.Stop);
    // the team's hooks stay first and unchanged; keyscan's group comes after
    expect(after.hooks['PreToolUse']![0]).toEqual(CLAUDE_SETTINGS.hooks.PreToolUse[0]);
    expect(after.hooks['PreToolUse']).toHaveLength(2);
    expect(after.hooks['PostToolUse']![0]).toEqual(CLAUDE_SETTINGS.hooks.PostToolUse[0]);
    expect(after.hooks['UserPromptSubmit']).toHaveLength(1);

    const again = await install(['--agent', 'claude-code'], repo.root);
    expect(again.stdout).toContain('already runs keyscan');
    expect((json(path) as { hooks: Record<string, unknown[]> }).hooks['PreToolUse']).toHaveLength(2);

    const removed = await install(['--agent', 'claude-code', '--uninstall'], repo.root);
    expect(removed.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  test('a settings file that did not exist is deleted again by --uninstall', async () => {
    const repo = tempRepo();
    await install(['--agent', 'claude-code'], repo.root);
    expect(existsSync(join(repo.root, '.claude/settings.json'))).toBe(true);
    const removed = await install(['--agent', 'claude-code', '--uninstall'], repo.root);
    expect(removed.stdout).toContain('was deleted');
    expect(existsSync(join(repo.root, '.claude/settings.json'))).toBe(false);
  });

  test('a keyscan handler added to a team group is removed from it, leaving the group', async () => {
    const repo = tempRepo();
    await install(['--agent', 'claude-code'], repo.root);
    const path = join(repo.root, '.claude/settings.json');
    const settings = json(path) as { hooks: Record<string, { matcher?: string; hooks: unknown[] }[]> };
    const ours = settings.hooks['PreToolUse']![0]!.hooks[0];
    settings.hooks['PreToolUse'] = [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit.sh' }, ours] }];
    writeFileSync(path, JSON.stringify(settings));
    await install(['--agent', 'claude-code', '--uninstall'], repo.root);
    expect(json(path)).toEqual({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit.sh' }] }] } });
  });

  test('a settings file that is not valid JSON is left alone, with exit 2', async () => {
    const repo = tempRepo();
    repo.write({ '.claude/settings.json': '{ "hooks": { ' });
    const { code, stderr } = await install(['--agent', 'claude-code'], repo.root);
    expect(code).toBe(2);
    expect(stderr).toContain('is not valid JSON');
    expect(readFileSync(join(repo.root, '.claude/settings.json'), 'utf8')).toBe('{ "hooks": { ');
  });

  test('--user writes ~/.claude/settings.json, not the project file', async () => {
    const home = tempTree();
    const repo = tempRepo();
    const { code } = await install(['--agent', 'claude-code', '--user'], repo.root, { HOME: home });
    expect(code).toBe(0);
    expect(existsSync(join(home, '.claude/settings.json'))).toBe(true);
    expect(existsSync(join(repo.root, '.claude'))).toBe(false);
  });

  test('a user settings file that is a link to a dotfiles repository stays a link', async () => {
    const home = tempTree();
    const dotfiles = tempTree({ 'claude/settings.json': '{"model": "opus"}\n' });
    mkdirSync(join(home, '.claude'));
    symlinkSync(join(dotfiles, 'claude/settings.json'), join(home, '.claude/settings.json'));
    expect((await install(['--agent', 'claude-code', '--user'], tempTree(), { HOME: home })).code).toBe(0);
    expect(lstatSync(join(home, '.claude/settings.json')).isSymbolicLink()).toBe(true);
    expect(json(join(dotfiles, 'claude/settings.json'))).toMatchObject({ model: 'opus', hooks: { PreToolUse: expect.any(Array) } });
    await install(['--agent', 'claude-code', '--user', '--uninstall'], tempTree(), { HOME: home });
    expect(lstatSync(join(home, '.claude/settings.json')).isSymbolicLink()).toBe(true);
    expect(json(join(dotfiles, 'claude/settings.json'))).toEqual({ model: 'opus' });
  });

  test('run below the top of a repository, it writes the settings at the top', async () => {
    const repo = tempRepo({ 'src/a.ts': 'x\n' });
    await install(['--agent', 'claude-code'], join(repo.root, 'src'));
    expect(existsSync(join(repo.root, '.claude/settings.json'))).toBe(true);
  });
});

describe('keyscan install for the other agents', () => {
  test('codex: .codex/hooks.json, merged with a hook already there', async () => {
    const repo = tempRepo();
    const own = { hooks: { Stop: [{ hooks: [{ type: 'command', command: 'notify.sh' }] }] } };
    repo.write({ '.codex/hooks.json': JSON.stringify(own) });
    expect((await install(['--agent', 'codex'], repo.root)).code).toBe(0);
    const settings = json(join(repo.root, '.codex/hooks.json')) as { hooks: Record<string, unknown> };
    expect(Object.keys(settings.hooks)).toEqual(['Stop', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse']);
    await install(['--agent', 'codex', '--uninstall'], repo.root);
    expect(json(join(repo.root, '.codex/hooks.json'))).toEqual(own);
  });

  test('gemini-cli: .gemini/settings.json keeps its other settings', async () => {
    const repo = tempRepo();
    const own = { theme: 'GitHub', hooks: { BeforeTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: 'lint.sh', name: 'lint' }] }] } };
    repo.write({ '.gemini/settings.json': JSON.stringify(own) });
    await install(['--agent', 'gemini-cli'], repo.root);
    const settings = json(join(repo.root, '.gemini/settings.json')) as { theme: string; hooks: Record<string, unknown[]> };
    expect(settings.theme).toBe('GitHub');
    expect(settings.hooks['BeforeTool']).toHaveLength(2);
    expect(Object.keys(settings.hooks)).toEqual(['BeforeTool', 'BeforeAgent', 'AfterTool']);
    await install(['--agent', 'gemini-cli', '--uninstall'], repo.root);
    expect(json(join(repo.root, '.gemini/settings.json'))).toEqual(own);
  });

  test('cursor: .cursor/hooks.json with version 1 and flat handlers', async () => {
    const repo = tempRepo();
    const own = { version: 1, hooks: { afterFileEdit: [{ command: './hooks/format.sh' }] } };
    repo.write({ '.cursor/hooks.json': JSON.stringify(own) });
    await install(['--agent', 'cursor'], repo.root);
    const settings = json(join(repo.root, '.cursor/hooks.json')) as { version: number; hooks: Record<string, { command: string }[]> };
    expect(settings.version).toBe(1);
    expect(settings.hooks['beforeShellExecution']![0]!.command).toContain('agent-hook --agent cursor');
    await install(['--agent', 'cursor', '--uninstall'], repo.root);
    expect(json(join(repo.root, '.cursor/hooks.json'))).toEqual(own);
  });
});
