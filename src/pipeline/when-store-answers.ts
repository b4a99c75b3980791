// Work already paid for (a model answer) waits for a blinking store instead of being redone: one step is tried again
// while the store answers STORE_UNAVAILABLE (a Redis restart, a busy SQLite file), for a bounded time.
import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelay } from '../backoff.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface StoreWaitOptions {
  /** How long after the first try a try may still start, in ms; past it the last STORE_UNAVAILABLE is thrown. */
  deadlineMs: number;
  /** Stops the waiting at once: the last STORE_UNAVAILABLE is thrown. @default none */
  signal?: AbortSignal | undefined;
  /** Where each wait is logged (with the run's conversationId). */
  log: Logger;
  /** What is tried again, for the log line ('store unavailable; <what> again shortly'). */
  what: string;
}

/**
 * Runs `step` until it settles with anything but STORE_UNAVAILABLE, waiting between tries (jittered backoff, ceilings
 * 250 ms doubling to 2 s). `step` runs whole on every try, so whatever it must re-check first (ownership) it re-checks.
 * Any other error, a deadline passed or an aborted signal ends the loop with that error.
 */
export async function whenStoreAnswers<T>(step: () => Promise<T>, options: StoreWaitOptions): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  for (let tries = 1; ; tries += 1) {
    try {
      return await step();
    } catch (err) {
      const waitMs = backoffDelay(tries, { baseDelayMs: 250, maxDelayMs: 2000 });
      if (!isAppError(err, 'STORE_UNAVAILABLE') || options.signal?.aborted || Date.now() + waitMs > deadline) throw err;
      options.log.warn({ waitMs, tries }, `store unavailable; ${options.what} again shortly`);
      const aborted = await delay(waitMs, false, options.signal ? { signal: options.signal } : {}).catch(() => true);
      if (aborted) throw err;
    }
  }
}
