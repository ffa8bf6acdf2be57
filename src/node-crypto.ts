import { lazyRequire } from './lazy-require.js';

/** node:crypto, loaded on first use: it costs the pre-commit hook's start about 2 ms, and a clean commit hashes nothing. */
export function nodeCrypto(): typeof import('node:crypto') {
  return lazyRequire('node:crypto');
}
