// Capped, jittered exponential backoff and the retry loop shared by REST calls, login and reconnects.
import { isAppError } from '../errors.js';

export interface BackoffPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Sleeps for `ms`; injectable so tests can record requested delays. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delay before retry number `attempt` (1 = first retry): "equal jitter" between half and all of
 * min(maxDelayMs, baseDelayMs·2^(attempt-1)).
 */
export function backoffDelay(attempt: number, policy: Omit<BackoffPolicy, 'maxAttempts'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface RetryHooks {
  sleep: Sleep;
  random?: () => number;
  /** Called before each wait (for logging). */
  /** Extra veto: return false to stop retrying an otherwise retryable error. */
  shouldRetry?: (error: unknown) => boolean;
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
