/**
 * The same items, with the first one already asked for: a source that starts a process (git log,
 * which walks every commit before its first line with --reverse) does so while the caller still
 * prepares (compiles rules). Each later item is the source's own promise, with no wrapper between:
 * a wrapping generator costs microtasks per item. `close` ends the source when the caller gives up
 * before reading it.
 */
export interface StartedEarly<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

export function startedEarly<T>(source: AsyncIterable<T>): StartedEarly<T> {
  const iterator = source[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  first.catch(() => undefined); // a failure to start is seen where the first item is awaited
  const close = async (): Promise<void> => {
    first = undefined;
    await iterator.return?.();
  };
  return {
    close,
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const step = first ?? iterator.next();
        first = undefined;
        return step;
      },
      return: async (): Promise<IteratorResult<T>> => {
        await close();
        return { done: true, value: undefined };
      },
    }),
  };
}
