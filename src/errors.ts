export type ErrorCode = 'USAGE' | 'CONFIG' | 'RULES' | 'IO' | 'GIT' | 'INTERNAL';

// Messages say what to do and never hold a key or a full URL: cli.ts prints them as they are.
export class KeyscanError extends Error {
  override readonly name = 'KeyscanError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isKeyscanError(err: unknown): err is KeyscanError {
  return err instanceof KeyscanError;
}
