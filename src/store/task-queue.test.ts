import { Writable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EnqueueRequest } from '../ports.js';
import { isAppError } from '../errors.js';
import { createLogger, silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue, type EmbeddedTaskQueueOptions } from './task-queue.js';

const request = (n: number, key = `conv-${n}:len500`): EnqueueRequest => ({
  conversationId: `0000000${n}-0000-4000-8000-000000000000`,
  idempotencyKey: key,
  maxLength: 500,
  source: 'api',
});

let dir: string;
let clockMs: number;
const backends: KeyvBackend[] = [];
const queues: EmbeddedTaskQueue[] = [];

async function setup(url = 'memory://', extra: Partial<EmbeddedTaskQueueOptions> = {}) {
  const backend = await createKeyvBackend(url);
  backends.push(backend);
  const queue = createEmbeddedTaskQueue({
    keyv: backend.keyv('tasks'),
    logger: silentLogger(),
    clock: () => clockMs,
    ...extra,
  });
  queues.push(queue);
  return { backend, queue };
}

beforeEach(async () => {
  clockMs = Date.parse('2024-05-01T10:00:00Z');
  dir = await mkdtemp(path.join(tmpdir(), 'wrapup-tasks-'));
});
afterEach(async () => {
  vi.useRealTimers();
  for (const queue of queues.splice(0)) queue.close();
  for (const backend of backends.splice(0)) await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedded task queue', () => {
  it('enqueue is idempotent under concurrency: 20 racing enqueues with one key make one task', async () => {
    const { queue } = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(request(1))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.task.task_id)).size).toBe(1);
    expect((await queue.counts()).pending).toBe(1);
    expect((await queue.findByKey(request(1).idempotencyKey))?.task_id).toBe(results[0]?.task.task_id);
  });

  it('claims the oldest pending task first and counts attempts', async () => {
    const { queue } = await setup();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push((await queue.enqueue(request(n))).task.task_id);
      clockMs += 10;
    }
    const first = await queue.claim();
    expect(first).toMatchObject({ task_id: ids[0], status: 'processing', attempts: 1 });
    expect((await queue.claim())?.task_id).toBe(ids[1]);
    expect((await queue.claim())?.task_id).toBe(ids[2]);
    expect(await queue.claim()).toBeUndefined();
    expect(await queue.counts()).toEqual({ pending: 0, processing: 3, completed: 0, failed: 0, skipped: 0 });
  });

  it('claims event work before low-priority work, whatever its age; low only when allowed', async () => {
    const { queue } = await setup();
    const low = (n: number) => queue.enqueue({ ...request(n), priority: 'low' }).then((r) => r.task.task_id);
    const normal = (n: number) => queue.enqueue({ ...request(n), source: 'socket' }).then((r) => r.task.task_id);
    const lows = [await low(1), await low(2)];
    clockMs += 10;
    const events = [await normal(3), await normal(4)];
    expect((await queue.claim({ includeLow: false }))?.task_id).toBe(events[0]);
    expect((await queue.claim())?.task_id).toBe(events[1]);
    expect(await queue.claim({ includeLow: false }), 'only low-priority work is left').toBeUndefined();
    // A low-priority retry that is due still waits behind event work.
    expect((await queue.claim())?.task_id).toBe(lows[0]);
    await queue.fail(lows[0]!, { code: 'GENESYS_UNAVAILABLE', message: 'down' }, clockMs + 100);
    clockMs += 200;
    const later = await normal(5);
    expect((await queue.claim())?.task_id).toBe(later);
    expect((await queue.claim())?.task_id).toBe(lows[0]);
    expect((await queue.claim())?.task_id).toBe(lows[1]);
  });

  it('an event joining a pending low-priority task raises it (and wakes the worker); a read never lowers one', async () => {
    const { queue } = await setup();
    const older = (await queue.enqueue({ ...request(1), priority: 'low' })).task;
    const asked = (await queue.enqueue({ ...request(2), priority: 'low' })).task;
    expect(asked.priority).toBe('low');
    const ready = vi.fn();
    queue.onReady(ready);
    const joined = await queue.enqueue({ ...request(2), source: 'socket' });
    expect(joined).toMatchObject({ created: false, task: { task_id: asked.task_id, status: 'pending' } });
    expect(joined.task.priority).toBeUndefined();
    expect(ready).toHaveBeenCalledTimes(1);
    expect((await queue.enqueue({ ...request(2), priority: 'low' })).task.priority).toBeUndefined();
    expect((await queue.claim({ includeLow: false }))?.task_id).toBe(asked.task_id);
    expect((await queue.claim())?.task_id).toBe(older.task_id);
    // A re-queue takes the priority it is given (a client's force: low), else keeps the task's.
    await queue.fail(asked.task_id, { code: 'TOO_LONG', message: 'long' });
    expect((await queue.retry(asked.task_id, { priority: 'low' })).priority).toBe('low');
    expect(await queue.claim({ includeLow: false })).toBeUndefined();
  });

  it('keeps priorities across a restart (the index is rebuilt from the records)', async () => {
    const url = `sqlite://${path.join(dir, 'prio.sqlite')}`;
    const first = await setup(url);
    const low = (await first.queue.enqueue({ ...request(1), priority: 'low' })).task;
    clockMs += 10;
    const event = (await first.queue.enqueue({ ...request(2), source: 'webhook' })).task;
    first.queue.close();
    await first.backend.close();
    const second = await setup(url);
    expect((await second.queue.claim())?.task_id).toBe(event.task_id);
    expect(await second.queue.claim({ includeLow: false })).toBeUndefined();
    expect((await second.queue.claim())?.task_id).toBe(low.task_id);
  });

  it('respects not_before on fail-with-retry and keeps the last error', async () => {
    const { queue } = await setup();
    const { task } = await queue.enqueue(request(1));
    await queue.claim();
    const retried = await queue.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'down' }, clockMs + 1000);
    expect(retried).toMatchObject({ status: 'pending', not_before: clockMs + 1000, attempts: 1 });
    expect(await queue.claim()).toBeUndefined();
    clockMs += 1000;
    const again = await queue.claim();
    expect(again).toMatchObject({ task_id: task.task_id, attempts: 2, status: 'processing' });
    expect(again?.error?.code).toBe('LLM_UNAVAILABLE');
  });

  it('complete and permanent fail close tasks; retry re-queues a failed task with a fresh budget', async () => {
    const { queue } = await setup();
    const a = (await queue.enqueue(request(1))).task;
    const b = (await queue.enqueue(request(2))).task;
    await queue.claim();
    await queue.claim();
    clockMs += 50;
    const done = await queue.complete(a.task_id, { latencyMs: 42, qualityScore: 0.7 });
    expect(done).toMatchObject({ status: 'completed', latency_ms: 42, quality_score: 0.7 });
    expect(done.updated_at).not.toBe(a.updated_at);
    const failed = await queue.fail(b.task_id, { code: 'CONVERSATION_NOT_FOUND', message: 'gone' });
    expect(failed.status).toBe('failed');
    expect(await queue.counts()).toEqual({ pending: 0, processing: 0, completed: 1, failed: 1, skipped: 0 });
    // Same key again joins the finished task instead of creating another.
    expect(await queue.enqueue(request(2))).toMatchObject({ created: false, task: { status: 'failed' } });
    const again = await queue.retry(b.task_id);
    expect(again).toMatchObject({ status: 'pending', attempts: 0, error: undefined });
    expect(await queue.counts()).toEqual({ pending: 1, processing: 0, completed: 1, failed: 0, skipped: 0 });
    expect((await queue.claim())?.task_id).toBe(b.task_id);
    const skipped = await queue.skip(b.task_id, { code: 'CONTENT_TOO_SHORT', message: 'too_few_turns' });
    expect(skipped).toMatchObject({ status: 'skipped', error: { code: 'CONTENT_TOO_SHORT' } });
    expect(await queue.counts()).toEqual({ pending: 0, processing: 0, completed: 1, failed: 0, skipped: 1 });
    expect(await queue.claim()).toBeUndefined();
    await expect(queue.complete('nope', { latencyMs: 1, qualityScore: 1 })).rejects.toSatisfy((err) =>
      isAppError(err, 'TASK_NOT_FOUND'),
    );
  });

  it('fires onReady after enqueue and retry, and at retryAt via a timer that close() clears', async () => {
    vi.useFakeTimers();
    const { queue } = await setup('memory://', { clock: () => Date.now() });
    const listener = vi.fn();
    const unsubscribe = queue.onReady(listener);
    const { task } = await queue.enqueue(request(1));
    expect(listener).toHaveBeenCalledTimes(1);
    await queue.enqueue(request(1));
    expect(listener).toHaveBeenCalledTimes(1);
    await queue.claim();
    await queue.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'down' }, Date.now() + 5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(listener).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(listener).toHaveBeenCalledTimes(2);
    await queue.claim();
    await queue.fail(task.task_id, { code: 'TOO_LONG', message: 'long' });
    await queue.retry(task.task_id);
    expect(listener).toHaveBeenCalledTimes(3);
    await queue.claim();
    await queue.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'down' }, Date.now() + 5000);
    queue.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(listener).toHaveBeenCalledTimes(3);
    unsubscribe();
  });

  it('persists in sqlite and recovers tasks left processing by a crashed process', async () => {
    const url = `sqlite://${path.join(dir, 'tasks.sqlite')}`;
    const first = await setup(url);
    const { task } = await first.queue.enqueue(request(1));
    await first.queue.enqueue(request(2));
    expect((await first.queue.claim())?.task_id).toBe(task.task_id);
    // Crash: no complete(); the process goes away.
    first.queue.close();
    await first.backend.close();

    const second = await setup(url);
    expect((await second.queue.get(task.task_id))?.status).toBe('processing');
    const ready = vi.fn();
    second.queue.onReady(ready);
    expect(await second.queue.recover()).toBe(1);
    expect(ready).toHaveBeenCalled();
    const reclaimed = await second.queue.claim();
    expect(reclaimed).toMatchObject({ task_id: task.task_id, attempts: 2, status: 'processing' });
    expect((await second.queue.enqueue(request(1))).created).toBe(false);
  });

  it('expires finished tasks and their keys after the TTL but never open ones', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clockMs);
    const { queue } = await setup('memory://', { ttlMs: 1000 });
    const open = (await queue.enqueue(request(1))).task;
    const done = (await queue.enqueue(request(2))).task;
    await queue.complete(done.task_id, { latencyMs: 1, qualityScore: 1 });
    vi.setSystemTime(clockMs + 1500);
    expect(await queue.get(done.task_id)).toBeUndefined();
    expect(await queue.get(open.task_id)).toBeDefined();
    expect((await queue.enqueue(request(2))).created).toBe(true);
  });

  it('keeps a task that failed with a short-lived code (and its key) only as long as that code says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(clockMs);
    const hour = 3_600_000;
    const { queue } = await setup('memory://', { ttlMs: 7 * 24 * hour, failedTtlMs: { CONVERSATION_NOT_FOUND: hour } });
    const unknown = (await queue.enqueue(request(1))).task;
    const outage = (await queue.enqueue(request(2))).task;
    await queue.claim();
    await queue.claim();
    await queue.fail(unknown.task_id, { code: 'CONVERSATION_NOT_FOUND', message: 'no such conversation' });
    await queue.fail(outage.task_id, { code: 'LLM_UNAVAILABLE', message: 'down', retryable: true });
    vi.setSystemTime(clockMs + hour - 1000);
    expect(await queue.get(unknown.task_id)).toBeDefined();
    vi.setSystemTime(clockMs + hour + 1000);
    expect(await queue.get(unknown.task_id)).toBeUndefined();
    expect(await queue.findByKey(request(1).idempotencyKey)).toBeUndefined();
    expect(await queue.get(outage.task_id), 'other failures keep the task TTL').toBeDefined();
    vi.setSystemTime(clockMs + 7 * 24 * hour + 1000);
    expect(await queue.get(outage.task_id)).toBeUndefined();
  });

  it('reports and drops an unreadable task record when it rebuilds the open-task index', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = createLogger({ level: 'warn', destination });
    const { backend, queue } = await setup('memory://', { logger });
    const good = (await queue.enqueue(request(2))).task;
    const keyv = backend.keyv('tasks');
    // A store left by the previous version: its open list names a broken record and the good one.
    await keyv.set('task:broken', { schema_version: 1, status: 'weird' });
    await keyv.set('index:open', ['broken', good.task_id]);
    const restarted = createEmbeddedTaskQueue({ keyv, logger, clock: () => clockMs });
    queues.push(restarted);
    expect((await restarted.claim())?.task_id).toBe(good.task_id);
    expect(await restarted.claim()).toBeUndefined();
    expect(await restarted.get('broken')).toBeUndefined();
    expect(lines.some((line) => line.taskId === 'broken' && Array.isArray(line.issues))).toBe(true);
    expect(await keyv.get('index:open')).toBeUndefined();
    expect(await restarted.counts()).toEqual({ pending: 0, processing: 1, completed: 0, failed: 0, skipped: 0 });
  });
});
