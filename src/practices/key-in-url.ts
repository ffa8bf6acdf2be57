// What to do about a key in a URL depends on the API: most take it in a header, some only in the
// query. For those, "send it in a header" is impossible advice; the provider documents another way.

/** The header each provider documents for its key, for "send it in a header, not the URL". */
const AUTH_HEADERS: Record<string, string> = {
  anthropic: 'x-api-key',
  google: 'x-goog-api-key',
  gemini: 'x-goog-api-key',
  openai: 'Authorization: Bearer',
  github: 'Authorization: Bearer',
  stripe: 'Authorization: Bearer',
  huggingface: 'Authorization: Bearer',
  groq: 'Authorization: Bearer',
  mistral: 'Authorization: Bearer',
  cohere: 'Authorization: Bearer',
  slack: 'Authorization: Bearer',
  sendgrid: 'Authorization: Bearer',
  datadog: 'DD-API-KEY',
  elevenlabs: 'xi-api-key',
  deepgram: 'Authorization: Token',
};

/** APIs that accept a key only in the query string, and what their providers advise instead. */
const QUERY_ONLY: readonly { readonly url: RegExp; readonly fix: string }[] = [
  {
    url: /maps\.googleapis\.com\/maps\/api\/js\b/i,
    fix: 'the Maps JavaScript API takes its key only in the script URL: restrict the key to your sites (HTTP referrers) and to the Maps APIs it needs in the Google Cloud console',
  },
  {
    url: /maps\.googleapis\.com\/maps\/api\//i,
    fix: 'Google Maps web services take the key in the URL: call them from your server with a key restricted to its IP addresses and to the APIs it needs, never from the browser',
  },
  {
    url: /\/\/(?:[a-z0-9-]+\.)*(?:serpapi\.com|serpstack\.com|weatherstack\.com|apilayer\.net|weatherapi\.com|visualcrossing\.com|openweathermap\.org)\//i,
    fix: 'this API takes the key only in the query string: call it from a server route that holds the key (never from the browser), keep full request URLs out of logs, and restrict the key by IP where the provider allows it',
  },
];

/** How far back on the line the URL that holds the key may start. */
const URL_REACH = 600;

/**
 * The fix for a key in a URL, from the text of its line up to the key: the provider's documented
 * alternative for a query-only API, a short-lived token for a WebSocket (browsers cannot set its
 * headers), else the header the provider reads.
 */
export function keyInUrlFix(lineBefore: string, provider: string): string {
  const near = lineBefore.length > URL_REACH ? lineBefore.slice(-URL_REACH) : lineBefore;
  const url = near.slice(Math.max(near.lastIndexOf('http://'), near.lastIndexOf('https://'), near.lastIndexOf('ws://'), near.lastIndexOf('wss://'), 0));
  for (const q of QUERY_ONLY) if (q.url.test(url)) return q.fix;
  if (/^wss?:\/\//i.test(url))
    return 'a browser cannot set headers on a WebSocket: have your server mint a short-lived token (the provider\'s ephemeral or client token) for the URL, never the long-lived key';
  const header = AUTH_HEADERS[provider];
  return header === undefined
    ? 'send it in the Authorization header (or the one the provider documents) instead of the URL'
    : `send it in the ${header} header instead of the URL`;
}
