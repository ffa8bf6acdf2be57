import { sdkNameOf } from './library.js';

/** Facts about the project that decide whether a file is shipped to browsers. */
export interface FrontendFacts {
  /** Directories (relative to the scan root, '' for the root) whose package.json depends on a browser framework. */
  readonly browserPackages: readonly string[];
  /** Of those, the ones on a server-first framework (Next.js, Remix, Nuxt, SvelteKit): code is server-side unless marked. */
  readonly serverFirstPackages: readonly string[];
  /** Regexes on the path from the config (practices.clientSidePaths): files that ship to browsers too. */
  readonly clientSidePaths?: readonly string[];
  /** Directories whose package.json names a provider SDK: its own files implement the client, they do not use it. */
  readonly sdkPackages?: readonly string[];
}

export const NO_FRONTEND: FrontendFacts = { browserPackages: [], serverFirstPackages: [] };

const PUBLIC_DIRS = /(?:^|\/)(?:public|static|www|wwwroot|assets|dist\/(?:assets|static|js)|build\/static)\//;
const SERVER_PATHS = /(?:^|\/)(?:server|api|backend|functions|lambda|scripts|migrations|test|tests|__tests__|spec)\/|\.(?:server|test|spec)\.[cm]?[jt]sx?$|(?:^|\/)(?:middleware|route|server)\.[cm]?[jt]s$/;

/** ABOVE: a package around the scanned directory; it holds every path, below any package inside. */
export const ABOVE = '*';

/** The innermost of `dirs` that holds `path` (ABOVE holds every path). */
export function packageOf(path: string, dirs: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const dir of dirs) {
    if (dir === ABOVE) best ??= ABOVE;
    else if ((dir === '' || path.startsWith(`${dir}/`)) && (best === undefined || best === ABOVE || dir.length > best.length)) best = dir;
  }
  return best;
}

function isUseClient(text: string): boolean {
  return /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*['"]use client['"]/.test(text.slice(0, 2048));
}

/**
 * Whether a file reaches browsers: HTML, public/static assets, bundles, component files, and the
 * source of a front-end package. Server-first frameworks (Next.js…) count only "use client" files.
 */
// config regexes arrive as strings (they cross to workers); each is compiled once per thread
const compiledPaths = new Map<string, RegExp>();
function pathRegex(source: string): RegExp {
  let regex = compiledPaths.get(source);
  if (regex === undefined) compiledPaths.set(source, (regex = new RegExp(source)));
  return regex;
}

/** The worker of src/regex-guard.ts hands in its own compiled copy of a config path regex (one it can time). */
export function useClientSidePathRegex(source: string, regex: RegExp): void {
  compiledPaths.set(source, regex);
}

export function isClientSide(path: string, text: string, facts: FrontendFacts): boolean {
  if (facts.clientSidePaths?.some((p) => pathRegex(p).test(path))) return true;
  const lower = path.toLowerCase();
  if (/\.(?:html?|vue|svelte)$/.test(lower)) return true;
  if (/\.(?:min|bundle|chunk)\.js$/.test(lower) || /(?:^|\/)(?:chunks?|bundles?)\/[^/]+\.js$/.test(lower)) return true;
  const isScript = /\.[cm]?[jt]sx?$/.test(lower);
  if (PUBLIC_DIRS.test(lower) && (isScript || /\.(?:json|map)$/.test(lower))) return true;
  if (!isScript) return false;
  if (isUseClient(text)) return true;
  if (SERVER_PATHS.test(lower)) return false;
  const pkg = packageOf(path, facts.browserPackages);
  const isComponent = /\.(?:jsx|tsx)$|\.component\.ts$/.test(lower);
  if (pkg === undefined) return isComponent;
  if (packageOf(path, facts.serverFirstPackages) === pkg) return false;
  // scanning inside a package (src/ of it, say): what is scanned is its app code
  if (pkg === ABOVE) return true;
  // within a front-end package: its app folders and component files, not its scripts and seeds
  const inPackage = pkg === '' ? lower : lower.slice(pkg.length + 1);
  return isComponent || /^(?:src|app|components|pages|views|client|ui|web)\//.test(inPackage);
}

const BROWSER_FRAMEWORKS = ['react', 'react-dom', 'vue', 'svelte', '@angular/core', 'preact', 'solid-js', 'lit', '@sveltejs/kit', 'next', 'nuxt', '@remix-run/react', 'vite', 'gatsby', 'expo', 'react-native'];
const SERVER_FIRST = ['next', 'nuxt', '@remix-run/react', '@sveltejs/kit', '@remix-run/node', 'astro'];

/** Classifies one package.json: undefined when it ships nothing to browsers. */
export function frontendKindOf(packageJson: string): 'browser' | 'server-first' | undefined {
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(packageJson) as typeof pkg;
  } catch {
    return undefined;
  }
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  if (SERVER_FIRST.some((d) => d in deps)) return 'server-first';
  if (BROWSER_FRAMEWORKS.some((d) => d in deps)) return 'browser';
  return undefined;
}

/** Front-end facts from a tree's package.json files. */
export function frontendFacts(manifests: readonly { dir: string; text: string }[]): FrontendFacts {
  const browserPackages: string[] = [];
  const serverFirstPackages: string[] = [];
  const sdkPackages: string[] = [];
  for (const m of manifests) {
    if (sdkNameOf(m.text) !== undefined) sdkPackages.push(m.dir);
    const kind = frontendKindOf(m.text);
    if (kind === undefined) continue;
    browserPackages.push(m.dir);
    if (kind === 'server-first') serverFirstPackages.push(m.dir);
  }
  return { browserPackages, serverFirstPackages, sdkPackages };
}
