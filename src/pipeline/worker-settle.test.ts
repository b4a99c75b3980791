// A summary stored, then a store that blinks before the completion is recorded (a Redis restart): the model is asked
// once. The worker keeps recording the completion while the store is away (bounded); past the bound, the task's next
// run finds the summary stored under its task id and completes it without asking again.
import Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import type { SummaryEngine, SummaryStore } from '../ports.js';
import { createSummaryStore } from '../store/summary-store.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { countingEngine, generated, oneTurnSource as source } from '../../test/support/pipeline-fixtures.js';
import { createConversationProcessor } from './process-conversation.js';
import { createWorker, type Worker } from './worker.js';

const CONVERSATION = '00000000-0000-4000-8000-0000000000bb';

/**
 * The task store as a restarting Redis is to its clients: every read and write refused until `downUntil`, and the
 * next `dropWrites` writes refused (a connection lost under one command, back for the next).
 */
class BlinkingStore extends Map<string, unknown> {
  downUntil = 0;
  dropWrites = 0;
  /** Only writes to keys containing this are dropped. @default every key */
  dropOnly = '';
  refused = 0;
  private check(key: string, write = false): void {
    if (write && this.dropWrites > 0 && key.includes(this.dropOnly)) {
      this.dropWrites -= 1;
      this.refused += 1;
      throw new Error('connection lost');
    }
    if (Date.now() < this.downUntil) {
      this.refused += 1;
      throw new Error('connection lost');
    }
  }
  override get(key: string): unknown {
    this.check(key);
    return super.get(key);
  }
  override set(key: string, value: unknown): this {
    this.check(key, true);
    return super.set(key, value);
  }
}

/** Real time: the blink and the retries are a few hundred ms. */
async function until<T>(read: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('completion of a stored summary while the store blinks', () => {
  const open: Array<{ worker: Worker; queue: EmbeddedTaskQueue }> = [];
  afterEach(async () => {
    for (const { worker, queue } of open.splice(0)) {
      await worker.stop(1000);
      queue.close();
    }
  });

  /** One process: queue over `tasks`, the real processor, a worker; the task store blinks right after each summary write. */
  function service(tasks: BlinkingStore, summaries: SummaryStore, engine: SummaryEngine, blink: { ms?: number; writes?: number; only?: string }, settleRetryMs?: number) {
    const queue = createEmbeddedTaskQueue({ keyv: new Keyv({ store: tasks, throwOnErrors: true }), logger: silentLogger() });
    const blinkAfterPut: SummaryStore = {
      ...summaries,
      put: async (record: SummaryRecord) => {
        await summaries.put(record);
        tasks.downUntil = Date.now() + (blink.ms ?? 0);
        tasks.dropWrites = blink.writes ?? 0;
        tasks.dropOnly = blink.only ?? '';
      },
    };
    const process = createConversationProcessor({ source, engine, summaries: blinkAfterPut, tasks: queue, logger: silentLogger() });
    const worker = createWorker({
      queue, process, logger: silentLogger(), pollIntervalMs: 50, retry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...(settleRetryMs === undefined ? {} : { settleRetryMs }),
    });
    open.push({ worker, queue });
    return { queue, worker };
  }

  const completed = (queue: EmbeddedTaskQueue, id: string) => async (): Promise<TaskRecord | undefined> => {
    const task = await queue.get(id);
    return task?.status === 'completed' ? task : undefined;
  };

  /** One task through one process whose task store blinks as `blink` says, until it completes. */
  async function completeOne(blink: { ms?: number; writes?: number; only?: string }, idempotencyKey: string) {
    const tasks = new BlinkingStore();
    const summaries = createSummaryStore({ keyv: new Keyv(), defaultMaxLength: 500, logger: silentLogger() });
    const engine = countingEngine();
    const { queue, worker } = service(tasks, summaries, engine, blink);
    await queue.recover();
    const { task } = await queue.enqueue({ conversationId: CONVERSATION, idempotencyKey, maxLength: 500, source: 'socket' });
    worker.start();
    const done = await until(completed(queue, task.task_id), 5000);
    return { tasks, summaries, engine, queue, task, done };
  }

  it('keeps recording the completion until the store answers: one model call, the task completed', async () => {
    const { tasks, summaries, engine, task, done } = await completeOne({ ms: 700 }, 'k1');
    expect(tasks.refused).toBeGreaterThan(0);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    expect(engine.calls).toBe(1);
    expect((await summaries.get(CONVERSATION))?.task_id).toBe(task.task_id);
  });

  it('a completion write lost once is written again, not recorded as a failure that re-runs the task and asks again', async () => {
    const { tasks, engine, done } = await completeOne({ writes: 1 }, 'k3');
    expect(tasks.refused).toBe(1);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    expect(engine.calls).toBe(1);
  });

  it('a completion whose counters were written but whose record write was lost is counted once (the queue reloads and undoes them)', async () => {
    const { tasks, engine, queue, done } = await completeOne({ writes: 1, only: 'task:' }, 'k4');
    expect(tasks.refused).toBe(1);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    expect(await queue.counts()).toMatchObject({ completed: 1, processing: 0, pending: 0 });
    expect(engine.calls).toBe(1);
  });

  it('past the bound the task stays open; its next run completes it from the stored summary without asking again', async () => {
    const tasks = new BlinkingStore();
    const summaries = createSummaryStore({ keyv: new Keyv(), defaultMaxLength: 500, logger: silentLogger() });
    const engine = countingEngine();
    const first = service(tasks, summaries, engine, { ms: 1500 }, 300);
    await first.queue.recover();
    const { task } = await first.queue.enqueue({ conversationId: CONVERSATION, idempotencyKey: 'k2', maxLength: 500, source: 'socket' });
    first.worker.start();
    await until(async () => (tasks.refused > 0 && first.worker.active() === 0 ? true : undefined), 5000);
    expect(engine.calls).toBe(1);
    // The process goes away with the task left processing (its failure could not be recorded either); the next start
    // over the same store re-queues it once the store is back.
    await first.worker.stop(100);
    await until(async () => (Date.now() >= tasks.downUntil ? true : undefined), 5000);
    const next = service(tasks, summaries, engine, {});
    expect(await next.queue.recover()).toBe(1);
    next.worker.start();
    const done = await until(completed(next.queue, task.task_id), 5000);
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(engine.calls).toBe(1);
  });
});
