import { fileURLToPath } from 'node:url';

/*
 * Files of the installed package, found from this module: it sits one level below the package root
 * in dist/ (built, and where the bundle's chunks sit too) and in src/ (tests). A module deeper in
 * the tree cannot use its own import.meta.url for this: inside the bundle that is the chunk's.
 */
const HERE = new URL('./', import.meta.url);

/** A file beside the compiled modules (dist/rules.jsonl, dist/prefilter.bin, ...). */
export function builtFile(path: string): string {
  return fileURLToPath(new URL(path, HERE));
}

/** A file or directory at the package root (rules/, package.json). */
export function packageFile(path: string): string {
  return fileURLToPath(new URL(`../${path}`, HERE));
}
