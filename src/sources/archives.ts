// Archives are a source: the members of .zip (and .jar, .whl, .docx, .xlsx…), .tar, .tar.gz/.tgz
// and .gz files are scanned as `archive.zip!inner/path`, nested up to MAX_DEPTH. Reading is
// synchronous like every file read (it runs in scan workers); the zip directory and tar headers are
// read here, and every decompression goes through zlib with maxOutputLength, the one hard bound a
// bomb cannot talk its way past (a zip's declared sizes are the attacker's to choose).
import { lazyRequire } from '../lazy-require.js';
import type { Fragment, Skipped } from '../types.js';

// zlib loads with the first archive: a scan without one (the pre-commit hook) never pays for it
let zlib: typeof import('node:zlib') | undefined;
const loadZlib = (): typeof import('node:zlib') => (zlib ??= lazyRequire<typeof import('node:zlib')>('node:zlib'));

export interface ArchiveLimits {
  /** Members of members… of an archive: 3 means a.zip!b.jar!c.tgz!d.txt at most. */
  readonly maxDepth: number;
  readonly maxMembers: number;
  /** Uncompressed bytes of one archive's members, nested ones included. */
  readonly maxTotalBytes: number;
  /** Uncompressed size over compressed size past which a member is a bomb (once over 1 MB). */
  readonly maxRatio: number;
  /** A member larger than this is skipped as a file would be (--max-file-size). */
  readonly maxMemberBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Omit<ArchiveLimits, 'maxMemberBytes'> = { maxDepth: 3, maxMembers: 10_000, maxTotalBytes: 256 * 1024 * 1024, maxRatio: 200 };

const ZIP_NAMES = /\.(?:zip|jar|war|ear|aar|apk|whl|egg|nupkg|vsix|xpi|docx|xlsx|pptx|odt|ods|odp|epub|ipa)$/i;
const TAR_NAMES = /\.tar$/i;
const TGZ_NAMES = /\.(?:tar\.gz|tgz)$/i;
const GZ_NAMES = /\.gz$/i;

export type ArchiveKind = 'zip' | 'tar' | 'tgz' | 'gz';

export function archiveKind(name: string): ArchiveKind | undefined {
  if (ZIP_NAMES.test(name)) return 'zip';
  if (TGZ_NAMES.test(name)) return 'tgz';
  if (TAR_NAMES.test(name)) return 'tar';
  if (GZ_NAMES.test(name)) return 'gz';
  return undefined;
}

export interface ArchiveOutcome {
  readonly fragments: Fragment[];
  readonly skipped: Skipped[];
  /** Uncompressed bytes scanned. */
  readonly bytes: number;
}

interface Budget {
  members: number;
  bytes: number;
}

class LimitError extends Error {}

const BINARY_PROBE_BYTES = 8192;

function isText(buffer: Buffer): boolean {
  if (buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff))) return true;
  return !buffer.subarray(0, BINARY_PROBE_BYTES).includes(0);
}

function decode(buffer: Buffer): string {
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) return Buffer.from(buffer.subarray(2)).swap16().toString('utf16le');
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) return buffer.subarray(3).toString('utf8');
  return buffer.toString('utf8');
}

/** Decompresses under the member and total limits; a member over the ratio is a bomb. */
function inflateBounded(inflate: (input: Buffer, limit: number) => Buffer, input: Buffer, limits: ArchiveLimits, budget: Budget): Buffer | 'too-large' {
  const remaining = limits.maxTotalBytes - budget.bytes;
  const ratioCap = Math.max(1024 * 1024, input.length * limits.maxRatio);
  const cap = Math.min(remaining, ratioCap, limits.maxMemberBytes + 1);
  let out: Buffer;
  try {
    out = inflate(input, cap + 1);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      if (cap === remaining) throw new LimitError(`more than ${limits.maxTotalBytes} bytes uncompressed`);
      if (cap === ratioCap) throw new LimitError(`a member expands more than ${limits.maxRatio}:1 (a zip bomb?)`);
      return 'too-large';
    }
    throw err;
  }
  if (out.length > limits.maxMemberBytes) return 'too-large';
  budget.bytes += out.length;
  return out;
}

interface Member {
  readonly name: string;
  readonly read: () => Buffer | 'too-large';
}

/** The members of a zip, from its central directory. Zip64 and encrypted members are not read. */
function zipMembers(data: Buffer, limits: ArchiveLimits, budget: Budget, skip: (name: string, why: string) => void): Member[] {
  // the end-of-central-directory record: within the last 64 KiB + 22 bytes
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65_557); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new LimitError('not a zip archive (no central directory)');
  const count = data.readUInt16LE(eocd + 10);
  let at = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || at === 0xffffffff) throw new LimitError('a zip64 archive, not read');
  const members: Member[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) throw new LimitError('a damaged zip directory');
    const flags = data.readUInt16LE(at + 8);
    const method = data.readUInt16LE(at + 10);
    const compressedSize = data.readUInt32LE(at + 20);
    const declaredSize = data.readUInt32LE(at + 24);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const localOffset = data.readUInt32LE(at + 42);
    const name = data.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (++budget.members > limits.maxMembers) throw new LimitError(`more than ${limits.maxMembers} members`);
    if (flags & 1) {
      skip(name, 'encrypted member');
      continue;
    }
    // an honest bomb says what it is; a lying one is stopped by maxOutputLength when inflated
    if (declaredSize > 1024 * 1024 && declaredSize > compressedSize * limits.maxRatio) {
      skip(name, `a member expands more than ${limits.maxRatio}:1 (${declaredSize} bytes from ${compressedSize}: a zip bomb?)`);
      continue;
    }
    if (method !== 0 && method !== 8) {
      skip(name, `compression method ${method} is not read`);
      continue;
    }
    members.push({
      name,
      read: () => {
        if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== 0x04034b50) throw new LimitError('a damaged zip member');
        const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
        const body = data.subarray(start, start + compressedSize);
        if (method === 0) {
          if (body.length > limits.maxMemberBytes) return 'too-large';
          if (budget.bytes + body.length > limits.maxTotalBytes) throw new LimitError(`more than ${limits.maxTotalBytes} bytes uncompressed`);
          budget.bytes += body.length;
          return body;
        }
        return inflateBounded((input, limit) => loadZlib().inflateRawSync(input, { maxOutputLength: limit }), body, limits, budget);
      },
    });
  }
  return members;
}

function tarString(block: Buffer, from: number, length: number): string {
  const raw = block.subarray(from, from + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

/** The regular files of a ustar/pax/GNU tar: names from pax `path` records and GNU long names too. */
function tarMembers(data: Buffer, limits: ArchiveLimits, budget: Budget): Member[] {
  const members: Member[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= data.length; ) {
    const header = data.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const sizeField = tarString(header, 124, 12).trim();
    const size = sizeField === '' ? 0 : parseInt(sizeField, 8);
    if (!Number.isFinite(size) || size < 0) throw new LimitError('a damaged tar header');
    const type = String.fromCharCode(header[156] ?? 48);
    const body = data.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = tarString(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    const prefix = tarString(header, 345, 155);
    const name = longName ?? (prefix !== '' ? `${prefix}/${tarString(header, 0, 100)}` : tarString(header, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue; // links, directories, devices: no content
    if (++budget.members > limits.maxMembers) throw new LimitError(`more than ${limits.maxMembers} members`);
    members.push({ name, read: () => (body.length > limits.maxMemberBytes ? 'too-large' : body) });
  }
  return members;
}

function gunzipBounded(data: Buffer, limits: ArchiveLimits, budget: Budget): Buffer | 'too-large' {
  return inflateBounded((input, limit) => loadZlib().gunzipSync(input, { maxOutputLength: limit }), data, { ...limits, maxMemberBytes: limits.maxTotalBytes }, budget);
}

function walk(data: Buffer, kind: ArchiveKind, path: string, depth: number, limits: ArchiveLimits, budget: Budget, out: ArchiveOutcome): void {
  const skip = (name: string, why: string): void => {
    out.skipped.push({ path: `${path}!${name}`, reason: 'archive', detail: why });
  };
  let members: Member[];
  if (kind === 'zip') members = zipMembers(data, limits, budget, skip);
  else if (kind === 'tar') members = tarMembers(data, limits, budget);
  else {
    const inner = gunzipBounded(data, limits, budget);
    if (inner === 'too-large') throw new LimitError(`more than ${limits.maxTotalBytes} bytes uncompressed`);
    // the gunzipped bytes were counted; a tar inside is read from them without counting twice
    if (kind === 'tgz') members = tarMembers(inner, limits, budget);
    else members = [{ name: path.replace(/^.*\//, '').replace(/\.gz$/i, ''), read: () => inner }];
  }
  for (const member of members) {
    const read = member.read();
    const memberPath = `${path}!${member.name}`;
    if (read === 'too-large') {
      out.skipped.push({ path: memberPath, reason: 'too-large', detail: `over --max-file-size ${limits.maxMemberBytes}` });
      continue;
    }
    const inner = archiveKind(member.name);
    if (inner !== undefined) {
      if (depth + 1 >= limits.maxDepth) {
        skip(member.name, `nested deeper than ${limits.maxDepth} archives`);
        continue;
      }
      try {
        walk(read, inner, memberPath, depth + 1, limits, budget, out);
      } catch (err) {
        if (!(err instanceof LimitError)) throw err;
        out.skipped.push({ path: memberPath, reason: 'archive', detail: err.message });
        if (/bytes uncompressed|members/.test(err.message)) throw err; // the whole archive's budget is spent
      }
      continue;
    }
    if (!isText(read)) continue; // images, class files: nothing to read, as binary files in a tree
    (out as { bytes: number }).bytes += read.length;
    out.fragments.push({ text: decode(read), origin: { kind: 'file', path: memberPath }, lineOffset: 0 });
  }
}

/**
 * The text members of an archive as fragments. A bomb, a damaged archive or one past a limit is
 * reported as skipped (with what was read before the limit kept), never unpacked further.
 */
export function archiveFragments(data: Buffer, kind: ArchiveKind, path: string, limits: ArchiveLimits): ArchiveOutcome {
  const out: ArchiveOutcome = { fragments: [], skipped: [], bytes: 0 };
  try {
    walk(data, kind, path, 0, limits, { members: 0, bytes: 0 }, out);
  } catch (err) {
    if (!(err instanceof LimitError) && !(err instanceof RangeError) && !/zlib|incorrect header|invalid|unexpected end/i.test((err as Error).message)) throw err;
    if (!out.skipped.some((s) => s.path === path)) out.skipped.push({ path, reason: 'archive', detail: err instanceof LimitError ? err.message : `cannot be read: ${(err as Error).message}` });
  }
  return out;
}
