import { createRequire } from 'node:module';

/*
 * node:crypto, loaded on its first use rather than with the CLI: loading it (and what it pulls in)
 * costs the pre-commit hook's start about 2 ms, and a clean commit hashes nothing. A static import
 * would not do: the bundle (src/build-bundle.ts) requires every static import at its top.
 */
const require = createRequire(import.meta.url);
let loaded: typeof import('node:crypto') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (loaded ??= require('node:crypto') as typeof import('node:crypto'));
}
