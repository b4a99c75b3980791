// The claim loop every queue consumer runs (the summary worker, the webhook dispatcher): claim while a slot is free,
// run each claim in its slot, claim again when a slot frees, when the queue says work is ready, and on a safety poll;
// stop claiming on stop() and wait (up to a deadline) for what runs. What a claim is and how it runs is the caller's.
import { within } from './deadline.js';

export interface ClaimLoopOptions<T> {
  /** The next item to run, or undefined when none is ready. */
  claim(): Promise<T | undefined>;
  /** Runs one claimed item in a slot; must not throw (the slot frees when it settles). */
  run(item: T): Promise<void>;
  /** Called whenever the queue has something claimable; returns the unsubscribe function. */
  onReady(listener: () => void): () => void;
  /** Told of a claim that threw (the loop goes on at the next wake-up or poll). */
  onClaimError(err: unknown): void;
  /** An item claimed after stop() began; without it, such an item is run like any other. */
  handBack?(item: T): Promise<void>;
  /** Slots. */
  concurrency: number;
  /** Safety poll, for items whose time came without a wake-up. */
  pollIntervalMs: number;
}

export interface ClaimLoop {
  /** Starts claiming; a no-op once started or stopped. */
  start(): void;
  /** Stops claiming and waits up to `deadlineMs` for the claim in progress and every running item. */
  stop(deadlineMs: number): Promise<void>;
  /** Items running now. */
  running(): ReadonlySet<Promise<void>>;
}

interface LoopState<T> {
  readonly options: ClaimLoopOptions<T>;
  readonly running: Set<Promise<void>>;
  started: boolean;
  stopped: boolean;
  /** The loop while it runs: at most one at a time. */
  pumping: Promise<void> | undefined;
  /** A wake-up came while the loop ran: it goes round once more instead of dropping it. */
  pumpAgain: boolean;
  poll: NodeJS.Timeout | undefined;
  unsubscribe: (() => void) | undefined;
}

/** Creates the loop (not started). */
export function createClaimLoop<T>(options: ClaimLoopOptions<T>): ClaimLoop {
  const state: LoopState<T> = { options, running: new Set(), started: false, stopped: false, pumping: undefined, pumpAgain: false, poll: undefined, unsubscribe: undefined };
  return { start: () => start(state), stop: (deadlineMs) => stop(state, deadlineMs), running: () => state.running };
}

function start<T>(state: LoopState<T>): void {
  if (state.started || state.stopped) return;
  state.started = true;
  state.unsubscribe = state.options.onReady(() => void pump(state));
  state.poll = setInterval(() => void pump(state), state.options.pollIntervalMs);
  state.poll.unref();
  void pump(state);
}

/**
 * Runs the loop, or (when it runs already) makes it go round once more: an item enqueued after the loop's last
 * empty claim would otherwise wait for the safety poll (a burst then ran in steps of pollIntervalMs).
 */
function pump<T>(state: LoopState<T>): Promise<void> {
  if (state.pumping) {
    state.pumpAgain = true;
    return state.pumping;
  }
  state.pumping = (async () => {
    do {
      state.pumpAgain = false;
      await drain(state);
    } while (state.pumpAgain && state.started && state.running.size < state.options.concurrency);
  })().finally(() => (state.pumping = undefined));
  return state.pumping;
}

/** Claims while slots are free and starts each claim in its slot. */
async function drain<T>(state: LoopState<T>): Promise<void> {
  const { options } = state;
  try {
    while (state.started && state.running.size < options.concurrency) {
      const item = await options.claim();
      if (item === undefined) break;
      if (!state.started && options.handBack) {
        await options.handBack(item);
        break;
      }
      const p: Promise<void> = options.run(item).finally(() => {
        state.running.delete(p);
        void pump(state);
      });
      state.running.add(p);
    }
  } catch (err) {
    options.onClaimError(err);
  }
}

async function stop<T>(state: LoopState<T>, deadlineMs: number): Promise<void> {
  state.started = false;
  state.stopped = true;
  state.unsubscribe?.();
  if (state.poll) clearInterval(state.poll);
  await within(
    deadlineMs,
    (async () => {
      await state.pumping;
      await Promise.allSettled([...state.running]);
    })(),
  );
}
