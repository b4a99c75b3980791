// How long and how often a delivery is retried: capped, jittered exponential backoff (src/backoff.ts) for a time
// window from the event (at least a day by default), never fewer than `minAttempts` tries; Retry-After is a floor.
import { backoffDelay } from '../backoff.js';
import type { DeliveryRecord } from '../domain.js';

export interface DeliveryRetryPolicy {
  /** Retries go on until the delivery is this old. @default 86400000 (24 h) */
  windowMs?: number;
  /** Ceiling of the first retry's delay. @default 5000 */
  baseDelayMs?: number;
  /** Ceiling of every delay (and of a receiver's Retry-After). @default 3600000 (1 h) */
  maxDelayMs?: number;
  /** Tries every delivery gets at least, however short the window. @default 5 */
  minAttempts?: number;
}

export type ResolvedDeliveryRetryPolicy = Required<DeliveryRetryPolicy>;

export function resolveDeliveryRetry(policy: DeliveryRetryPolicy = {}): ResolvedDeliveryRetryPolicy {
  return {
    windowMs: policy.windowMs ?? 86_400_000,
    baseDelayMs: policy.baseDelayMs ?? 5000,
    maxDelayMs: policy.maxDelayMs ?? 3_600_000,
    minAttempts: policy.minAttempts ?? 5,
  };
}

/**
 * The delay before the next try of a delivery whose attempt number `delivery.attempts` just failed, or undefined
 * when it has been tried long enough (window over and at least minAttempts tries).
 */
export function deliveryRetryDelay(
  delivery: Pick<DeliveryRecord, 'attempts' | 'created_at'>,
  retryAfterMs: number | undefined,
  policy: ResolvedDeliveryRetryPolicy,
  nowMs: number,
  random: () => number = Math.random,
): number | undefined {
  const age = nowMs - Date.parse(delivery.created_at);
  if (delivery.attempts >= policy.minAttempts && !(age < policy.windowMs)) return undefined;
  const delay = backoffDelay(delivery.attempts, { baseDelayMs: policy.baseDelayMs, maxDelayMs: policy.maxDelayMs }, random);
  return Math.max(delay, Math.min(retryAfterMs ?? 0, policy.maxDelayMs));
}
