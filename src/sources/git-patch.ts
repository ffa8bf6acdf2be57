import type { CommitInfo, Fragment, Origin, Skipped } from '../types.js';
import type { LinePiece, LineSpan } from './bounded-lines.js';

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

const PLUS = 43; // '+'
const MINUS = 45; // '-'
const SPACE = 32; // ' '
const BACKSLASH = 92; // '\'
/** First bytes of the header lines read outside hunks (@@, diff, +++, index, the commit mark); any other line is passed over undecoded. */
const HEADER_LEAD = new Set([64, 100, PLUS, 105, 0]);
/** Between two added lines of one span: the line break ("\r\n" loses its '\r', as in boundedLines) and the next line's sign. */
const ADDED_LINE_BREAK = /\r?\n\+/g;

/**
 * Turns a unified diff (`git diff -U0 --text` or `git log -p -U0 --text`) into fragments of added
 * lines, one per hunk, numbered as in the new file. Holds one file diff at a time (at most
 * maxFileSize of added text), never the whole patch, and yields its fragments when it ends: a file
 * diff whose added text starts with a NUL in its first 8 KiB is binary, one that adds more than
 * maxFileSize is too large, and both are reported through onSkipped instead. Hunk bodies are read
 * by the counts in their headers, so an added line that looks like a header is still text.
 * Lines stay bytes until needed: a run of added lines is decoded in one call, removed lines never.
 */
export async function* patchFragments(batches: AsyncIterable<readonly LinePiece[]>, options: PatchOptions): AsyncGenerator<Fragment> {
  const maxFileSize = options.maxFileSize ?? Infinity;
  let commit: CommitInfo | undefined;
  let path: string | undefined;
  let fileOrigin: Origin | undefined; // the file diff's origin, shared by its fragments
  let state: FileState = 'scan';
  let blobs = '';
  let oldLeft = 0;
  let newLeft = 0;
  // the hunk's added text so far: pieces of joined lines, and how many lines they hold
  let added: string[] = [];
  let addedLines = 0;
  let addedStart = 0;
  let nextNewLine = 0;
  // between a commit's header and its MESSAGE_END line: the message's lines
  let message: string[] | undefined;
  let messageChars = 0;
  // the file diff in progress: its fragments, the bytes it adds, what is left of the binary probe
  let held: Fragment[] = [];
  let fileBytes = 0;
  let probeLeft = BINARY_PROBE_BYTES;
  // fragments ready to yield, gathered while a batch is read, and the commits begun and file diffs
  // skipped between them: onCommit and onSkipped are called in stream order, as fragments are taken
  const ready: (Fragment | { readonly begun: CommitInfo } | { readonly skipped: Skipped })[] = [];

  const origin = (): Origin =>
    (fileOrigin ??= options.kind === 'staged' || commit === undefined ? { kind: 'staged', path: path! } : { kind: 'commit', path: path!, ...commit });
  const flushHunk = (): void => {
    if (addedLines > 0 && path !== undefined && state === 'scan')
      held.push({ text: added.length === 1 ? added[0]! : added.join('\n'), origin: origin(), lineOffset: addedStart - 1 });
    added = [];
    addedLines = 0;
  };
  const where = (): string => (commit === undefined || options.kind === 'staged' ? '' : ` in commit ${commit.commit.slice(0, 12)}`);
  /** Ends the file diff in progress: its fragments go to `ready`, or nothing when it was skipped. */
  const endFile = (): void => {
    flushHunk();
    const done = held;
    held = [];
    if (path !== undefined && (state === 'binary' || state === 'too-large') && options.onSkipped)
      ready.push({
        skipped:
          state === 'binary'
            ? { path, reason: 'binary', detail: `binary file${where()}` }
            : { path, reason: 'too-large', detail: `adds more than --max-file-size (${maxFileSize} bytes)${where()}` },
      });
    fileBytes = 0;
    probeLeft = BINARY_PROBE_BYTES;
    if (state === 'scan') for (const f of done) ready.push(f);
  };
  const skipFile = (why: FileState): void => {
    state = why;
    held = [];
    added = [];
    addedLines = 0;
  };
  /** One added line, judged alone: the slow path, for cut lines and for a run that crosses a limit. */
  const addLine = (text: string, cut: boolean): void => {
    if (state !== 'scan') return;
    if (cut) return skipFile('too-large'); // a line longer than the limit allows: too large, whatever else the file adds
    if (probeLeft > 0) {
      if (text.slice(0, probeLeft).includes('\u0000')) return skipFile('binary');
      probeLeft -= text.length + 1;
    }
    fileBytes += Buffer.byteLength(text) + 1;
    if (fileBytes > maxFileSize) return skipFile('too-large');
    added.push(text);
    addedLines++;
  };
  /**
   * Added lines `from`..`to` (bounds indexes) of a span, decoded at once. Their joined text passes
   * the binary probe and the size limit as a whole exactly when each line passes them in turn;
   * when it does not, the lines are judged one by one, so the file is skipped for the same reason.
   */
  const addLines = (span: LineSpan, from: number, to: number): void => {
    if (state !== 'scan') return;
    const { bytes, bounds } = span;
    const count = (to - from) / 2;
    const raw = bytes.toString('utf8', bounds[from]! + 1, bounds[to - 1]!);
    const text = count === 1 ? raw : raw.includes('\r') ? raw.replace(ADDED_LINE_BREAK, '\n') : raw.replaceAll('\n+', '\n');
    const isBinary = probeLeft > 0 && text.slice(0, probeLeft).includes('\u0000');
    const size = Buffer.byteLength(text) + count;
    if (isBinary || fileBytes + size > maxFileSize) {
      for (let i = from; i < to; i += 2) addLine(bytes.toString('utf8', bounds[i]! + 1, bounds[i + 1]!), false);
      return;
    }
    if (probeLeft > 0) probeLeft -= text.length + 1;
    fileBytes += size;
    added.push(text);
    addedLines += count;
  };
  /** Where an added line goes: after the hunk's last one, or a new fragment. */
  const placeAdded = (): void => {
    if (addedLines === 0) addedStart = nextNewLine;
    else if (addedStart + addedLines !== nextNewLine) {
      flushHunk();
      addedStart = nextNewLine;
    }
  };
  /** A line outside a hunk body: headers. */
  const readHeader = (line: string): void => {
    if (line.startsWith('@@')) {
      const m = HUNK_HEADER.exec(line);
      if (!m) return;
      oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      nextNewLine = Number(m[2]);
      newLeft = m[3] === undefined ? 1 : Number(m[3]);
    } else if (line.startsWith('diff --git ')) {
      endFile();
      path = undefined;
      fileOrigin = undefined;
      blobs = '';
      state = 'scan';
    } else if (line.startsWith('+++ ')) {
      path = newPathOf(line);
      fileOrigin = undefined;
      // the same change to the same path (a cherry-pick, a branch merged in) is scanned once
      if (path !== undefined && blobs !== '' && options.isNewDiff && !options.isNewDiff(`${blobs} ${path}`)) state = 'seen';
    } else if (line.startsWith('index ')) {
      blobs = line.slice(6).split(' ')[0] ?? '';
    } else if (line.startsWith(COMMIT_MARK)) {
      endFile();
      commit = parseCommitLine(line);
      path = undefined;
      fileOrigin = undefined;
      state = 'scan';
      oldLeft = 0;
      newLeft = 0;
      if (options.onCommit) ready.push({ begun: commit });
      // only git log's format has a message after the header
      if (options.kind === 'commit') {
        message = [];
        messageChars = 0;
      }
    }
  };
  /** A line of a commit message, until the line that ends it. */
  const readMessage = (line: string): void => {
    const end = line.indexOf(MESSAGE_END);
    if (end === -1 || line.slice(end + MESSAGE_END.length) !== commit!.commit) {
      messageChars += line.length + 1;
      if (messageChars <= MAX_MESSAGE_CHARS) message!.push(line);
      return;
    }
    if (end > 0) message!.push(line.slice(0, end));
    // %B is followed by %n: the message's own last line break leaves one empty line, or two
    while (message!.length > 0 && message!.at(-1) === '') message!.pop();
    const text = message!.join('\n');
    message = undefined;
    if (text.trim() !== '') ready.push({ text, origin: { kind: 'message', path: MESSAGE_PATH, ...commit! }, lineOffset: 0 });
  };
  /** One line inside a hunk body, by its sign; ends the hunk when its counts run out. */
  const readBodyLine = (sign: number, addThisLine?: () => void): void => {
    if (sign === PLUS) {
      placeAdded();
      addThisLine?.();
      newLeft--;
      nextNewLine++;
    } else if (sign === MINUS) {
      oldLeft--;
    } else if (sign === SPACE) {
      oldLeft--;
      newLeft--;
      nextNewLine++;
    } else if (sign !== BACKSLASH) {
      // a malformed hunk: stop trusting its counts
      oldLeft = 0;
      newLeft = 0;
    }
    if (oldLeft > 0 || newLeft > 0 || sign === BACKSLASH) return;
    flushHunk();
  };

  /** The lines of a span: added runs decoded at once, headers decoded, removed lines passed over. */
  const readSpan = (piece: LineSpan): void => {
    const { bytes, bounds } = piece;
    for (let i = 0; i < bounds.length; i += 2) {
      const start = bounds[i]!;
      const end = bounds[i + 1]!;
      if (message !== undefined) {
        readMessage(bytes.toString('utf8', start, end));
        continue;
      }
      const lead = start < end ? bytes[start]! : -1;
      if (oldLeft > 0 || newLeft > 0) {
        if (lead !== PLUS) {
          readBodyLine(lead);
          continue;
        }
        // a run of added lines: each takes one of newLeft, and the run stops where line by line
        // the hunk would end (both counts spent)
        const most = oldLeft > 0 ? Infinity : newLeft;
        let to = i + 2;
        while (to < bounds.length && (to - i) / 2 < most && bounds[to]! < bounds[to + 1]! && bytes[bounds[to]!] === PLUS) to += 2;
        const count = (to - i) / 2;
        placeAdded();
        addLines(piece, i, to);
        newLeft -= count;
        nextNewLine += count;
        if (oldLeft <= 0 && newLeft <= 0) flushHunk();
        i = to - 2;
        continue;
      }
      if (HEADER_LEAD.has(lead)) readHeader(bytes.toString('utf8', start, end));
    }
  };
  /** What is ready, in stream order: fragments, and the onCommit and onSkipped calls between them. */
  const drain = function* (): Generator<Fragment> {
    for (const item of ready) {
      if ('text' in item) yield item;
      else if ('begun' in item) options.onCommit!(item.begun);
      else options.onSkipped!(item.skipped);
    }
    ready.length = 0;
  };

  // lines come in batches (one per chunk git wrote): an await per chunk, not per line
  for await (const batch of batches) {
    for (const piece of batch) {
      if (!piece.cut) readSpan(piece);
      else if (message !== undefined) readMessage(piece.head);
      else if (oldLeft > 0 || newLeft > 0) {
        const line = piece.head;
        readBodyLine(line.charCodeAt(0), () => addLine(line.slice(1), true));
      } else readHeader(piece.head);
      if (ready.length > 0) yield* drain();
    }
  }
  endFile();
  yield* drain();
}
