// Deterministic pseudo-random source of the simulator: ids, tokens and timings reproducible from a seed.

/** A seeded generator (mulberry32). */
export interface SimRandom {
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** A v4-shaped UUID. */
  uuid(): string;
  /** `length` lowercase base-36 characters. */
  base36(length: number): string;
}

/** Creates a generator; the same seed yields the same sequence. */
export function createRandom(seed: number): SimRandom {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (n: number): string => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  return {
    next,
    int,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`,
    base36: (length) => Array.from({ length }, () => int(0, 35).toString(36)).join(''),
  };
}
