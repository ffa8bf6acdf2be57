import type { CommitInfo, Fragment, Origin, Skipped } from '../types.js';
import type { CutLine } from './bounded-lines.js';

/** Marks a commit header in `git log --format`: NUL cannot occur in a patch line. */
export const COMMIT_MARK = '\u0000commit ';
/** Ends a commit's message: a message cannot hold its own commit's hash, so it cannot fake this line. */
const MESSAGE_END = '\u0000end ';
export const LOG_FORMAT = '%x00commit %H%x00%an%x00%ae%x00%aI%x00%s%n%B%n%x00end %H';
/** Where a finding in a commit message is shown: it is in no file. */
export const MESSAGE_PATH = '(commit message)';
/** A longer message is cut here: a message is read whole before it is scanned. */
const MAX_MESSAGE_CHARS = 1 << 20;

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Undoes git's C-style quoting of unusual path names ("a\303\244 b\"c"); octal escapes are UTF-8 bytes. */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The new path of a file diff from its `+++ b/<path>` line; undefined for `/dev/null` (a deletion). */
function newPathOf(line: string): string | undefined {
  const raw = line.slice(4).replace(/\t$/, '');
  if (raw === '/dev/null') return undefined;
  const path = unquotePath(raw);
  return path.startsWith('b/') ? path.slice(2) : path;
}

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export interface PatchOptions {
  readonly kind: 'staged' | 'commit';
  /** A file diff adding more than this many bytes (UTF-8, newlines included) is skipped, not scanned. */
  readonly maxFileSize?: number;
  /** Called with each diff's pre/post blob pair and path; returning false skips a diff already scanned. */
  readonly isNewDiff?: (blobs: string) => boolean;
  /** Called when a commit header is read, before its fragments. */
  readonly onCommit?: ((commit: CommitInfo) => void) | undefined;
  /** Called for each file diff not scanned: binary, or too large. */
  readonly onSkipped?: ((skipped: Skipped) => void) | undefined;
}

function parseCommitLine(line: string): CommitInfo {
  const [sha = '', author = '', email = '', date = '', message = ''] = line.slice(1).split('\u0000');
  return { commit: sha.replace(/^commit /, ''), author, email, date, message };
}

/** Git's own test for binary content, as in tree scans: a NUL among the first 8 KiB (here: of the added text). */
const BINARY_PROBE_BYTES = 8192;

type FileState = 'scan' | 'seen' | 'binary' | 'too-large';

/**
 * Turns a unified diff (`git diff -U0 --text` or `git log -p -U0 --text`) into fragments of added
 * lines, one per hunk, numbered as in the new file. Holds one file diff at a time (at most
 * maxFileSize of added text), never the whole patch, and yields its fragments when it ends: a file
 * diff whose added text starts with a NUL in its first 8 KiB is binary, one that adds more than
 * maxFileSize is too large, and both are reported through onSkipped instead. Hunk bodies are read
 * by the counts in their headers, so an added line that looks like a header is still text.
 */
export async function* patchFragments(batches: AsyncIterable<readonly (string | CutLine)[]>, options: PatchOptions): AsyncGenerator<Fragment> {
  const maxFileSize = options.maxFileSize ?? Infinity;
  let commit: CommitInfo | undefined;
  let path: string | undefined;
  let state: FileState = 'scan';
  let blobs = '';
  let oldLeft = 0;
  let newLeft = 0;
  let added: string[] = [];
  let addedStart = 0;
  let nextNewLine = 0;
  // between a commit's header and its MESSAGE_END line: the message's lines
  let message: string[] | undefined;
  let messageChars = 0;
  // the file diff in progress: its fragments, the bytes it adds, what is left of the binary probe
  let held: Fragment[] = [];
  let fileBytes = 0;
  let probeLeft = BINARY_PROBE_BYTES;

  const origin = (): Origin =>
    options.kind === 'staged' || commit === undefined ? { kind: 'staged', path: path! } : { kind: 'commit', path: path!, ...commit };
  const flushHunk = (): void => {
    if (added.length > 0 && path !== undefined && state === 'scan') held.push({ text: added.join('\n'), origin: origin(), lineOffset: addedStart - 1 });
    added = [];
  };
  const where = (): string => (commit === undefined || options.kind === 'staged' ? '' : ` in commit ${commit.commit.slice(0, 12)}`);
  /** Ends the file diff in progress: its fragments, or nothing when it was skipped. */
  const endFile = (): Fragment[] => {
    flushHunk();
    const done = held;
    held = [];
    if (path !== undefined && (state === 'binary' || state === 'too-large'))
      options.onSkipped?.(
        state === 'binary'
          ? { path, reason: 'binary', detail: `binary file${where()}` }
          : { path, reason: 'too-large', detail: `adds more than --max-file-size (${maxFileSize} bytes)${where()}` },
      );
    fileBytes = 0;
    probeLeft = BINARY_PROBE_BYTES;
    return state === 'scan' ? done : [];
  };
  const addLine = (text: string, cut: boolean): void => {
    if (state !== 'scan') return;
    if (cut) {
      // a line longer than the limit allows: too large, whatever else the file adds
      state = 'too-large';
      held = [];
      added = [];
      return;
    }
    if (probeLeft > 0) {
      if (text.slice(0, probeLeft).includes('\u0000')) {
        state = 'binary';
        held = [];
        added = [];
        return;
      }
      probeLeft -= text.length + 1;
    }
    fileBytes += Buffer.byteLength(text) + 1;
    if (fileBytes > maxFileSize) {
      state = 'too-large';
      held = [];
      added = [];
      return;
    }
    added.push(text);
  };

  // lines come in batches (one per chunk git wrote): an await per chunk, not per line
  for await (const batch of batches) {
    for (const item of batch) {
      const line = typeof item === 'string' ? item : item.head;
      if (message !== undefined) {
        const end = line.indexOf(MESSAGE_END);
        if (end === -1 || line.slice(end + MESSAGE_END.length) !== commit!.commit) {
          messageChars += line.length + 1;
          if (messageChars <= MAX_MESSAGE_CHARS) message.push(line);
          continue;
        }
        if (end > 0) message.push(line.slice(0, end));
        // %B is followed by %n: the message's own last line break leaves one empty line, or two
        while (message.length > 0 && message.at(-1) === '') message.pop();
        const text = message.join('\n');
        message = undefined;
        if (text.trim() !== '') yield { text, origin: { kind: 'message', path: MESSAGE_PATH, ...commit! }, lineOffset: 0 };
        continue;
      }
      if (oldLeft > 0 || newLeft > 0) {
        const sign = line[0];
        if (sign === '+') {
          if (added.length === 0) addedStart = nextNewLine;
          else if (addedStart + added.length !== nextNewLine) {
            flushHunk();
            addedStart = nextNewLine;
          }
          addLine(line.slice(1), typeof item !== 'string');
          newLeft--;
          nextNewLine++;
        } else if (sign === '-') {
          oldLeft--;
        } else if (sign === ' ') {
          oldLeft--;
          newLeft--;
          nextNewLine++;
        } else if (sign !== '\\') {
          // a malformed hunk: stop trusting its counts
          oldLeft = 0;
          newLeft = 0;
        }
        if (oldLeft > 0 || newLeft > 0 || sign === '\\') continue;
        flushHunk();
        continue;
      }
      if (line.startsWith('@@')) {
        const m = HUNK_HEADER.exec(line);
        if (!m) continue;
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        nextNewLine = Number(m[2]);
        newLeft = m[3] === undefined ? 1 : Number(m[3]);
      } else if (line.startsWith('diff --git ')) {
        yield* endFile();
        path = undefined;
        blobs = '';
        state = 'scan';
      } else if (line.startsWith('+++ ')) {
        path = newPathOf(line);
        // the same change to the same path (a cherry-pick, a branch merged in) is scanned once
        if (path !== undefined && blobs !== '' && options.isNewDiff && !options.isNewDiff(`${blobs} ${path}`)) state = 'seen';
      } else if (line.startsWith('index ')) {
        blobs = line.slice(6).split(' ')[0] ?? '';
      } else if (line.startsWith(COMMIT_MARK)) {
        yield* endFile();
        commit = parseCommitLine(line);
        path = undefined;
        state = 'scan';
        oldLeft = 0;
        newLeft = 0;
        options.onCommit?.(commit);
        // only git log's format has a message after the header
        if (options.kind === 'commit') {
          message = [];
          messageChars = 0;
        }
      }
    }
  }
  yield* endFile();
}
