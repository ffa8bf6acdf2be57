import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { KeyscanError } from './errors.js';
import { nodeCrypto } from './node-crypto.js';

const WHY: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'its directory does not exist',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
};

/**
 * Writes a file whole or not at all: the text goes to a temporary file beside it, is flushed to
 * disk, and is renamed over the target. A kill or a full disk leaves the old file as it was (a
 * baseline is never truncated). A target that is not a regular file (/dev/stdout, a pipe) is
 * written directly: renaming over it would replace the device. Errors are one KeyscanError line
 * naming `what` and the path as the user gave it.
 */
/** Pieces are gathered into writes of about this size: a report of 100,000 rows is not 100,000 writes. */
const WRITE_BYTES = 1 << 20;

async function writePieces(write: (chunk: string) => Promise<unknown>, text: string | readonly string[]): Promise<void> {
  if (typeof text === 'string') return void (await write(text));
  let chunk = '';
  for (const piece of text) {
    chunk += piece;
    if (chunk.length >= WRITE_BYTES) {
      await write(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') await write(chunk);
}

/** `text` may be pieces in order (a large report), written without joining them into one string. */
export async function writeFileAtomic(path: string, text: string | readonly string[], what: string, shown: string = path): Promise<void> {
  try {
    const info = await fsp.stat(path).catch(() => undefined);
    if (info !== undefined && !info.isFile()) {
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      await fsp.writeFile(path, typeof text === 'string' ? text : text.join(''));
      return;
    }
    const temp = join(dirname(path), `.${basename(path)}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`);
    let handle;
    try {
      // 0o666 before umask, like writeFile; an existing file keeps its mode
      handle = await fsp.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, info === undefined ? 0o666 : info.mode & 0o7777);
    } catch (err) {
      // a writable file in a directory the user may not write to: it can only be rewritten in place
      const code = (err as NodeJS.ErrnoException).code;
      if (info === undefined || (code !== 'EACCES' && code !== 'EPERM')) throw err;
      await fsp.writeFile(path, typeof text === 'string' ? text : text.join(''));
      return;
    }
    try {
      try {
        await writePieces((chunk) => handle!.write(chunk), text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, path);
    } catch (err) {
      await fsp.unlink(temp).catch(() => undefined);
      throw err;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === undefined ? (err as Error).message : WHY[code] === undefined ? code : `${WHY[code]} (${code})`;
    throw new KeyscanError('IO', `cannot write ${what} ${shown}: ${why}`, { cause: err });
  }
}
