import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyscanError } from './errors.js';
import type { GitHook } from './options.js';
import { hookLocation } from './sources/git-config.js';

const BEGIN = '# >>> keyscan >>>';
/** Opens the block when install had to end the hook's last line: uninstall takes that newline back too. */
const NEWLINE_ADDED = '\n# >>> keyscan >>> (a newline was added before this line)';
const END = '# <<< keyscan <<<';
/** A foreign hook moved aside by --force; our hook runs it after keyscan. */
const chainedName = (hook: GitHook): string => `${hook}.pre-keyscan`;

/** The keyscan that runs this install: the hook falls back to it when the repository has none of its own. */
const THIS_CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// Prefer the project's own keyscan, then one on PATH, then the one that installed the hook, then npx.
function runKeyscan(command: string): string {
  return `if [ -x node_modules/.bin/keyscan ]; then node_modules/.bin/keyscan ${command}
elif command -v keyscan >/dev/null 2>&1; then keyscan ${command}
elif [ -f ${shellQuote(THIS_CLI)} ]; then node ${shellQuote(THIS_CLI)} ${command}
else npx --no-install keyscan ${command}
fi`;
}

function block(chain: boolean, begin = BEGIN, hook: GitHook = 'pre-commit'): string {
  const chained = chainedName(hook);
  const lines =
    hook === 'pre-commit'
      ? [begin, '# Blocks commits that add API keys. Remove with: keyscan install --uninstall', `${runKeyscan('staged')} || exit $?`]
      : [
          begin,
          '# Blocks pushes that add API keys. Remove with: keyscan install --hook pre-push --uninstall',
          // git gives the refs on stdin once: keep them for keyscan and for a chained hook
          'keyscan_push_refs=$(cat)',
          `printf '%s\\n' "$keyscan_push_refs" | { ${runKeyscan('pre-push "$@"')}; } || exit $?`,
        ];
  if (chain && hook === 'pre-commit') lines.push(`if [ -x "$(dirname "$0")/${chained}" ]; then exec "$(dirname "$0")/${chained}" "$@"; fi`);
  if (chain && hook === 'pre-push') lines.push(`if [ -x "$(dirname "$0")/${chained}" ]; then printf '%s\\n' "$keyscan_push_refs" | "$(dirname "$0")/${chained}" "$@" || exit $?; fi`);
  lines.push(END);
  return `${lines.join('\n')}\n`;
}

export type InstallAction =
  | { kind: 'installed'; path: string; layout: Layout; chained: boolean }
  | { kind: 'already'; path: string; layout: Layout }
  | { kind: 'refused'; path: string; existing: string }
  | { kind: 'removed'; path: string; restored: boolean }
  | { kind: 'absent'; path: string };

export type Layout = 'husky' | 'hooksPath' | 'git';

function stripBlock(text: string): string {
  const added = text.indexOf(NEWLINE_ADDED);
  const start = added !== -1 ? added : text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) return text;
  return text.slice(0, start) + text.slice(end + END.length).replace(/^\n/, '');
}

function isOnlyShebang(text: string): boolean {
  return text.split('\n').every((line) => line.trim() === '' || line.startsWith('#!'));
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyscanError('IO', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

async function hookFile(cwd: string, hook: GitHook): Promise<{ path: string; layout: Layout; root: string }> {
  const where = await hookLocation(cwd);
  const husky = join(where.root, '.husky');
  const config = where.hooksPathConfig?.replace(/\/+$/, '');
  // husky 9 points core.hooksPath at .husky/_ and runs .husky/<hook>; husky 4-8 at .husky itself
  const usesHusky = existsSync(husky) && (config === undefined || config === '.husky' || config === '.husky/_');
  if (usesHusky) return { path: join(husky, hook), layout: 'husky', root: where.root };
  return { path: join(where.hooksDir, hook), layout: config !== undefined ? 'hooksPath' : 'git', root: where.root };
}

/**
 * Installs `keyscan staged` as the pre-commit hook where this repository keeps hooks: husky's
 * .husky/pre-commit (appended to), core.hooksPath, or .git/hooks. Never clobbers a hook it did not
 * write: without `force` it refuses and shows the hook; with it, the old hook runs after keyscan.
 */
export async function installHook(cwd: string, force: boolean, hook: GitHook = 'pre-commit'): Promise<InstallAction> {
  const { path, layout } = await hookFile(cwd, hook);
  const existing = await readIfExists(path);
  if (existing?.includes(BEGIN)) return { kind: 'already', path, layout };
  await mkdir(join(path, '..'), { recursive: true });
  if (layout === 'husky') {
    const text =
      existing === undefined || existing === ''
        ? block(false, BEGIN, hook)
        : existing.endsWith('\n')
          ? existing + block(false, BEGIN, hook)
          : existing + block(false, NEWLINE_ADDED.slice(1), hook).replace(/^/, '\n');
    await writeFile(path, text);
    await chmod(path, 0o755);
    return { kind: 'installed', path, layout, chained: false };
  }
  let chained = false;
  if (existing !== undefined && !isOnlyShebang(existing)) {
    if (!force) return { kind: 'refused', path, existing };
    await rename(path, join(path, '..', chainedName(hook)));
    chained = true;
  }
  await writeFile(path, `#!/bin/sh\n${block(chained, BEGIN, hook)}`);
  await chmod(path, 0o755);
  return { kind: 'installed', path, layout, chained };
}

/** Removes exactly what installHook added, and puts a chained hook back. */
export async function uninstallHook(cwd: string, hook: GitHook = 'pre-commit'): Promise<InstallAction> {
  const { path } = await hookFile(cwd, hook);
  const existing = await readIfExists(path);
  if (existing === undefined || !existing.includes(BEGIN)) return { kind: 'absent', path };
  const rest = stripBlock(existing);
  const chainedPath = join(path, '..', chainedName(hook));
  let restored = false;
  if (isOnlyShebang(rest)) {
    await unlink(path);
    if (await stat(chainedPath).then(() => true, () => false)) {
      await rename(chainedPath, path);
      restored = true;
    }
  } else {
    await writeFile(path, rest);
  }
  return { kind: 'removed', path, restored };
}

export function describeAction(action: InstallAction, cwd: string, hook: GitHook = 'pre-commit'): string {
  const shown = relative(cwd, action.path) || action.path;
  switch (action.kind) {
    case 'installed':
      return `keyscan: installed the ${hook} hook in ${shown} (${action.layout === 'husky' ? 'husky' : action.layout === 'hooksPath' ? 'core.hooksPath' : '.git/hooks'})${
        action.chained ? `; the previous hook runs after it, from ${chainedName(hook)}` : ''
      }\n`;
    case 'already':
      return `keyscan: the ${hook} hook in ${shown} already runs keyscan\n`;
    case 'refused':
      return `keyscan: ${shown} already holds another hook; run keyscan install${hook === 'pre-commit' ? '' : ` --hook ${hook}`} --force to keep it and run it after keyscan. It reads:\n${action.existing
        .split('\n')
        .slice(0, 20)
        .map((l) => `  | ${l}`)
        .join('\n')}\n`;
    case 'removed':
      return `keyscan: removed keyscan from ${shown}${action.restored ? ' and put the previous hook back' : ''}\n`;
    case 'absent':
      return `keyscan: ${shown} does not run keyscan; nothing to remove\n`;
  }
}
