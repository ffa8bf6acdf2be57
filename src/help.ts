import { USAGE, type Command } from './options.js';

/** The options each command takes, by long name; the lines themselves come from USAGE, so they never drift. */
const REPORT_FLAGS = ['format', 'output', 'report', 'show-secrets', 'no-color', 'color', 'verbose', 'fail-on', 'baseline', 'config', 'validate', 'validate-timeout', 'validate-endpoint', 'only-live', 'debug'];
const COMMAND_FLAGS: Readonly<Partial<Record<Command, readonly string[]>>> = {
  scan: [...REPORT_FLAGS, 'max-file-size', 'respect-gitignore', 'threads'],
  staged: REPORT_FLAGS,
  git: [...REPORT_FLAGS, 'since', 'max-commits', 'branch', 'all', 'max-key-age'],
  ci: [...REPORT_FLAGS.filter((f) => f !== 'report'), 'max-file-size', 'threads'],
  install: ['force', 'uninstall', 'debug'],
  baseline: ['output', 'prune', 'baseline', 'config', 'max-file-size', 'respect-gitignore', 'threads', 'debug'],
  rules: ['format', 'config', 'debug'],
  config: ['print', 'config', 'debug'],
};

/** USAGE's option lines, each with the lines that continue it, by long flag name. */
function optionBlocks(): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of USAGE.split('\n')) {
    const flag = /^ {2}(?:-\w, )? *--([a-z-]+)/.exec(line);
    if (flag) {
      current = [line];
      if (!blocks.has(flag[1]!)) blocks.set(flag[1]!, current);
    } else if (current && /^ {20,}\S/.test(line)) current.push(line);
    else current = undefined;
  }
  return blocks;
}

/** The usage lines of one command (with their continuation lines). */
function usageLines(command: Command): string[] {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((l) => (command === 'scan' ? /keyscan \[scan\]/ : new RegExp(`keyscan ${command}\\b`)).test(l));
  if (start === -1) return [];
  const out = [lines[start]!.replace(/^Usage: {0,}/, '').trimStart()];
  for (let i = start + 1; i < lines.length && /^ {40,}\S/.test(lines[i]!); i++) out.push(lines[i]!.trimStart());
  return out;
}

/** `keyscan <command> --help`: the command's usage and only the options it takes. */
export function helpText(command: Command | undefined): string {
  const flags = command === undefined ? undefined : COMMAND_FLAGS[command];
  if (command === undefined || flags === undefined) return `${USAGE}\n`;
  const blocks = optionBlocks();
  const [first, ...rest] = usageLines(command);
  const options = flags.flatMap((f) => blocks.get(f) ?? []);
  const out = [`Usage: ${first ?? `keyscan ${command}`}`, ...rest.map((l) => `  ${l}`), '', 'Options:', ...options, '  -h, --help                 this help', '', 'All commands: keyscan --help'];
  return `${out.join('\n')}\n`;
}
