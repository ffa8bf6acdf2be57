import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runBuiltCli } from './helpers/cli.js';
import { fakeOpenAiProjectKey } from './helpers/fake-keys.js';
import { tempTree } from './helpers/tmp.js';

// The built CLI fed the recorded events of each agent (fixtures/agent-events/<agent>/), each once
// with a fake key where KEYSCAN_TEST_VALUE stands and once with a harmless word.

const FIXTURES = fileURLToPath(new URL('../fixtures/agent-events/', import.meta.url));
const KEY = fakeOpenAiProjectKey(7);
const HARMLESS = 'redacted';

function eventText(agent: string, name: string, value: string): string {
  return readFileSync(`${FIXTURES}${agent}/${name}`, 'utf8').replaceAll('KEYSCAN_TEST_VALUE', value);
}

async function hook(agent: string, name: string, value: string, args: readonly string[] = ['--agent', agent]) {
  const run = await runBuiltCli(['agent-hook', ...args], { cwd: tempTree(), input: eventText(agent, name, value) });
  expect(run.stdout + run.stderr).not.toContain(KEY);
  return run;
}

type Answer = Record<string, unknown>;
const parsed = (stdout: string): Answer => JSON.parse(stdout) as Answer;

/** What each fixture must answer with a key in it, and without one. */
interface Case {
  readonly agent: string;
  readonly fixture: string;
  readonly withKey: (answer: Answer) => void;
  /** The exact stdout of a clean event. */
  readonly clean: string;
}

// Claude Code and Codex: no output leaves the agent's own permission flow alone.
const claudeDeny = (a: Answer): void => {
  expect(Object.keys(a)).toEqual(['hookSpecificOutput']);
  const out = a['hookSpecificOutput'] as Answer;
  expect(out['hookEventName']).toBe('PreToolUse');
  expect(out['permissionDecision']).toBe('deny');
  expect(out['permissionDecisionReason']).toMatch(/OpenAI project API key \(sk-p\*{8}[\w-]{2}, in tool_input\./);
  expect(out['permissionDecisionReason']).toContain('OPENAI_API_KEY');
};
const claudePromptBlock = (a: Answer): void => {
  expect(a).toEqual({ decision: 'block', reason: expect.stringContaining('keyscan blocked this prompt') });
  expect(a['reason']).toContain('OPENAI_API_KEY');
  expect(a['reason']).toContain('https://platform.openai.com/api-keys');
};
const claudeOutputBlock = (a: Answer): void => {
  expect(Object.keys(a).sort()).toEqual(['decision', 'reason', 'systemMessage']);
  expect(a['decision']).toBe('block');
  expect(a['reason']).toContain('Do not repeat');
  expect(a['reason']).toContain('rotate it at https://platform.openai.com/api-keys');
  expect(a['systemMessage']).toContain('reached the AI model');
};

const CASES: readonly Case[] = [
  { agent: 'claude-code', fixture: 'user-prompt-submit.json', withKey: claudePromptBlock, clean: '' },
  { agent: 'claude-code', fixture: 'pre-tool-use-bash.json', withKey: (a) => (claudeDeny(a), expect(JSON.stringify(a)).toContain('$OPENAI_API_KEY')), clean: '' },
  {
    agent: 'claude-code',
    fixture: 'pre-tool-use-write.json',
    withKey: (a) => (claudeDeny(a), expect(JSON.stringify(a)).toContain('in src/openai.ts: read it with process.env.OPENAI_API_KEY')),
    clean: '',
  },
  { agent: 'claude-code', fixture: 'pre-tool-use-edit.json', withKey: (a) => (claudeDeny(a), expect(JSON.stringify(a)).toContain('os.environ')), clean: '' },
  { agent: 'claude-code', fixture: 'pre-tool-use-multiedit.json', withKey: (a) => (claudeDeny(a), expect(JSON.stringify(a)).toContain('tool_input.edits[1].new_string')), clean: '' },
  { agent: 'claude-code', fixture: 'pre-tool-use-notebookedit.json', withKey: claudeDeny, clean: '' },
  { agent: 'claude-code', fixture: 'pre-tool-use-mcp.json', withKey: (a) => (claudeDeny(a), expect(JSON.stringify(a)).toContain('tool_input.body')), clean: '' },
  { agent: 'claude-code', fixture: 'post-tool-use-read.json', withKey: (a) => (claudeOutputBlock(a), expect(a['reason']).toContain('.env.local (read by Read)')), clean: '' },
  { agent: 'claude-code', fixture: 'post-tool-use-bash.json', withKey: (a) => (claudeOutputBlock(a), expect(a['reason']).toContain('the output of Bash')), clean: '' },
  { agent: 'codex', fixture: 'user-prompt-submit.json', withKey: claudePromptBlock, clean: '' },
  { agent: 'codex', fixture: 'pre-tool-use-bash.json', withKey: claudeDeny, clean: '' },
  { agent: 'codex', fixture: 'post-tool-use-bash.json', withKey: claudeOutputBlock, clean: '' },
  {
    agent: 'gemini-cli',
    fixture: 'before-agent.json',
    withKey: (a) => expect(a).toEqual({ decision: 'deny', reason: expect.stringContaining('keyscan blocked this prompt'), systemMessage: expect.any(String) }),
    clean: '{}\n',
  },
  {
    agent: 'gemini-cli',
    fixture: 'before-tool-write-file.json',
    withKey: (a) => expect(a).toEqual({ decision: 'deny', reason: expect.stringContaining('in src/client.js: read it with process.env.OPENAI_API_KEY') }),
    clean: '{}\n',
  },
  { agent: 'gemini-cli', fixture: 'before-tool-shell.json', withKey: (a) => expect(a).toEqual({ decision: 'deny', reason: expect.stringContaining('this shell command') }), clean: '{}\n' },
  {
    agent: 'gemini-cli',
    fixture: 'after-tool-read-file.json',
    withKey: (a) => expect(a).toEqual({ decision: 'deny', reason: expect.stringContaining('keyscan withheld the output of read_file'), systemMessage: expect.stringContaining('.env') }),
    clean: '{}\n',
  },
  {
    agent: 'cursor',
    fixture: 'before-submit-prompt.json',
    withKey: (a) => expect(a).toEqual({ continue: false, user_message: expect.stringContaining('keyscan blocked this prompt') }),
    clean: '{"continue":true}\n',
  },
  {
    agent: 'cursor',
    fixture: 'before-shell-execution.json',
    withKey: (a) => expect(a).toEqual({ permission: 'deny', user_message: expect.stringContaining('OPENAI_API_KEY'), agent_message: expect.stringContaining('OPENAI_API_KEY') }),
    clean: '{}\n',
  },
  { agent: 'cursor', fixture: 'before-mcp-execution.json', withKey: (a) => expect(a['permission']).toBe('deny'), clean: '{}\n' },
  { agent: 'cursor', fixture: 'before-read-file.json', withKey: (a) => expect(a).toEqual({ permission: 'deny' }), clean: '{}\n' },
];

describe.each(CASES)('$agent $fixture', ({ agent, fixture, withKey, clean }) => {
  test('with a key: blocked in the agent’s protocol, exit 0, key never echoed', async () => {
    const { code, stdout, stderr } = await hook(agent, fixture, KEY);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    withKey(parsed(stdout));
  });

  test('without a key: let through with no decision', async () => {
    const { code, stdout, stderr } = await hook(agent, fixture, HARMLESS);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(clean);
  });
});

test('a key a command carries base64-encoded is found too, though its keywords are not in the event', async () => {
  const encoded = Buffer.from(`OPENAI_API_KEY=${KEY}\n`).toString('base64');
  const { code, stdout } = await hook('claude-code', 'pre-tool-use-bash.json', encoded);
  expect(code).toBe(0);
  claudeDeny(parsed(stdout));
  expect(stdout).not.toContain(encoded);
});

describe.each(['claude-code', 'codex', 'gemini-cli', 'cursor'])('%s malformed event', (agent) => {
  test('is let through with a warning on stderr and exit 0', async () => {
    const { code, stdout, stderr } = await hook(agent, 'malformed.json', KEY);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^keyscan: warning: the event is not JSON .*; let through unchecked\n$/);
  });
});

describe('agent-hook', () => {
  test('an event keyscan does not judge is let through with a warning', async () => {
    const { code, stdout, stderr } = await hook('claude-code', 'unknown-event.json', KEY);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('claude-code event "Notification" is not one keyscan checks');
  });

  test('without --agent, the protocol is told by the event name', async () => {
    const gemini = await hook('gemini-cli', 'before-tool-shell.json', KEY, []);
    expect(parsed(gemini.stdout)['decision']).toBe('deny');
    const claude = await hook('claude-code', 'pre-tool-use-write.json', KEY, []);
    expect(parsed(claude.stdout)['hookSpecificOutput']).toMatchObject({ permissionDecision: 'deny' });
  });

  test('an edit that removes a key (old_string) is not denied: only the new text counts', async () => {
    const event = JSON.parse(eventText('claude-code', 'pre-tool-use-edit.json', HARMLESS)) as { tool_input: Record<string, string> };
    event.tool_input['old_string'] = `OPENAI_API_KEY = "${KEY}"`;
    event.tool_input['new_string'] = 'OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]';
    const { code, stdout } = await runBuiltCli(['agent-hook', '--agent', 'claude-code'], { cwd: tempTree(), input: JSON.stringify(event) });
    expect(code).toBe(0);
    expect(stdout).toBe('');
  });

  test('an Edit result that repeats a key already in the file (originalFile) is not a key that reached the model', async () => {
    const { code, stdout, stderr } = await hook('claude-code', 'post-tool-use-edit.json', KEY);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe('');
  });

  test('a key marked keyscan:allow in the written file is let through, as in every other mode', async () => {
    const event = JSON.parse(eventText('claude-code', 'pre-tool-use-write.json', HARMLESS)) as { tool_input: Record<string, string> };
    event.tool_input['content'] = `const key = "${KEY}"; // keyscan:allow test fixture\n`;
    const { stdout } = await runBuiltCli(['agent-hook'], { cwd: tempTree(), input: JSON.stringify(event) });
    expect(stdout).toBe('');
  });

  test('an event with a JSON value that is not an object is let through with a warning', async () => {
    const { code, stdout, stderr } = await runBuiltCli(['agent-hook', '--agent', 'claude-code'], { cwd: tempTree(), input: '[1, 2]' });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('not a JSON object');
  });

  test('a hostile event nested 100,000 deep neither crashes nor hangs the hook; a key at a normal depth is still found', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const input = `{"hook_event_name":"PreToolUse","tool_name":"mcp__x__y","tool_input":{"a":{"b":{"c":"${KEY}"}},"deep":${deep}}}`;
    const { code, stdout } = await runBuiltCli(['agent-hook', '--agent', 'claude-code'], { cwd: tempTree(), input, timeoutMs: 20_000 });
    expect(code).toBe(0);
    expect(parsed(stdout)['hookSpecificOutput']).toMatchObject({ permissionDecision: 'deny' });
    expect(stdout).not.toContain(KEY);
  });

  test('a key in a field name, a file path or a tool name is found and never echoed', async () => {
    const input = JSON.stringify({
      hook_event_name: 'PreToolUse',
      tool_name: `mcp__kv__${KEY}`,
      tool_input: { file_path: `/srv/keys/${KEY}.txt`, values: { [KEY]: 'x' } },
    });
    const { code, stdout } = await runBuiltCli(['agent-hook', '--agent', 'claude-code'], { cwd: tempTree(), input });
    expect(code).toBe(0);
    expect(parsed(stdout)['hookSpecificOutput']).toMatchObject({ permissionDecision: 'deny' });
    expect(stdout).not.toContain(KEY);
    const onlyName = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'mcp__kv__put', tool_input: { values: { [KEY]: 'x' } } });
    const run = await runBuiltCli(['agent-hook', '--agent', 'claude-code'], { cwd: tempTree(), input: onlyName });
    expect(run.stdout).toContain('in tool_input.values.<name>');
    expect(run.stdout).not.toContain(KEY);
  });

  test('an unknown --agent is a usage error', async () => {
    const { code, stderr } = await runBuiltCli(['agent-hook', '--agent', 'vim'], { cwd: tempTree(), input: '{}' });
    expect(code).toBe(2);
    expect(stderr).toContain('--agent takes claude-code, codex, gemini-cli, cursor');
  });
});
