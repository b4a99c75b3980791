// The retry loop (capped, jittered exponential backoff from src/backoff.ts) shared by REST calls, login and reconnects.
import { backoffDelay } from '../../backoff.js';
import { isAppError } from '../../errors.js';

export { backoffDelay } from '../../backoff.js';

export interface BackoffPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Sleeps for `ms`; injectable so tests can record requested delays. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryHooks {
  sleep: Sleep;
  random?: () => number;
  /** Extra veto: return false to stop retrying an otherwise retryable error. */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each wait (for logging). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `op` until it succeeds, throws a non-retryable error, or `maxAttempts` is used up. Only AppErrors with
 * `retryable: true` are retried; their `retryAfterMs` (server-requested wait) wins over the computed backoff.
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, policy: BackoffPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!isAppError(err) || !err.retryable || attempt >= policy.maxAttempts || hooks.shouldRetry?.(err) === false) throw err;
      const delayMs = err.retryAfterMs ?? backoffDelay(attempt, policy, hooks.random);
      hooks.onRetry?.({ attempt, delayMs, error: err });
      await hooks.sleep(delayMs);
    }
  }
}
