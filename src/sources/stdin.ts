import type { Readable } from 'node:stream';
import type { Fragment, Skipped } from '../types.js';
import { decodeText } from './files.js';

export const STDIN_PATH = '<stdin>';

export type StdinOutcome = { readonly kind: 'fragment'; readonly fragment: Fragment; readonly bytes: number } | { readonly kind: 'skipped'; readonly skipped: Skipped };

/** Standard input, whole, up to maxFileSize bytes: past that it is skipped, and no more of it is held. */
export async function readStdinFragment(input: Readable, maxFileSize: number): Promise<StdinOutcome> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += buffer.length;
    if (length > maxFileSize) {
      input.destroy();
      return { kind: 'skipped', skipped: { path: STDIN_PATH, reason: 'too-large', detail: `more than --max-file-size ${maxFileSize} bytes` } };
    }
    chunks.push(buffer);
  }
  const buffer = Buffer.concat(chunks);
  return { kind: 'fragment', fragment: { text: decodeText(buffer), origin: { kind: 'stdin', path: STDIN_PATH }, lineOffset: 0 }, bytes: buffer.length };
}
