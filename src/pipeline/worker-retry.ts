// Worker retry policy: how long and how often a failed task is retried, and whether a run is its last chance.
import { AppError } from '../errors.js';
import { backoffDelay } from '../backoff.js';
import type { TaskRecord } from '../domain.js';

/**
 * How long retryable failures are retried: per error code, until the task is that old (ms since it was created),
 * and never fewer than `maxAttempts` tries. Delays grow (capped, jittered) from baseDelayMs to maxDelayMs; an
 * upstream's Retry-After (retryAfterMs) is a floor.
 */
export interface RetryPolicy {
  /** Per-code windows, merged over DEFAULT_RETRY_WINDOWS. */
  windows?: Record<string, number>;
  /** Window of every other retryable code (LLM_UNAVAILABLE, GENESYS_UNAVAILABLE, RATE_LIMITED, …). @default 3600000 */
  defaultWindowMs?: number;
  /** @default 2000 */
  baseDelayMs?: number;
  /** @default 60000 */
  maxDelayMs?: number;
}

/**
 * A conversation still in after-call work may take hours; a voice transcript is retried for the source's transcript
 * window (30 min by default, plus a margin: the task is created a little after the conversation ended).
 */
export const DEFAULT_RETRY_WINDOWS: Readonly<Record<string, number>> = {
  CONVERSATION_NOT_ENDED: 6 * 3600_000,
  TRANSCRIPT_UNAVAILABLE: 35 * 60_000,
};

/** A retry policy with every default applied; `minAttempts` is the worker's maxAttempts. */
export type ResolvedRetryPolicy = Required<RetryPolicy> & { windows: Record<string, number>; minAttempts: number };

/** The policy with its defaults applied; `maxAttempts` is the worker's option of that name (@default 5). */
export function resolveRetryPolicy(retry: RetryPolicy | undefined, maxAttempts: number | undefined): ResolvedRetryPolicy {
  return {
    windows: { ...DEFAULT_RETRY_WINDOWS, ...retry?.windows },
    defaultWindowMs: retry?.defaultWindowMs ?? 3600_000,
    baseDelayMs: retry?.baseDelayMs ?? 2000,
    maxDelayMs: retry?.maxDelayMs ?? 60_000,
    minAttempts: maxAttempts ?? 5,
  };
}

/** The delay before the next try of a failed task, or undefined when it has failed for good. */
export function retryDelay(task: TaskRecord, error: AppError, policy: ResolvedRetryPolicy, nowMs: number, random: () => number = Math.random): number | undefined {
  if (!error.retryable) return undefined;
  const windowMs = policy.windows[error.code] ?? policy.defaultWindowMs;
  const age = nowMs - Date.parse(task.created_at);
  if (task.attempts >= policy.minAttempts && !(age < windowMs)) return undefined;
  const delay = backoffDelay(task.attempts, { baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs }, random);
  return Math.max(error.retryAfterMs ?? 0, delay);
}

/** A retryable LLM outage, to ask the retry policy whether this run is the task's last chance at the model. */
const LLM_OUTAGE = new AppError('LLM_UNAVAILABLE', 'probe', { retryable: true });

/** True when a retryable LLM outage in this run would fail the task for good (the engine may then fall back). */
export function isLastChance(task: TaskRecord, policy: ResolvedRetryPolicy, nowMs: number): boolean {
  return retryDelay(task, LLM_OUTAGE, policy, nowMs, () => 0) === undefined;
}
