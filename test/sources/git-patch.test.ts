import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { boundedLines } from '../../src/sources/bounded-lines.js';
import { patchFragments } from '../../src/sources/git-patch.js';
import type { Fragment } from '../../src/types.js';

// The history parser as a pure function over a byte stream shaped like `git log -p` with keyscan's
// --format: what it yields, and how much of the stream it pulls while its consumer is slow.

const sha = (n: number): string => n.toString(16).padStart(40, '0');

/** One commit as `git log -p --format=<LOG_FORMAT> -U0` prints it: header, message, one file diff adding `lines`. */
function commitText(n: number, lines: readonly string[]): string {
  const id = sha(n);
  return (
    `\u0000commit ${id}\u0000Dev\u0000dev@example.invalid\u00002024-01-0${(n % 9) + 1}T00:00:00+00:00\u0000change ${n}\n` +
    `change ${n}\n\nwhy: näive café ${n}\n\n\u0000end ${id}\n\n` +
    `diff --git a/src/f${n}.ts b/src/f${n}.ts\nindex ${sha(0)}..${sha(n + 1)} 100644\n--- a/src/f${n}.ts\n+++ b/src/f${n}.ts\n` +
    `@@ -1,0 +${n + 1},${lines.length} @@\n${lines.map((l) => `+${l}\n`).join('')}`
  );
}

const commitLines = (n: number): string[] => Array.from({ length: 20 }, (_, i) => `export const v${n}_${i} = "value ${i} ✓";`);

function parse(source: Readable): AsyncGenerator<Fragment> {
  return patchFragments(boundedLines(source, 1 << 20), { kind: 'commit' });
}

const plain = (fragments: readonly Fragment[]): unknown => JSON.parse(JSON.stringify(fragments));

describe('patchFragments over a git log stream', () => {
  test('a line cut between any two chunks, a multi-byte character or a CRLF included, parses as when read whole', async () => {
    const log = Buffer.from([0, 1, 2].map((n) => commitText(n, [...commitLines(n), 'crlf line\r'])).join(''));
    const whole: Fragment[] = [];
    for await (const f of parse(Readable.from([log]))) whole.push(f);
    expect(whole.map((f) => [f.origin.kind, f.origin.path, f.lineOffset])).toEqual([
      ['message', '(commit message)', 0],
      ['commit', 'src/f0.ts', 0],
      ['message', '(commit message)', 0],
      ['commit', 'src/f1.ts', 1],
      ['message', '(commit message)', 0],
      ['commit', 'src/f2.ts', 2],
    ]);
    expect(whole[1]!.text.split('\n')).toEqual([...commitLines(0), 'crlf line']);
    expect(whole[2]!.text).toBe('change 1\n\nwhy: näive café 1');
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < log.length; i += size) chunks.push(log.subarray(i, i + size));
      const cut: Fragment[] = [];
      for await (const f of parse(Readable.from(chunks))) cut.push(f);
      expect(plain(cut)).toEqual(plain(whole));
    }
  });

  test('a consumer slower than git holds the log back: the stream is pulled a chunk at a time, never buffered whole', async () => {
    const commits = 100_000; // about 120 MB of log if it were all read
    let next = 0;
    let producedBytes = 0;
    // a pipe's stream: byte mode, 64 KiB high-water mark, filled only when asked to read
    const source = new Readable({
      highWaterMark: 64 * 1024,
      read() {
        if (next === commits) {
          this.push(null);
          return;
        }
        const chunk = Buffer.from(commitText(next, commitLines(next++)));
        producedBytes += chunk.length;
        this.push(chunk);
      },
    });
    const seen: Fragment[] = [];
    for await (const fragment of parse(source)) {
      seen.push(fragment);
      await sleep(1); // a slow detector
      if (seen.length === 400) break;
    }
    // 200 commits consumed (a message and a file each, about 260 KB of log): the parser ran a chunk or two
    // ahead of its consumer
    expect(seen.at(-1)!.origin.path).toBe('src/f199.ts');
    expect(producedBytes).toBeLessThan(1024 * 1024);
    expect(source.destroyed).toBe(true); // stopping early lets the stream go
  });
});

/** A log of one commit with one file diff per entry: its added lines as raw bytes (a '\n' after each). */
function logOf(files: readonly (readonly Buffer[])[]): Buffer {
  const id = sha(7);
  const parts: Buffer[] = [Buffer.from(`\u0000commit ${id}\u0000Dev\u0000dev@example.invalid\u00002024-01-01T00:00:00+00:00\u0000s\ns\n\n\u0000end ${id}\n\n`)];
  files.forEach((lines, n) => {
    parts.push(Buffer.from(`diff --git a/f${n} b/f${n}\nindex ${sha(0)}..${sha(n + 1)} 100644\n--- /dev/null\n+++ b/f${n}\n@@ -0,0 +1,${lines.length} @@\n`));
    for (const line of lines) parts.push(Buffer.from('+'), line, Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

async function parsed(log: Buffer, maxFileSize: number): Promise<{ fragments: Fragment[]; skipped: string[] }> {
  const skipped: string[] = [];
  const fragments: Fragment[] = [];
  const lines = boundedLines(Readable.from([log]), maxFileSize + 1);
  for await (const f of patchFragments(lines, { kind: 'commit', maxFileSize, onSkipped: (s) => skipped.push(`${s.path} ${s.reason}`) })) fragments.push(f);
  return { fragments: fragments.filter((f) => f.origin.kind === 'commit'), skipped };
}

describe('added lines decoded a run at a time', () => {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  test('a run reads as its lines joined: CRLF ends, a multi-byte character cut by the line end, a lone CR inside', async () => {
    const lines = [text('a = 1\r'), Buffer.concat([text('b = "'), Buffer.from([0xe2, 0x82])]), text('c\r = 3\r\r'), text('+d'), text('')];
    const { fragments } = await parsed(logOf([lines]), 1 << 20);
    expect(fragments.map((f) => f.text)).toEqual(['a = 1\nb = "\ufffd\nc\r = 3\r\n+d\n']);
  });

  test('a file diff is skipped for the reason its first offending line gives, whichever the run', async () => {
    const filler = text('x'.repeat(40));
    const nul = text('bin\u0000ary');
    const { fragments, skipped } = await parsed(
      logOf([
        [filler, filler, filler], // 123 bytes: too large
        [filler, nul, filler], // a NUL in the probe: binary
        [filler, filler, filler, nul], // the limit passed at the third line, before the NUL: too large
        [nul, filler, filler, filler], // the NUL first: binary, though the run is also too large
        [filler, filler], // 82 bytes: scanned
      ]),
      100,
    );
    expect(skipped).toEqual(['f0 too-large', 'f1 binary', 'f2 too-large', 'f3 binary']);
    expect(fragments.map((f) => f.origin.path)).toEqual(['f4']);
  });
});
