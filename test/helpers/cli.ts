import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI as a child process, as a user or a git hook would. */
export function runBuiltCli(
  args: readonly string[],
  options: {
    cwd: string;
    input?: string;
    env?: Record<string, string | undefined>;
    /** A command that runs node (setpriv with its options, say). */
    wrapper?: readonly string[];
    timeoutMs?: number;
    /** Another copy of the built CLI (a damaged package, say); the repository's dist/cli.cjs by default. */
    cli?: string;
  },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const spawnOptions: SpawnOptions = { cwd: options.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] };
    const [command, ...prefix] = [...(options.wrapper ?? []), process.execPath, options.cli ?? CLI, ...args];
    const child = spawn(command!, prefix, spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}
