// A task that outlives its timeout: the first run is aborted and awaited (bounded) before its task is retried, and
// can never store, so one summary is written once. Fake timers and gates: nothing here races the wall clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { silentLogger } from '../logger.js';
import { isAppError } from '../errors.js';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import type { SummaryEngine, SummaryStore } from '../ports.js';
import { countingEngine, generated, oneTurnSource as source } from '../../test/support/pipeline-fixtures.js';
import { createConversationProcessor } from './process-conversation.js';
import { createWorker, type Worker } from './worker.js';

const ID = '00000000-0000-4000-8000-0000000000aa';
/** A promise and its resolver. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** An engine whose first call waits for `first` without looking at any signal (an SDK call that cannot be cancelled). */
const gatedFirstEngine = (first: Promise<void>) => countingEngine((call) => (call === 1 ? first : undefined));

/** Real macrotask turns (setImmediate is not faked) until `cond` holds; bounded by turns, not by time. */
async function until(cond: () => boolean | Promise<boolean>, turns = 2000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not met');
}

describe('task timeout and ownership', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let worker: Worker | undefined;
  let puts: SummaryRecord[];
  let summaries: SummaryStore;
  let gates: Array<{ open: () => void }>;

  beforeEach(async () => {
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    puts = [];
    gates = [];
    summaries = { get: async () => puts.at(-1), put: async (r) => void puts.push(r), ping: async () => true };
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const g of gates) g.open();
    await worker?.stop(1000);
    worker = undefined;
    queue.close();
    await backend.close();
  });

  /** Fake timers and Date for the worker AND the queue (whose clock is read when it is created). */
  function useFakeClock(): void {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    queue.close();
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks-fake-clock'), logger: silentLogger() });
  }

  /** A worker (1 s timeout, 5 s abort grace) over the real processor; records every run's signal and promise. */
  function timedWorker(engine: SummaryEngine) {
    const processor = createConversationProcessor({ source, engine, summaries, tasks: queue, logger: silentLogger() });
    const signals: AbortSignal[] = [];
    const runs: Array<Promise<unknown>> = [];
    worker = createWorker({
      queue,
      logger: silentLogger(),
      taskTimeoutMs: 1000,
      abortGraceMs: 5000,
      pollIntervalMs: 100,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      process: (task, signal) => {
        signals.push(signal);
        const run = processor(task, signal);
        runs.push(run);
        return run;
      },
    });
    return { worker, signals, runs };
  }

  it('a timed-out run is aborted and awaited before its task is handed back; the retry stores the one summary', async () => {
    useFakeClock();
    const first = gate();
    gates.push(first);
    const engine = gatedFirstEngine(first.promise);
    const { worker: w, signals, runs } = timedWorker(engine);
    const { task } = await queue.enqueue({ conversationId: ID, idempotencyKey: 'k', maxLength: 500, source: 'socket' });
    w.start();
    await until(() => engine.calls === 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(signals[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(4000);
    // Still inside the grace: the old run may yet reach its store, so the task is not handed back.
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'processing', attempts: 1 });
    expect(runs).toHaveLength(1);
    first.open(); // the uncancellable call returns late; the run sees the abort and stores nothing
    await until(async () => (await queue.get(task.task_id))?.status !== 'processing' || runs.length > 1);
    for (let i = 0; i < 50 && (await queue.get(task.task_id))?.status !== 'completed'; i++) {
      await vi.advanceTimersByTimeAsync(10);
      await until(() => true);
    }
    await Promise.allSettled(runs);
    expect(runs).toHaveLength(2);
    expect(await runs[0]!.catch((e: unknown) => e)).toMatchObject({ code: 'INTERNAL' });
    expect(engine.calls).toBe(2);
    expect(signals[1]?.aborted).toBe(false);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.task_id).toBe(task.task_id);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('the wait for an aborted run is bounded: a run that never returns costs abortGraceMs, then the task is retried', async () => {
    useFakeClock();
    const never = gate();
    gates.push(never);
    const engine = gatedFirstEngine(never.promise);
    const { worker: w, signals } = timedWorker(engine);
    const { task } = await queue.enqueue({ conversationId: ID, idempotencyKey: 'k', maxLength: 500, source: 'socket' });
    w.start();
    await until(() => engine.calls === 1);
    await vi.advanceTimersByTimeAsync(5999);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'processing', attempts: 1 });
    await vi.advanceTimersByTimeAsync(1);
    await until(async () => (await queue.get(task.task_id))?.status === 'pending');
    for (let i = 0; i < 50 && signals.length < 2; i++) {
      await vi.advanceTimersByTimeAsync(10);
      await until(() => true);
    }
    expect(signals).toHaveLength(2);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('a run whose task was re-queued (or claimed again) meanwhile discards its summary', async () => {
    const processor = createConversationProcessor({ source, engine: gatedFirstEngine(Promise.resolve()), summaries, tasks: queue, logger: silentLogger() });
    await queue.enqueue({ conversationId: ID, idempotencyKey: 'k', maxLength: 500, source: 'socket' });
    const claimed = (await queue.claim()) as TaskRecord;
    await queue.fail(claimed.task_id, { code: 'INTERNAL', message: 'task exceeded 100 ms' }, Date.now());
    const err = await processor(claimed).catch((e: unknown) => e);
    expect(isAppError(err, 'INTERNAL') && err.details?.superseded).toBe(true);
    const again = (await queue.claim()) as TaskRecord;
    expect(again.attempts).toBe(2);
    expect(await processor(claimed).catch((e: unknown) => e)).toMatchObject({ details: { superseded: true } });
    expect(puts).toHaveLength(0);
    expect((await processor(again)).record.task_id).toBe(again.task_id);
    expect(puts).toHaveLength(1);
  });
});
