import { readFileSync } from 'node:fs';

export const PACKAGE_ROOT = new URL('../../', import.meta.url);

export const PACKAGE = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  files: string[];
};

/**
 * The fenced block that follows `<!-- snippet: NAME -->` in README.md: the tests run these blocks,
 * so what the README shows is what was tested.
 */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(new URL('README.md', PACKAGE_ROOT), 'utf8');
  const marker = `<!-- snippet: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at === -1) throw new Error(`README.md has no ${marker}`);
  const block = /^\s*```[a-z]*\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!block) throw new Error(`README.md: no fenced block right after ${marker}`);
  return `${block[1]}\n`;
}

/** The commands of a shell snippet: one per line, comments and blank lines dropped. */
export function snippetCommands(snippet: string): string[] {
  return snippet
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
