import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import type { TaskRecord } from '../domain.js';
import { createWorker, retryDelay, type ResolvedRetryPolicy, type Worker } from './worker.js';
import { createSummaryService } from './summary-service.js';

const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ok = (task: TaskRecord) => Promise.resolve({ record: { latency_ms: 5, quality_score: 0.8 } }).then((r) => (void task, r));

function settledOnce(worker: Worker, taskId: string): Promise<TaskRecord> {
  return new Promise((resolve) => {
    const on = (t: TaskRecord): void => {
      if (t.task_id === taskId) {
        worker.events.off('settled', on);
        resolve(t);
      }
    };
    worker.events.on('settled', on);
  });
}

describe('worker', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let worker: Worker | undefined;

  beforeEach(async () => {
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
  });
  afterEach(async () => {
    await worker?.stop(1000);
    worker = undefined;
    queue.close();
    await backend.close();
  });

  const enqueue = (n: number) =>
    queue.enqueue({ conversationId: ID(n), idempotencyKey: `k${n}`, maxLength: 500, source: 'api' }).then((r) => r.task);

  it('completes a task and records latency and quality', async () => {
    worker = createWorker({ queue, process: ok, logger: silentLogger() });
    const task = await enqueue(1);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    const done = await settled;
    expect(done).toMatchObject({ status: 'completed', latency_ms: 5, quality_score: 0.8, attempts: 1 });
  });

  it('claims a task enqueued while the claim loop runs (no wait for the safety poll)', async () => {
    // A claim that answers late: the task is enqueued (and its wake-up sent) after the loop found the queue empty but
    // before that claim returned. The poll comes after the test's timeout, so only the wake-up can start the task.
    let slowClaims = true;
    const slow = { ...queue, claim: async (...args: Parameters<EmbeddedTaskQueue['claim']>) => {
      const task = await queue.claim(...args);
      if (slowClaims) await new Promise((r) => setTimeout(r, 50));
      return task;
    } };
    worker = createWorker({ queue: slow, process: ok, logger: silentLogger(), pollIntervalMs: 600_000 });
    worker.start();
    await new Promise((r) => setTimeout(r, 10));
    const task = await enqueue(1);
    slowClaims = false;
    const settled = settledOnce(worker, task.task_id);
    expect(await Promise.race([settled, new Promise((r) => setTimeout(() => r('not claimed'), 3000))])).toMatchObject({ status: 'completed' });
  });

  it('retries a retryable failure after Retry-After, then completes', async () => {
    let calls = 0;
    worker = createWorker({
      queue,
      logger: silentLogger(),
      pollIntervalMs: 20,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      process: async (task) => {
        calls += 1;
        if (calls === 1) throw new AppError('GENESYS_UNAVAILABLE', 'down', { retryable: true, retryAfterMs: 30 });
        return ok(task);
      },
    });
    const task = await enqueue(2);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    const done = await settled;
    expect(calls).toBe(2);
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('fails for good on a permanent error, keeping the code', async () => {
    worker = createWorker({
      queue,
      logger: silentLogger(),
      process: async () => {
        throw new AppError('PII_IN_OUTPUT', 'summary kept personal data');
      },
    });
    const task = await enqueue(3);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    expect(await settled).toMatchObject({ status: 'failed', error: { code: 'PII_IN_OUTPUT' }, attempts: 1 });
  });

  it('marks a task with nothing to summarize as skipped, without retrying', async () => {
    let calls = 0;
    worker = createWorker({
      queue,
      logger: silentLogger(),
      process: async () => {
        calls += 1;
        throw new AppError('CONTENT_TOO_SHORT', 'too_few_customer_words', { details: { reason: 'too_few_customer_words' } });
      },
    });
    const task = await enqueue(11);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    expect(await settled).toMatchObject({ status: 'skipped', error: { code: 'CONTENT_TOO_SHORT' } });
    expect(calls).toBe(1);
  });

  it('retries a transient failure past maxAttempts while its window lasts, then gives one last run, then fails for good', async () => {
    let calls = 0;
    let offset = 0;
    const lastChances: boolean[] = [];
    worker = createWorker({
      queue,
      logger: silentLogger(),
      maxAttempts: 3,
      pollIntervalMs: 10,
      retry: { defaultWindowMs: 60_000, baseDelayMs: 1, maxDelayMs: 5 },
      now: () => Date.now() + offset,
      process: async (_task, _signal, run) => {
        calls += 1;
        lastChances.push(run.lastChance);
        if (calls === 7) offset = 61_000; // the outage outlasted the window while this run was under way
        throw new AppError('LLM_UNAVAILABLE', 'no model', { retryable: true });
      },
    });
    const task = await enqueue(4);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    expect(await settled).toMatchObject({ status: 'failed', error: { code: 'LLM_UNAVAILABLE', retryable: true }, attempts: 8 });
    expect(calls).toBe(8);
    // Only the run after the window closed is told it is the last chance (the engine may then fall back).
    expect(lastChances).toEqual([false, false, false, false, false, false, false, true]);
  });

  it('still gives a transient failure maxAttempts tries when its window is already over', async () => {
    let calls = 0;
    worker = createWorker({
      queue,
      logger: silentLogger(),
      maxAttempts: 3,
      pollIntervalMs: 10,
      retry: { defaultWindowMs: 0, baseDelayMs: 1, maxDelayMs: 5 },
      process: async () => {
        calls += 1;
        throw new AppError('GENESYS_UNAVAILABLE', 'down', { retryable: true });
      },
    });
    const task = await enqueue(12);
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    expect(await settled).toMatchObject({ status: 'failed', attempts: 3 });
    expect(calls).toBe(3);
  });

  it('never runs more tasks at once than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    worker = createWorker({
      queue,
      logger: silentLogger(),
      concurrency: 2,
      process: async (task) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight -= 1;
        return ok(task);
      },
    });
    const tasks = await Promise.all([5, 6, 7, 8, 9].map(enqueue));
    const all = Promise.all(tasks.map((t) => settledOnce(worker!, t.task_id)));
    worker.start();
    await all;
    expect(peak).toBe(2);
  });

  it('runs at most concurrency − 1 low-priority tasks, so event work always finds a slot at once', async () => {
    const running = new Set<string>();
    const releases = new Map<string, () => void>();
    const started: string[] = [];
    worker = createWorker({
      queue,
      logger: silentLogger(),
      concurrency: 3,
      process: async (task) => {
        running.add(task.conversation_id);
        started.push(task.conversation_id);
        await new Promise<void>((resolve) => releases.set(task.conversation_id, resolve));
        running.delete(task.conversation_id);
        return ok(task);
      },
    });
    const reads = [1, 2, 3, 4, 5].map(ID);
    for (const id of reads) await queue.enqueue({ conversationId: id, idempotencyKey: id, maxLength: 500, source: 'api', priority: 'low' });
    worker.start();
    await expect.poll(() => running.size).toBe(2);
    await new Promise((r) => setTimeout(r, 30));
    expect(running.size, 'the third slot stays free for event work').toBe(2);
    const event = await queue.enqueue({ conversationId: ID(9), idempotencyKey: 'event', maxLength: 500, source: 'socket' });
    const settled = settledOnce(worker, event.task.task_id);
    await expect.poll(() => running.has(ID(9))).toBe(true);
    releases.get(ID(9))!();
    await settled;
    // A finished read lets the next one in, still at most two at once; all of them end up done.
    releases.get(reads[0]!)!();
    await expect.poll(() => started.length).toBe(4);
    expect(running.size).toBe(2);
    for (const id of reads.slice(1)) {
      await expect.poll(() => releases.has(id)).toBe(true);
      releases.get(id)!();
    }
    await expect.poll(() => running.size).toBe(0);
    expect(started).toEqual([reads[0], reads[1], ID(9), reads[2], reads[3], reads[4]]);
  });

  it('with one slot, low-priority work still runs (after event work)', async () => {
    const order: string[] = [];
    worker = createWorker({ queue, logger: silentLogger(), concurrency: 1, process: async (task) => (order.push(task.conversation_id), ok(task)) });
    const read = await queue.enqueue({ conversationId: ID(1), idempotencyKey: 'read', maxLength: 500, source: 'api', priority: 'low' });
    const event = await queue.enqueue({ conversationId: ID(2), idempotencyKey: 'event', maxLength: 500, source: 'backfill' });
    const done = Promise.all([settledOnce(worker, read.task.task_id), settledOnce(worker, event.task.task_id)]);
    worker.start();
    await done;
    expect(order).toEqual([ID(2), ID(1)]);
  });

  it('stop() waits for running tasks up to the deadline and reports what is left', async () => {
    let release!: () => void;
    worker = createWorker({
      queue,
      logger: silentLogger(),
      process: (task) => new Promise((r) => (release = () => r({ record: { latency_ms: 1, quality_score: 1 } }))).then((x) => (void task, x as { record: { latency_ms: number; quality_score: number } })),
    });
    await enqueue(10);
    worker.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(worker.active()).toBe(1);
    expect(await worker.stop(20)).toBe(1);
    release();
    expect(await worker.stop(1000)).toBe(0);
  });
});

describe('retryDelay', () => {
  const policy: ResolvedRetryPolicy = {
    windows: { CONVERSATION_NOT_ENDED: 6 * 3600_000, TRANSCRIPT_UNAVAILABLE: 35 * 60_000 },
    defaultWindowMs: 3600_000,
    baseDelayMs: 2000,
    maxDelayMs: 60_000,
    minAttempts: 5,
  };
  const created = Date.parse('2026-01-01T10:00:00Z');
  const task = (attempts: number) => ({ created_at: new Date(created).toISOString(), attempts }) as TaskRecord;
  const err = (code: 'LLM_UNAVAILABLE' | 'TRANSCRIPT_UNAVAILABLE' | 'CONVERSATION_NOT_ENDED' | 'TOO_LONG', retryAfterMs?: number) =>
    new AppError(code, 'x', { retryable: code !== 'TOO_LONG', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  const at = (minutes: number): number => created + minutes * 60_000;

  it('retries each code until its own window ends, never fewer than minAttempts times', () => {
    expect(retryDelay(task(9), err('LLM_UNAVAILABLE'), policy, at(59), () => 1)).toBe(60_000);
    expect(retryDelay(task(9), err('LLM_UNAVAILABLE'), policy, at(61))).toBeUndefined();
    expect(retryDelay(task(2), err('LLM_UNAVAILABLE'), policy, at(600), () => 1)).toBe(4000);
    expect(retryDelay(task(9), err('TRANSCRIPT_UNAVAILABLE'), policy, at(34))).toBeDefined();
    expect(retryDelay(task(9), err('TRANSCRIPT_UNAVAILABLE'), policy, at(36))).toBeUndefined();
    expect(retryDelay(task(99), err('CONVERSATION_NOT_ENDED'), policy, at(5 * 60))).toBeDefined();
    expect(retryDelay(task(99), err('CONVERSATION_NOT_ENDED'), policy, at(6 * 60 + 1))).toBeUndefined();
    expect(retryDelay(task(1), err('TOO_LONG'), policy, at(0))).toBeUndefined();
  });

  it('backs off with capped jitter and honours Retry-After as a floor', () => {
    expect(retryDelay(task(1), err('LLM_UNAVAILABLE'), policy, at(1), () => 0)).toBe(1000);
    expect(retryDelay(task(30), err('LLM_UNAVAILABLE'), policy, at(1), () => 1)).toBe(60_000);
    expect(retryDelay(task(1), err('LLM_UNAVAILABLE', 7000), policy, at(1), () => 1)).toBe(7000);
    expect(retryDelay(task(30), err('LLM_UNAVAILABLE', 7000), policy, at(1), () => 1)).toBe(60_000);
    expect(retryDelay(task(1), err('LLM_UNAVAILABLE', 120_000), policy, at(1), () => 1)).toBe(120_000);
  });
});

describe('summary service', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;

  beforeEach(async () => {
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
  });
  afterEach(async () => {
    queue.close();
    await backend.close();
  });

  const make = (worker: Worker) =>
    createSummaryService({
      queue,
      summaries: { get: async () => undefined, put: async () => undefined, ping: async () => true },
      events: worker.events,
      defaultMaxLength: 500,
      templateVersion: 'default@1',
      logger: silentLogger(),
    });

  it('joins every source seeing the same conversation into one task; force makes a new one', async () => {
    const worker = createWorker({ queue, process: ok, logger: silentLogger() });
    const service = make(worker);
    const a = await service.conversationEnded(ID(1), 'socket');
    const b = await service.request(ID(1));
    const c = await service.conversationEnded(ID(1), 'socket');
    expect(new Set([a.task_id, b.task_id, c.task_id]).size).toBe(1);
    const forced = await service.request(ID(1), { force: true });
    expect(forced.task_id).not.toBe(a.task_id);
    const shorter = await service.request(ID(1), { maxLength: 200 });
    expect(shorter.task_id).not.toBe(a.task_id);
    expect((await queue.counts()).pending).toBe(3);
  });

  it('waitForTask resolves when the task settles, or with the current state at the timeout', async () => {
    const worker = createWorker({ queue, process: ok, logger: silentLogger() });
    const service = make(worker);
    const task = await service.request(ID(2));
    expect((await service.waitForTask(task.task_id, 30))?.status).toBe('pending');
    const waiting = service.waitForTask(task.task_id, 5000);
    worker.start();
    expect((await waiting)?.status).toBe('completed');
    await worker.stop(1000);
    expect(await service.waitForTask('00000000-0000-4000-8000-999999999999', 10)).toBeUndefined();
  });

  it('a plain client request never re-runs a failed task; force does, at most once a minute per conversation', async () => {
    let runs = 0;
    const failing = createWorker({
      queue,
      logger: silentLogger(),
      process: async (task) => {
        runs += 1;
        throw new AppError(task.conversation_id === ID(3) ? 'TRANSCRIPT_UNAVAILABLE' : 'CONVERSATION_NOT_FOUND', 'x');
      },
    });
    const service = make(failing);
    const t3 = await service.request(ID(3));
    const t4 = await service.request(ID(4));
    failing.start();
    await service.waitForTask(t3.task_id, 5000);
    await service.waitForTask(t4.task_id, 5000);
    await failing.stop(1000);
    for (let i = 0; i < 5; i++) {
      expect((await service.request(ID(3))).status).toBe('failed');
      expect((await service.request(ID(4))).status).toBe('failed');
    }
    expect(runs).toBe(2);
    expect((await service.request(ID(3), { force: true })).status).toBe('pending');
    // Genesys just said ID(4) does not exist: a force is answered at once, without starting work.
    await expect(service.request(ID(4), { force: true })).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    // The forced tasks are pending: forcing again joins them for free.
    expect((await service.request(ID(3), { force: true })).status).toBe('pending');
  });
});

describe('worker patience', () => {
  it('keeps retrying a conversation that has not ended past maxAttempts, within the window', async () => {
    const backend = await createKeyvBackend('memory://');
    const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    let calls = 0;
    const worker = createWorker({
      queue,
      logger: silentLogger(),
      maxAttempts: 2,
      pollIntervalMs: 5,
      retry: { windows: { CONVERSATION_NOT_ENDED: 60_000 }, defaultWindowMs: 0, baseDelayMs: 1, maxDelayMs: 4 },
      process: async (task) => {
        calls += 1;
        if (calls < 5) throw new AppError('CONVERSATION_NOT_ENDED', 'agent in ACW', { retryable: true, retryAfterMs: 1 });
        return ok(task);
      },
    });
    const { task } = await queue.enqueue({ conversationId: ID(1), idempotencyKey: 'p', maxLength: 500, source: 'socket' });
    const settled = settledOnce(worker, task.task_id);
    worker.start();
    expect(await settled).toMatchObject({ status: 'completed', attempts: 5 });
    await worker.stop(1000);
    queue.close();
    await backend.close();
  });
});
