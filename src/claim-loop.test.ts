// The claim loop over an in-memory list of items: slots bound what runs, a wake-up during a pass is not lost, stop()
// waits for what runs (up to its deadline), an item claimed once stop() began is handed back, and a throwing claim
// is reported without ending the loop.
import { afterEach, describe, expect, it } from 'vitest';
import { createClaimLoop, type ClaimLoop, type ClaimLoopOptions } from './claim-loop.js';

const loops: ClaimLoop[] = [];
afterEach(async () => {
  for (const loop of loops.splice(0)) await loop.stop(0);
});

/** A queue of numbers with a ready signal; runs take `runMs`. */
function harness(extra: Partial<ClaimLoopOptions<number>> = {}, runMs = 20) {
  const items: number[] = [];
  const listeners = new Set<() => void>();
  const ran: number[] = [];
  let peak = 0;
  let active = 0;
  const loop = createClaimLoop<number>({
    claim: async () => items.shift(),
    run: async (n) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, runMs));
      ran.push(n);
      active -= 1;
    },
    onReady: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClaimError: () => undefined,
    concurrency: 2,
    pollIntervalMs: 60_000, // no safety poll in these tests: only wake-ups move the loop
    ...extra,
  });
  loops.push(loop);
  const push = (...n: number[]): void => {
    items.push(...n);
    for (const listener of listeners) listener();
  };
  return { loop, push, ran, items, peak: () => peak };
}

const until = async (test: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !test(); i += 1) await new Promise((r) => setTimeout(r, 10));
  expect(test()).toBe(true);
};

describe('claim loop', () => {
  it('runs every item, never more at once than its slots, claiming again as slots free', async () => {
    const h = harness();
    h.loop.start();
    h.push(1, 2, 3, 4, 5);
    await until(() => h.ran.length === 5);
    expect([...h.ran].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(h.peak()).toBe(2);
  });

  it('a wake-up during the last, empty claim of a pass makes it go round again (no wait for the safety poll)', async () => {
    let gate: (() => void) | undefined;
    let hold = true;
    const h = harness({
      claim: async () => {
        const n = h.items.shift();
        // The list was empty when read; the item pushed while this claim is still out must not wait for the poll.
        if (n === undefined && hold) {
          hold = false;
          await new Promise<void>((r) => (gate = r));
        }
        return n;
      },
    });
    h.loop.start();
    await until(() => gate !== undefined);
    h.push(2);
    gate?.();
    await until(() => h.ran.length === 1);
  });

  it('stop() waits for running items up to its deadline and refuses to start again', async () => {
    const h = harness({}, 150);
    h.loop.start();
    h.push(1);
    await until(() => h.loop.running().size === 1);
    await h.loop.stop(1000);
    expect(h.ran).toEqual([1]);
    h.loop.start();
    h.push(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.ran).toEqual([1]);
  });

  it('an item claimed after stop() began is handed back, not run; a throwing claim is reported and the loop goes on', async () => {
    const handedBack: number[] = [];
    const errors: unknown[] = [];
    let stopping: Promise<void> | undefined;
    let fail = true;
    const h = harness({
      claim: async () => {
        if (fail) {
          fail = false;
          throw new Error('store away');
        }
        const n = h.items.shift();
        if (n === 9) stopping = h.loop.stop(1000); // stop() begins while this claim is in progress
        return n;
      },
      onClaimError: (err) => errors.push(err),
      handBack: async (n) => void handedBack.push(n),
    });
    h.loop.start();
    await until(() => errors.length === 1);
    h.push(9);
    await until(() => stopping !== undefined);
    await stopping;
    expect(handedBack).toEqual([9]);
    expect(h.ran).toEqual([]);
  });
});
