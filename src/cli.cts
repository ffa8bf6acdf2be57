#!/usr/bin/env node
/*
 * The keyscan command. It starts the bundled CLI through V8's code cache (src/code-cache.cts): the
 * pre-commit hook waits for this start on every commit. CommonJS, as is the bundle: an ES module
 * entry would start Node's module loader for nothing. Without a bundle (a build that skipped it)
 * it runs the same code from its modules.
 */
import { loadBundle } from './code-cache.cjs';

type Main = { main: () => Promise<void> };
const bundled = loadBundle(__dirname)?.exports as Main | undefined;
if (bundled !== undefined) void bundled.main();
else void import('./main.js').then((m: Main) => m.main());
