import { masked } from '../secret.js';
import { shannonEntropy } from './entropy.js';

// a run of characters a key is made of; names (apiKey, process.env.API_KEY) are runs too, told apart below
const TOKEN = /[A-Za-z0-9_\-+/=.~:]{12,}/g;

function looksLikeKey(token: string): boolean {
  let digits = 0;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits >= 2 && shannonEntropy(token) >= 3.2;
}

/**
 * What a practice finding shows as its evidence: the names it matched (`api_key=${apiKey}`), with
 * any value that looks like a key masked, so a literal key in a URL is never printed by a practice.
 */
export function safeEvidence(matched: string): string {
  return matched.replace(TOKEN, (token) => (looksLikeKey(token) ? masked(token) : token));
}
