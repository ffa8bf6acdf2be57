import { existsSync, promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import { KeyscanError } from './errors.js';
import type { GitHook } from './options.js';
import { hookLocation } from './sources/git-config.js';
import { configEntries } from './sources/git.js';

const BEGIN = '# >>> keyscan >>>';
/** Opens the block when install had to end the hook's last line: uninstall takes that newline back too. */
const NEWLINE_ADDED = '\n# >>> keyscan >>> (a newline was added before this line)';
const END = '# <<< keyscan <<<';
/** A foreign hook moved aside by --force; our hook runs it after keyscan. */
const chainedName = (hook: GitHook): string => `${hook}.pre-keyscan`;

/** Our name on the npm registry. The bare name `keyscan` there is someone else's package: never run it. */
export const PACKAGE_NAME = 'keyscan-cli';

const INSTALL_HINT = `npm install --save-dev ${PACKAGE_NAME} (or npm install --global ${PACKAGE_NAME})`;

// The hook is committed with husky and shared through core.hooksPath, so it names no path of the
// machine that installed it: the project's own keyscan, else one on PATH, else one npx already has
// (never a download), else it says how to install and fails, so no change goes unchecked in silence.
function runKeyscan(command: string): string {
  return `if [ -x ./node_modules/.bin/keyscan ]; then ./node_modules/.bin/keyscan ${command}
elif command -v keyscan >/dev/null 2>&1; then keyscan ${command}
elif npx --no-install ${PACKAGE_NAME} --version >/dev/null 2>&1; then npx --no-install ${PACKAGE_NAME} ${command}
else echo "keyscan: not installed here, so this was not checked for keys. Install it: ${INSTALL_HINT}; or skip the hook with --no-verify" >&2; false
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
  | { kind: 'installed'; path: string; layout: Layout; chained: boolean; hooksScope: HooksScope }
  | { kind: 'already'; path: string; layout: Layout; hooksScope: HooksScope }
  | { kind: 'refused'; path: string; existing: string }
  | { kind: 'removed'; path: string; restored: boolean }
  | { kind: 'absent'; path: string };

export type Layout = 'husky' | 'hooksPath' | 'git';

/** Who runs the hook: this repository, or (core.hooksPath in the global or system config) every repository on the machine. */
export type HooksScope = 'repository' | 'global' | 'system';

async function hooksScope(root: string): Promise<HooksScope> {
  // from the config listing: every git run pins core.hooksPath itself (scope `command`)
  const scope = (await configEntries(root)).filter((e) => e.scope !== 'command' && e.key === 'core.hookspath').at(-1)?.scope;
  return scope === 'global' || scope === 'system' ? scope : 'repository';
}

/** A warning for stderr when the hook went where every repository on the machine runs it. */
export function sharedWarning(action: InstallAction): string | undefined {
  if ((action.kind !== 'installed' && action.kind !== 'already') || action.hooksScope === 'repository') return undefined;
  const where = action.hooksScope === 'global' ? 'your global git config (git config --global core.hooksPath)' : 'the system git config';
  return `keyscan: warning: core.hooksPath is set in ${where}: this hook runs for every repository on this machine, not only this one\n`;
}

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
    return await fsp.readFile(path, 'utf8');
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
  const { path, layout, root } = await hookFile(cwd, hook);
  const existing = await readIfExists(path);
  if (existing?.includes(BEGIN)) return { kind: 'already', path, layout, hooksScope: await hooksScope(root) };
  await fsp.mkdir(join(path, '..'), { recursive: true });
  if (layout === 'husky') {
    const text =
      existing === undefined || existing === ''
        ? block(false, BEGIN, hook)
        : existing.endsWith('\n')
          ? existing + block(false, BEGIN, hook)
          : existing + block(false, NEWLINE_ADDED.slice(1), hook).replace(/^/, '\n');
    await fsp.writeFile(path, text); // an existing file keeps its mode: .husky/pre-commit is committed, often 0644
    if (existing === undefined) await fsp.chmod(path, 0o755); // husky 4-8 runs it directly
    return { kind: 'installed', path, layout, chained: false, hooksScope: await hooksScope(root) };
  }
  let chained = false;
  if (existing !== undefined && !isOnlyShebang(existing)) {
    if (!force) return { kind: 'refused', path, existing };
    await fsp.rename(path, join(path, '..', chainedName(hook)));
    chained = true;
  }
  await fsp.writeFile(path, `#!/bin/sh\n${block(chained, BEGIN, hook)}`);
  await fsp.chmod(path, 0o755);
  return { kind: 'installed', path, layout, chained, hooksScope: await hooksScope(root) };
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
    await fsp.unlink(path);
    if (await fsp.stat(chainedPath).then(() => true, () => false)) {
      await fsp.rename(chainedPath, path);
      restored = true;
    }
  } else {
    await fsp.writeFile(path, rest);
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
