import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './token-buckets.js';

describe('token buckets', () => {
  it('gives a rested client its burst, then one token per 1/rate, and says how long to wait', () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerMin: 60, burst: 3, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(1000);
    now += 400;
    expect(buckets.take('a'), 'a refused take spends nothing').toBe(600);
    now += 600;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1000);
    // A long rest refills to the burst, never beyond it.
    now += 3_600_000;
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0, 1000]);
  });

  it('keeps one bucket per key: one client spending its budget leaves the others theirs', () => {
    const buckets = createTokenBuckets({ ratePerMin: 1, burst: 2, now: () => 0 });
    buckets.take('a');
    buckets.take('a');
    expect(buckets.take('a')).toBe(60_000);
    expect(buckets.take('b')).toBe(0);
    expect(buckets.take('b')).toBe(0);
    expect(buckets.take('b')).toBe(60_000);
  });

  it('a rate of 0 is no limit', () => {
    const buckets = createTokenBuckets({ ratePerMin: 0, burst: 1, now: () => 0 });
    for (let i = 0; i < 100; i++) expect(buckets.take('a')).toBe(0);
  });

  it('stays bounded in memory: rested buckets, then the oldest, make room for new keys', () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerMin: 60, burst: 1, now: () => now, maxKeys: 2 });
    buckets.take('a');
    buckets.take('b');
    expect(buckets.take('c'), 'the oldest bucket made room').toBe(0);
    expect(buckets.take('b'), 'b is still spent').toBe(1000);
    now += 1000;
    expect(buckets.take('d')).toBe(0);
    expect(buckets.take('c'), 'c had refilled, so forgetting it changed nothing').toBe(0);
  });
});
