// Bounded waits: a cancellable timer and "this work, or the deadline, whichever is first". Imports nothing internal.

/** A promise resolving to `value` after `ms`, and a cancel that clears its timer. */
export function delay<T>(ms: number, value: T): { promise: Promise<T>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<T>((resolve) => (timer = setTimeout(resolve, ms, value)));
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Resolves when `work` settles or `ms` passes, whichever is first; never rejects and leaves no timer behind. */
export async function within(ms: number, work: Promise<unknown>): Promise<void> {
  const deadline = delay(ms, undefined);
  try {
    await Promise.race([work.catch(() => undefined), deadline.promise]);
  } finally {
    deadline.cancel();
  }
}
