import { describe, expect, test } from 'vitest';
import { startedEarly } from '../../src/sources/started-early.js';

describe('startedEarly', () => {
  test('the source starts at once, and gives every item in order to the loop that reads it later', async () => {
    const events: string[] = [];
    async function* source(): AsyncGenerator<number> {
      events.push('started');
      for (let i = 0; i < 3; i++) yield i;
    }
    const early = startedEarly(source());
    await Promise.resolve();
    expect(events).toEqual(['started']); // before anyone iterates: git is spawned while rules compile
    const seen: number[] = [];
    for await (const n of early) seen.push(n);
    expect(seen).toEqual([0, 1, 2]);
  });

  test('close ends a source never read, and leaving the loop early ends it too', async () => {
    const ended: string[] = [];
    async function* source(name: string): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        ended.push(name); // where git's process is killed
      }
    }
    await startedEarly(source('closed')).close();
    for await (const n of startedEarly(source('left'))) if (n === 5) break;
    expect(ended).toEqual(['closed', 'left']);
  });

  test('a source that fails to start fails where its first item is awaited, not as an unhandled rejection', async () => {
    async function* source(): AsyncGenerator<number> {
      throw new Error('cannot run git');
    }
    const early = startedEarly(source());
    await new Promise((resolve) => setTimeout(resolve, 10)); // an unhandled rejection would fail the run here
    await expect(early[Symbol.asyncIterator]().next()).rejects.toThrow('cannot run git');
  });
});
