/** A line longer than the limit: only its start, decoded, for a header line's sake. */
export interface CutLine {
  readonly cut: true;
  readonly head: string;
}

/**
 * Lines not yet decoded: line i is `bytes[bounds[2i], bounds[2i + 1])`, its '\n' (and a '\r' before
 * it) left out. A reader decodes only the lines it needs, and a run of neighbours at once.
 */
export interface LineSpan {
  readonly cut: false;
  readonly bytes: Buffer;
  readonly bounds: readonly number[];
}

export type LinePiece = LineSpan | CutLine;

const HEAD_BYTES = 4096;

/** The end of a line's bytes without the '\r' of a "\r\n". */
function endWithoutCr(bytes: Buffer, start: number, end: number): number {
  return end > start && bytes[end - 1] === 13 ? end - 1 : end;
}

/**
 * Splits a byte stream into lines at '\n' only, as git ends them ("\r\n" loses its '\r'; a lone
 * '\r' stays inside its line, where readline would have split it and broken a hunk's line count).
 * Holds at most `maxLineBytes` of any line: the rest of a longer line is dropped as it arrives, so
 * a 300 MB one-line file costs `maxLineBytes` of memory, not 300 MB. A longer line comes out as a
 * CutLine, never decoded whole.
 *
 * Lines come in batches, the lines each chunk read ends: one await per chunk (64 KiB from a pipe),
 * not one per line, which cost a history scan more than parsing the patch. They stay bytes (spans
 * of the chunk) until the reader decodes them: a history scan decodes the lines it scans and the
 * few headers it reads, not the removed lines. The next chunk is read only when the consumer asks
 * for the next batch, so a slow consumer holds git back (its pipe fills) instead of the log piling
 * up here.
 */
export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<LinePiece[]> {
  // a line begun in an earlier chunk
  let parts: Buffer[] = [];
  let held = 0;
  let head: Buffer | undefined; // set once the line is cut
  const take = (piece: Buffer): void => {
    if (head !== undefined) return;
    if (held + piece.length <= maxLineBytes) {
      parts.push(piece);
      held += piece.length;
      return;
    }
    const first = parts.length > 0 ? parts[0]! : piece;
    head = Buffer.from(first.subarray(0, HEAD_BYTES)); // a copy: the rest of the line is let go
    parts = [];
    held = 0;
  };
  const line = (): LinePiece => {
    if (head !== undefined) {
      const cut: CutLine = { cut: true, head: head.toString('utf8') };
      head = undefined;
      return cut;
    }
    const buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    held = 0;
    return { cut: false, bytes: buffer, bounds: [0, endWithoutCr(buffer, 0, buffer.length)] };
  };
  const isHolding = (): boolean => held > 0 || parts.length > 0 || head !== undefined;
  for await (const data of input) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const batch: LinePiece[] = [];
    let bounds: number[] = [];
    let start = 0;
    for (let eol = chunk.indexOf(10); eol !== -1; eol = chunk.indexOf(10, start)) {
      if (isHolding()) {
        take(chunk.subarray(start, eol));
        batch.push(line());
      } else if (eol - start > maxLineBytes) {
        if (bounds.length > 0) batch.push({ cut: false, bytes: chunk, bounds });
        bounds = [];
        batch.push({ cut: true, head: chunk.toString('utf8', start, Math.min(eol, start + HEAD_BYTES)) });
      } else {
        bounds.push(start, endWithoutCr(chunk, start, eol));
      }
      start = eol + 1;
    }
    if (bounds.length > 0) batch.push({ cut: false, bytes: chunk, bounds });
    if (start < chunk.length) take(chunk.subarray(start));
    if (batch.length > 0) yield batch;
  }
  if (isHolding()) yield [line()];
}
