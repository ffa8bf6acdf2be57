import type { Readable } from 'node:stream';
import type { Fragment } from '../types.js';
import { decodeText } from './files.js';

export const STDIN_PATH = '<stdin>';

export async function readStdinFragment(input: Readable): Promise<{ fragment: Fragment; bytes: number }> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const buffer = Buffer.concat(chunks);
  return { fragment: { text: decodeText(buffer), origin: { kind: 'stdin', path: STDIN_PATH }, lineOffset: 0 }, bytes: buffer.length };
}
