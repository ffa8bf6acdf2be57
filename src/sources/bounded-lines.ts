/**
 * Splits a byte stream into lines at '\n' only, as git ends them ("\r\n" loses its '\r'; a lone
 * '\r' stays inside its line, where readline would have split it and broken a hunk's line count).
 * Holds at most `maxLineBytes` of any line: the rest of a longer line is dropped as it arrives, so
 * a 300 MB one-line file costs `maxLineBytes` of memory, not 300 MB. A cut line comes out at
 * exactly `maxLineBytes` bytes (decoded), so a caller that limits sizes sees it is too long.
 */
export async function* boundedLines(input: AsyncIterable<Buffer | string>, maxLineBytes: number): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  let held = 0;
  const take = (piece: Buffer): void => {
    const room = maxLineBytes - held;
    if (room <= 0) return;
    const kept = piece.length <= room ? piece : piece.subarray(0, room);
    // a copy when cut: a small slice must not keep the whole chunk alive
    parts.push(kept.length === piece.length ? kept : Buffer.from(kept));
    held += kept.length;
  };
  const line = (): string => {
    const buffer = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    parts = [];
    held = 0;
    const end = buffer.length > 0 && buffer[buffer.length - 1] === 13 ? buffer.length - 1 : buffer.length;
    return buffer.toString('utf8', 0, end);
  };
  for await (const data of input) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    for (let eol = chunk.indexOf(10); eol !== -1; eol = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, eol));
      yield line();
      start = eol + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (held > 0 || parts.length > 0) yield line();
}
