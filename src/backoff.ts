// Capped, jittered exponential backoff: the one delay formula every retry loop in the service uses. Imports nothing internal.

/** Bounds of an exponential backoff. */
export interface BackoffBounds {
  /** Ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** Ceiling of every delay. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (1 = first retry): "equal jitter", a uniform value between half and all of
 * min(maxDelayMs, baseDelayMs·2^(attempt-1)). Attempts below 1 count as 1.
 * @param random jitter source in [0,1). @default Math.random
 */
export function backoffDelay(attempt: number, bounds: BackoffBounds, random: () => number = Math.random): number {
  const exponent = Math.min(60, Math.max(0, Math.floor(attempt) - 1));
  const ceiling = Math.max(0, Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** exponent));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
