// Token buckets keyed by client: a steady rate with a burst allowance, in memory, O(1) per take.

export interface TokenBucketOptions {
  /** Tokens added per minute; 0 disables the limit (every take succeeds). */
  ratePerMin: number;
  /** Most tokens a bucket holds: how many takes a rested client gets at once. */
  burst: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * Buckets kept at most; when full, buckets that have refilled (and so are indistinguishable from new ones) are
   * dropped, then the oldest. @default 10000
   */
  maxKeys?: number;
}

export interface TokenBuckets {
  /** Takes one token from `key`'s bucket: 0 when taken, else the ms until one will be there (nothing taken). */
  take(key: string): number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates the buckets; a new key starts full. */
export function createTokenBuckets(options: TokenBucketOptions): TokenBuckets {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const burst = Math.max(1, options.burst);
  const perMs = options.ratePerMin / 60_000;
  const buckets = new Map<string, Bucket>();

  const level = (bucket: Bucket, at: number): number => Math.min(burst, bucket.tokens + (at - bucket.at) * perMs);

  function evict(at: number): void {
    for (const [key, bucket] of buckets) if (level(bucket, at) >= burst) buckets.delete(key);
    const oldest = buckets.keys().next();
    if (buckets.size >= maxKeys && !oldest.done) buckets.delete(oldest.value);
  }

  return {
    take(key) {
      if (perMs <= 0) return 0;
      const at = now();
      const bucket = buckets.get(key);
      const tokens = bucket ? level(bucket, at) : burst;
      if (tokens < 1) return Math.ceil((1 - tokens) / perMs);
      if (!bucket && buckets.size >= maxKeys) evict(at);
      buckets.set(key, { tokens: tokens - 1, at });
      return 0;
    },
  };
}
