// The worker at shutdown: runs that end once stop() began are left for recover() (never failed for good), and a
// claim in progress when stop() runs is handed back and awaited. Gates only: nothing here races the wall clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { TaskRecord } from '../domain.js';
import { createWorker, type Worker } from './worker.js';

const ID = '00000000-0000-4000-8000-0000000000bb';
type Result = { record: { latency_ms: number; quality_score: number } };

/** A promise with its settlers exposed. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('worker shutdown', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let worker: Worker | undefined;
  let task: TaskRecord;

  beforeEach(async () => {
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    ({ task } = await queue.enqueue({ conversationId: ID, idempotencyKey: 'k', maxLength: 500, source: 'socket' }));
  });
  afterEach(async () => {
    await worker?.stop(1000);
    worker = undefined;
    queue.close();
    await backend.close();
  });

  /** Starts a worker whose one run waits on a deferred; resolves once the run has begun. */
  async function startBlocked() {
    const run = deferred<Result>();
    const signals: AbortSignal[] = [];
    worker = createWorker({
      queue,
      logger: silentLogger(),
      process: (_task, signal) => {
        signals.push(signal);
        return run.promise;
      },
    });
    worker.start();
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    return { run, signals, worker };
  }

  it.each([
    ['SHUTTING_DOWN from a closed Genesys client', new AppError('SHUTTING_DOWN', 'Genesys client is closed')],
    ['a permanent error', new AppError('PII_IN_OUTPUT', 'kept personal data')],
  ])('a run still going at the deadline that then fails with %s stays processing; recover() re-queues it', async (_what, error) => {
    const { run, signals, worker: w } = await startBlocked();
    expect(await w.stop(0)).toBe(1);
    expect(signals[0]?.aborted, 'aborted at the deadline').toBe(true);
    run.reject(error);
    await vi.waitFor(() => expect(w.active()).toBe(0));
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'processing', attempts: 1 });
    expect(await queue.recover()).toBe(1);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'pending' });
  });

  it('a run that fails while stop() is still waiting is left for recovery too', async () => {
    const { run, worker: w } = await startBlocked();
    const stopping = w.stop(60_000);
    run.reject(new AppError('GENESYS_UNAVAILABLE', 'down', { retryable: false }));
    expect(await stopping).toBe(0);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'processing' });
  });

  it('a run that succeeds while stop() waits is recorded as completed', async () => {
    const { run, worker: w } = await startBlocked();
    const stopping = w.stop(60_000);
    run.resolve({ record: { latency_ms: 1, quality_score: 1 } });
    expect(await stopping).toBe(0);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'completed' });
  });

  it('a claim in progress when stop() runs is handed back (pending), never run, and stop() waits for it', async () => {
    const claimGate = deferred<void>();
    let claiming = false;
    let claimed = false;
    const processed: string[] = [];
    const gated: EmbeddedTaskQueue = {
      ...queue,
      claim: async () => {
        claiming = true;
        await claimGate.promise;
        const t = await queue.claim();
        claimed = true;
        return t;
      },
    };
    worker = createWorker({
      queue: gated,
      logger: silentLogger(),
      process: async (t) => {
        processed.push(t.task_id);
        return { record: { latency_ms: 1, quality_score: 1 } };
      },
    });
    worker.start();
    await vi.waitFor(() => expect(claiming).toBe(true));
    let stopped = false;
    const stopping = worker.stop(60_000).then((n) => ((stopped = true), n));
    await new Promise((r) => setImmediate(r));
    expect(stopped, 'stop() waits for the claim in progress').toBe(false);
    claimGate.resolve();
    expect(await stopping).toBe(0);
    expect(claimed).toBe(true);
    expect(processed).toEqual([]);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'pending', error: { code: 'SHUTTING_DOWN' } });
  });
});
