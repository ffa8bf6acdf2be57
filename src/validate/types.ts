export type { Validation, ValidationStatus } from '../types.js';

/** A request as a validator describes it: the path is appended to the provider's base URL. */
export interface ProbeRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface ProbeResponse {
  readonly status: number;
  readonly headers: Headers;
  /** At most 64 KiB of the body, as text. */
  readonly body: string;
}

/** What the validator concludes from the answer; `unknown` is decided by the client for errors. */
export interface Verdict {
  readonly status: 'live' | 'invalid' | 'unknown';
  readonly detail: string;
}

/**
 * One provider's read-only check. `hosts` are the only hosts the shared client sends its keys to;
 * `request` must use a documented header or body field for the key (`keyInUrl` says when the
 * provider offers nothing but the URL, as Telegram does).
 */
export interface Validator {
  readonly provider: string;
  readonly baseUrl: string;
  readonly hosts: readonly string[];
  readonly keyInUrl?: string;
  /** Rule ids it can check; absent: every rule of the provider. */
  readonly rules?: readonly string[];
  /** A rule whose finding in the same file completes the credential (AWS: the key id for a secret). */
  readonly pairedWith?: string;
  /**
   * For providers whose host is the customer's (a Shopify shop): the host, from what the rule's
   * `context` found beside the key; it must still match one of `hosts` (`*.` patterns allowed).
   */
  hostFor?(context: string | undefined): string | undefined;
  /**
   * Why this credential cannot be checked, decided before anything is sent (an AWS temporary key
   * without its session token, say); undefined when it can be. The finding is then `unknown`.
   */
  skipReason?(secret: string, ruleId: string, paired: string | undefined): string | undefined;
  request(secret: string, ruleId: string, paired: string | undefined): ProbeRequest;
  interpret(response: ProbeResponse, ruleId: string): Verdict;
}
