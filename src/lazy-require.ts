import { createRequire } from 'node:module';

/*
 * Loads a Node module or a package when the code first needs it, not when the CLI starts: the
 * bundle (src/build-bundle.ts) runs every static import at its top, and the pre-commit hook waits
 * for that start. The require function itself is made on first use too (each createRequire cost
 * the start about 0.3 ms).
 */
let require: NodeJS.Require | undefined;

export function lazyRequire<T>(id: string): T {
  require ??= createRequire(import.meta.url);
  return require(id) as T;
}
