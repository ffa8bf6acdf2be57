import { expect, test } from 'vitest';
import { lineStarts, lineText, locate } from '../../src/location.js';

test('line and column are 1-based and point at the secret; endColumn is exclusive', () => {
  const text = 'a\nkey = SECRET\n';
  const start = text.indexOf('SECRET');
  expect(locate(lineStarts(text), start, start + 6, 0)).toEqual({ line: 2, column: 7, endLine: 2, endColumn: 13 });
});

test('CRLF line breaks count once and do not shift columns', () => {
  const text = 'one\r\ntwo\r\n  SECRET\r\n';
  const starts = lineStarts(text);
  const start = text.indexOf('SECRET');
  expect(locate(starts, start, start + 6, 0)).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 9 });
  expect(lineText(text, starts, 2)).toBe('  SECRET');
});

test('the last line without a newline is located', () => {
  const text = 'x\ny\nlast SECRET';
  const start = text.indexOf('SECRET');
  expect(locate(lineStarts(text), start, text.length, 0)).toEqual({ line: 3, column: 6, endLine: 3, endColumn: 12 });
});

test('a multi-line secret spans lines; lineOffset shifts lines for fragments of a larger file', () => {
  const text = 'k = BEGIN\nbody\nEND\n';
  const start = text.indexOf('BEGIN');
  const end = text.indexOf('END') + 3;
  expect(locate(lineStarts(text), start, end, 10)).toEqual({ line: 11, column: 5, endLine: 13, endColumn: 4 });
});
