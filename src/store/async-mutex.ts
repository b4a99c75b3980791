// A tiny in-process async mutex: serializes read-modify-write sequences against a store within one process.

/** Runs functions one at a time, in call order. */
export interface AsyncMutex {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Creates a FIFO mutex; a rejected function does not block the ones queued after it. */
export function createAsyncMutex(): AsyncMutex {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn, fn);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
