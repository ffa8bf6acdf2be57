import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { buildRuleSet } from './detect/detect.js';
import { envVarFor } from './practices/apply.js';
import { redact } from './report/redact.js';
import { compileRule } from './rules/compile.js';
import { DEFAULT_CONFIG, findConfig, loadConfig } from './rules/config.js';
import { cachedPrefilterTables } from './rules/prefilter-cache.js';
import { effectiveRulesWoken, inPlay } from './rules-in-play.js';
import { findingsIn, scanSetup } from './scan-batch.js';
import type { Secret } from './secret.js';
import { eventFragments, readHookEvent } from './sources/agent-event.js';
import { PROTOCOLS, protocolForEvent } from './agents/registry.js';
import type { AgentId, HookAnswer, HookEvent, Leak } from './agents/protocol.js';

export interface AgentHookIo {
  readonly stdin: () => Readable;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

const URL_IN_TEXT = /https:\/\/[^\s)"'`,;]+[^\s)"'`,;.]/;

/** The keys in an event's fields, redacted, each with what to do instead; and the keys themselves. */
export function leaksIn(event: HookEvent, configPath: string | undefined, cwd: string): { leaks: Leak[]; secrets: Secret[] } {
  const root = event.cwd ?? cwd;
  const path = configPath !== undefined ? resolve(cwd, configPath) : findConfig(root);
  const config = path === undefined ? DEFAULT_CONFIG : loadConfig(path);
  // the names the answer echoes (the file, the tool) are scanned too: a key must not come back through them
  const named = [
    ...(event.filePath === undefined ? [] : [{ path: 'file path', text: event.filePath }]),
    ...(event.toolName === undefined ? [] : [{ path: 'tool name', text: event.toolName }]),
  ];
  const fields = [...event.fields, ...named];
  // only the rules the event can wake are read and compiled: a hook's start-up is most of its time
  const { rules, within } = inPlay(effectiveRulesWoken(config), fields.map((f) => f.text));
  const setup = scanSetup(buildRuleSet(rules.map(compileRule), cachedPrefilterTables, within), Infinity, {
    frontend: { browserPackages: [], serverFirstPackages: [], clientSidePaths: config.practices.clientSidePaths },
    tracked: { kind: 'all' },
    disabled: config.practices.disable,
  });
  const fragments = eventFragments(fields, event.filePath, event.cwd);
  const leaks: Leak[] = [];
  const secrets: Secret[] = [];
  const seen = new Set<string>();
  fragments.forEach((fragment, i) => {
    for (const f of findingsIn(fragment, setup)) {
      if (f.kind !== 'secret') continue; // a practice alone (a public env prefix, say) does not stop an agent
      const key = f.secret.reveal();
      if (seen.has(key)) continue;
      seen.add(key);
      secrets.push(f.secret);
      const rule = setup.rulesById.get(f.ruleId);
      leaks.push({
        title: f.title,
        provider: f.provider,
        redacted: redact(f.secret, { showSecrets: false }),
        field: fields[i]!.path,
        envVar: rule === undefined ? 'API_KEY' : envVarFor(rule),
        envHint: f.practices.find((n) => n.id === 'hardcoded-key')?.fix,
        rotateAt: URL_IN_TEXT.exec(f.remediation)?.[0],
      });
    }
  });
  return { leaks, secrets };
}

/**
 * The answer with every key found replaced by its redacted form, wherever it appears: a file path,
 * a tool name or a field name the agent sent may hold a key too, and the answer echoes those.
 */
function withoutSecrets(answer: HookAnswer, secrets: readonly Secret[]): HookAnswer {
  let stdout = answer.stdout;
  for (const secret of secrets) {
    const value = secret.reveal();
    const shown = redact(secret, { showSecrets: false });
    stdout = stdout.split(value).join(shown).split(JSON.stringify(value).slice(1, -1)).join(shown);
  }
  return { ...answer, stdout };
}

/**
 * keyscan agent-hook: one hook event on stdin, the answer in the agent's protocol on stdout. An
 * event keyscan cannot read (not JSON, an unknown event, an internal error) is let through with a
 * warning on stderr and exit 0: a broken hook must not stop the agent.
 */
export async function runAgentHook(agent: AgentId | undefined, configPath: string | undefined, io: AgentHookIo): Promise<0 | 2> {
  const letThrough = (why: string): 0 => {
    io.stderr(`keyscan: warning: ${why}; let through unchecked\n`);
    return 0;
  };
  const read = await readHookEvent(io.stdin());
  if (read.kind === 'malformed') return letThrough(read.why);
  const name = read.event['hook_event_name'];
  const protocol = agent !== undefined ? PROTOCOLS[agent] : protocolForEvent(name);
  const shownName = typeof name === 'string' ? JSON.stringify(name.slice(0, 64)) : 'without hook_event_name';
  if (protocol === undefined) return letThrough(`event ${shownName} is not one of a supported agent (give --agent)`);
  const event = protocol.read(read.event);
  if (event === undefined) return letThrough(`${protocol.id} event ${shownName} is not one keyscan checks, or lacks its fields`);
  let answer: HookAnswer;
  try {
    const { leaks, secrets } = event.fields.length === 0 ? { leaks: [], secrets: [] } : leaksIn(event, configPath, io.cwd);
    answer = withoutSecrets(protocol.answer(event, leaks), secrets);
  } catch (err) {
    return letThrough(`cannot check the event: ${(err as Error).message.split('\n')[0]}`);
  }
  if (answer.stdout !== '') io.stdout(answer.stdout);
  return answer.exitCode;
}
