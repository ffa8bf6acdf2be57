// Practice checks judge code that uses a key. A provider's SDK implements the guards they look for
// (dangerouslyAllowBrowser, a key in a WebSocket query), and its built files, type declarations,
// source maps, tests and docs only describe them: none of that is an application's own code.

/**
 * Packages whose own files implement a provider's client. Scopes name a vendor's whole family;
 * a name ending in sdk (groq-sdk, @acme/sdk) is a client library by its author's word.
 */
const SDK_NAME =
  /^(?:openai|groq-sdk|together-ai|cohere-ai|replicate|stripe|twilio|firebase|googleapis|algoliasearch|mapbox-gl|posthog-js|ai|langchain|@(?:anthropic-ai|openai|google|google-cloud|googlemaps|firebase|supabase|stripe|mistralai|cerebras|huggingface|aws-sdk|azure|sendgrid|slack|octokit|ai-sdk|langchain|fal-ai|deepgram|elevenlabs|pinecone-database|groq|perplexity-ai|fireworks-ai|xai|sentry)\/[a-z0-9._-]{1,214})$|(?:^|[-/])sdk$/;

export function isSdkPackageName(name: string): boolean {
  return SDK_NAME.test(name);
}

/** The package's name when its package.json names a provider SDK. */
export function sdkNameOf(packageJson: string): string | undefined {
  try {
    const name = (JSON.parse(packageJson) as { name?: unknown }).name;
    return typeof name === 'string' && isSdkPackageName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

const DOCS = /(?:^|\/)(?:docs?|documentation)\/|\.(?:md|mdx|markdown|rst|adoc|txt)$/;
const TESTS = /(?:^|\/)(?:test|tests|__tests__|__mocks__|spec|specs|e2e)\/|\.(?:test|spec)\.[cm]?[jt]sx?$/;
const DECLARATIONS_AND_MAPS = /\.d\.[cm]?ts$|\.map$/;

/** Type declarations, source maps, tests and docs: files that describe code rather than run it for an app. */
export function isDescriptiveFile(path: string): boolean {
  const lower = path.toLowerCase();
  return DECLARATIONS_AND_MAPS.test(lower) || TESTS.test(lower) || DOCS.test(lower);
}

/** How far back on a line a string's escaped newline still says "this is text, not code". */
const PROSE_REACH = 240;

/**
 * Whether the match at `offset` sits in prose: a comment line, or a message string (an escaped
 * newline shortly before it on the same line, as in an SDK's error text that shows the option).
 * Minified code puts a whole bundle on one line, so only a short stretch before the match counts.
 */
export function isInProse(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(Math.max(lineStart, offset - PROSE_REACH), offset);
  if (before.includes('\\n')) return true;
  return lineStart >= offset - PROSE_REACH && /^[ \t]*(?:\/\/|\/\*|\*|#|<!--)/.test(before);
}
