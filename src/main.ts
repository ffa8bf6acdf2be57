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

/** Resolves once nothing written to `stream` waits in its buffer (on Linux, pipes and files take writes at once). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return stream.writableLength === 0 || stream.destroyed ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve).once('close', resolve));
}

/**
 * Runs keyscan on this process's arguments and streams, and exits with its code as soon as the
 * output is out: left to end by itself, Node would first wait for V8's background compiler to
 * finish optimising functions that will not run again, up to 15 ms of a pre-commit hook's run on
 * a busy machine. Every file keyscan writes is written by then, and every process it started is
 * done.
 */
export async function main(): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const code = await run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin: () => process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stdout.isTTY === true ? process.stdout.columns : undefined,
  });
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
