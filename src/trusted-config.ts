import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { CONFIG_NAMES } from './rules/config.js';
import { parseToml } from './rules/load.js';
import type { TrustedSide } from './sources/trusted-side.js';

/** How deep `[extend] path` chains are followed from a base commit; loadConfig reports what is missing. */
const MAX_EXTEND_DEPTH = 8;

/**
 * A pull request's check takes its config from the base commit: the config (and the files its
 * `[extend] path` names, inside the repository) are copied from that commit into a temporary
 * directory, where loadConfig reads them as it reads any config. `use` gets the path and what to call
 * it in messages; the directory is removed afterwards. Undefined when the base commit has no config.
 */
export async function withConfigFrom<T>(side: TrustedSide, use: (path: string, shown: string) => T): Promise<T | undefined> {
  let name: string | undefined;
  let text: string | undefined;
  for (const candidate of CONFIG_NAMES) {
    text = await side.read(candidate);
    if (text !== undefined) {
      name = candidate;
      break;
    }
  }
  if (name === undefined || text === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'keyscan-base-config-'));
  try {
    let rel = name;
    const seen = new Set<string>();
    for (let depth = 0; text !== undefined && depth < MAX_EXTEND_DEPTH && !seen.has(rel); depth++) {
      seen.add(rel);
      const target = join(dir, rel);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      const next = extendPath(text, rel);
      if (next === undefined) break;
      rel = next;
      text = await side.read(rel);
    }
    return use(join(dir, name), `${name} (from ${side.label})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository path an `[extend] path` names, relative to the top; undefined if none or outside the repository. */
function extendPath(text: string, from: string): string | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text, from);
  } catch {
    return undefined; // loadConfig reports the syntax error with its line
  }
  const extend = doc['extend'] as Record<string, unknown> | undefined;
  const path = typeof extend?.['path'] === 'string' ? extend['path'] : undefined;
  if (path === undefined || posix.isAbsolute(path)) return undefined;
  const joined = posix.normalize(posix.join(posix.dirname(from), path));
  return joined.startsWith('../') || joined === '..' ? undefined : joined;
}
