// A key that redacts itself: #private so JSON, spread and console.log cannot see it.
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  get length(): number {
    return this.#value.length;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret([redacted])';
  }
}

/**
 * How a key is shown without --show-secrets: the first 4 and last 2 characters, enough to tell keys
 * apart and find them in a provider's console; short values are masked whole, since 6 kept
 * characters would give most of them away.
 */
export function masked(value: string): string {
  if (value.length < 16) return '*'.repeat(Math.min(value.length, 8));
  return `${value.slice(0, 4)}${'*'.repeat(8)}${value.slice(-2)}`;
}

/** The text with every occurrence of each secret masked; longest first, so a key holding another is masked whole. */
export function maskAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length > 0 && out.includes(s)) out = out.split(s).join(masked(s));
  return out;
}
