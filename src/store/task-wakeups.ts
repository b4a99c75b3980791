// onReady plumbing for the task queue: listeners fired now or at a future time via unref'd timers.
import type { Logger } from '../logger.js';

/** onReady listeners, fired now or at a future time (unref'd timers, cleared by close()). */
export type Wakeups = ReturnType<typeof createWakeups>;

/** Creates the wake-ups; `now` is the queue's clock. */
export function createWakeups(now: () => number, logger: Logger) {
  const listeners = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function fire(): void {
    if (closed) return;
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (err) {
        logger.error({ err }, 'task-queue onReady listener threw');
      }
    }
  }

  function at(epochMs: number): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fire();
    }, Math.max(0, epochMs - now()));
    timer.unref();
    timers.add(timer);
  }

  return {
    now: fire,
    at,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
    },
  };
}
