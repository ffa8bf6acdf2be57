import { run } from './run.js';

// The bundle's entry (dist/keyscan.cjs, see src/build-bundle.ts): the build runs `run` itself to
// warm the code cache, so it is exported beside `main`.
export { run };

/**
 * `keyscan | head` closes the pipe early: the rest of the report has no reader, which is no error
 * (the exit code still tells whether keys were found), so nothing is printed about it.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
}

/** Runs keyscan on this process's arguments and streams, and sets its exit code. */
export async function main(): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  process.exitCode = await run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stdout.isTTY === true ? process.stdout.columns : undefined,
  });
}
