import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const bounds = { baseDelayMs: 100, maxDelayMs: 10_000 };

  it('doubles per attempt with equal jitter and caps at maxDelayMs', () => {
    expect(backoffDelay(1, bounds, () => 0)).toBe(50);
    expect(backoffDelay(1, bounds, () => 1)).toBe(100);
    expect(backoffDelay(4, bounds, () => 1)).toBe(800);
    expect(backoffDelay(4, bounds, () => 0.5)).toBe(600);
    expect(backoffDelay(20, bounds, () => 1)).toBe(10_000);
    expect(backoffDelay(5000, bounds, () => 1)).toBe(10_000);
  });

  it('treats attempts below 1 as the first retry', () => {
    expect(backoffDelay(0, bounds, () => 1)).toBe(100);
    expect(backoffDelay(-3, bounds, () => 1)).toBe(100);
  });
});
