// The BullMQ adapter against a real redis-server child: two queue instances on one Redis stand for two replicas.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { EnqueueRequest } from '../ports.js';
import { AppError } from '../errors.js';
import { createWorker } from '../pipeline/worker.js';
import { waitFor } from '../../test/helpers.js';
import { silentLogger } from '../logger.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../../test/support/redis-server.js';
import { createBullmqTaskQueue, type BullmqTaskQueue, type BullmqTaskQueueOptions } from './bullmq-queue.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';

const request = (n: number, extra: Partial<EnqueueRequest> = {}): EnqueueRequest => ({
  conversationId: `0000000${n}-0000-4000-8000-000000000000`,
  idempotencyKey: `conv-${n}:len500`,
  maxLength: 500,
  source: 'socket',
  ...extra,
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let redis: RedisServer;
let prefix: string;
const opened: Array<{ backend: KeyvBackend; queue: BullmqTaskQueue }> = [];

/** One "replica": its own store connection and queue, on the test's prefix. */
async function replica(extra: Partial<BullmqTaskQueueOptions> = {}): Promise<BullmqTaskQueue> {
  const backend = await createKeyvBackend(redis.url, { namespace: prefix });
  const queue = createBullmqTaskQueue({ redisUrl: redis.url, keyv: backend.keyv('tasks'), logger: silentLogger(), prefix, lockDurationMs: 2000, ...extra });
  opened.push({ backend, queue });
  return queue;
}

describeWithRedis('BullMQ task queue (several replicas on one Redis)', () => {
  beforeAll(async () => {
    redis = await startRedisServer({ persistent: false });
  });
  afterAll(async () => redis?.stop());
  afterEach(async () => {
    for (const { backend, queue } of opened.splice(0)) {
      await queue.close();
      await backend.close();
    }
    prefix = '';
  });
  const fresh = (): void => {
    prefix = `t${randomUUID().slice(0, 8)}`;
  };

  it('one idempotency key is one task, even when two replicas enqueue it at once', async () => {
    fresh();
    const [a, b] = [await replica(), await replica()];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).enqueue(request(1))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.task.task_id)).size).toBe(1);
    expect((await b.findByKey(request(1).idempotencyKey))?.task_id).toBe(results[0]?.task.task_id);
    expect(await a.counts()).toMatchObject({ pending: 1, processing: 0 });
  });

  it('a task is claimed by exactly one replica; completion is seen by both and counted', async () => {
    fresh();
    const [a, b] = [await replica(), await replica()];
    for (let n = 1; n <= 6; n += 1) await a.enqueue(request(n));
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim()));
    const claimed = claims.filter((t) => t !== undefined);
    expect(claimed).toHaveLength(6);
    expect(new Set(claimed.map((t) => t?.task_id)).size).toBe(6);
    expect(claimed.every((t) => t?.status === 'processing' && t.attempts === 1)).toBe(true);
    expect(await a.counts()).toMatchObject({ pending: 0, processing: 6 });
    // Each replica completes what it claimed (claims are local to the replica holding the job lock).
    for (const [i, task] of claims.entries()) if (task) await (i % 2 ? a : b).complete(task.task_id, { latencyMs: 5, qualityScore: 0.9 });
    expect(await b.counts()).toMatchObject({ pending: 0, processing: 0, completed: 6 });
    expect((await b.get(claimed[0]?.task_id ?? ''))?.status).toBe('completed');
    expect((await a.enqueue(request(1))).created).toBe(false);
  });

  it('fail with retryAt holds the task until then; fail without it is final; retry re-queues a settled task', async () => {
    fresh();
    const a = await replica();
    const { task } = await a.enqueue(request(1));
    await a.claim();
    const later = await a.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'down' }, Date.now() + 700);
    expect(later).toMatchObject({ status: 'pending', error: { code: 'LLM_UNAVAILABLE' } });
    expect(await a.claim()).toBeUndefined();
    await sleep(900);
    const again = await a.claim();
    expect(again).toMatchObject({ task_id: task.task_id, attempts: 2 });
    const failed = await a.fail(task.task_id, { code: 'TOO_LONG', message: 'x' });
    expect(failed.status).toBe('failed');
    expect(await a.counts()).toMatchObject({ failed: 1, pending: 0, processing: 0 });
    const revived = await a.retry(task.task_id, { revival: true });
    expect(revived).toMatchObject({ status: 'pending', attempts: 0, revivals: 1 });
    expect(await a.counts()).toMatchObject({ failed: 0, pending: 1 });
    expect((await a.claim())?.task_id).toBe(task.task_id);
  });

  it('low-priority work is claimed only when allowed, and normal work joining it raises it', async () => {
    fresh();
    const a = await replica();
    const low = await a.enqueue(request(1, { priority: 'low', source: 'api' }));
    expect(await a.claim({ includeLow: false })).toBeUndefined();
    const joined = await a.enqueue(request(1));
    expect(joined).toMatchObject({ created: false, task: { task_id: low.task.task_id } });
    expect(joined.task.priority).toBeUndefined();
    expect((await a.claim({ includeLow: false }))?.task_id).toBe(low.task.task_id);
  });

  it('a replica that dies holding a task loses it to another once its lock expires (stalled-job recovery)', async () => {
    fresh();
    const [dying, survivor] = [await replica({ lockDurationMs: 600 }), await replica({ lockDurationMs: 600 })];
    const { task } = await dying.enqueue(request(1));
    expect((await dying.claim())?.task_id).toBe(task.task_id);
    // Dies: its lock renewals stop, nothing is released.
    await opened[0]?.queue.close();
    expect(await survivor.claim()).toBeUndefined();
    const taken = await (async () => {
      for (let i = 0; i < 60; i += 1) {
        const claimed = await survivor.claim();
        if (claimed) return claimed;
        await sleep(100);
      }
      return undefined;
    })();
    expect(taken).toMatchObject({ task_id: task.task_id, status: 'processing', attempts: 2 });
    await survivor.complete(task.task_id, { latencyMs: 1, qualityScore: 1 });
    expect(await survivor.counts()).toMatchObject({ completed: 1, processing: 0, pending: 0 });
  });

  it('a claimed task kept past its lock duration keeps its lock (renewed) and no other replica takes it', async () => {
    fresh();
    const [a, b] = [await replica({ lockDurationMs: 600 }), await replica({ lockDurationMs: 600 })];
    const { task } = await a.enqueue(request(1));
    await a.claim();
    await sleep(1800);
    expect(await b.claim()).toBeUndefined();
    expect((await a.complete(task.task_id, { latencyMs: 1, qualityScore: 1 })).status).toBe('completed');
  });

  it('a run that ends without its outcome recorded releases its claim: another replica takes the task at once', async () => {
    fresh();
    const [a, b] = [await replica({ lockDurationMs: 30_000 }), await replica({ lockDurationMs: 30_000 })];
    const { task } = await a.enqueue(request(1));
    await a.enqueue(request(2));
    expect((await a.claim())?.task_id).toBe(task.task_id);
    const other = await a.claim();
    await a.release(task.task_id);
    // Long before the 30 s lock would lapse.
    expect(await b.claim()).toMatchObject({ task_id: task.task_id, status: 'processing', attempts: 2 });
    await b.complete(task.task_id, { latencyMs: 1, qualityScore: 1 });
    // After the outcome is recorded a release changes nothing.
    await a.complete(other?.task_id ?? '', { latencyMs: 1, qualityScore: 1 });
    await a.release(other?.task_id ?? '');
    await b.release(task.task_id);
    expect(await b.claim()).toBeUndefined();
    expect(await a.counts()).toMatchObject({ completed: 2, processing: 0, pending: 0 });
  });

  it('a worker whose run ends superseded (its ownership read came back wrong) does not keep the task claimed forever', async () => {
    fresh();
    const [a, b] = [await replica({ lockDurationMs: 30_000 }), await replica({ lockDurationMs: 30_000 })];
    const runs: string[] = [];
    const superseded = new AppError('INTERNAL', 'task was re-queued or claimed again; result discarded', { details: { superseded: true } });
    const workerA = createWorker({ queue: a, logger: silentLogger(), process: async () => (runs.push('a'), Promise.reject(superseded)) });
    const workerB = createWorker({ queue: b, logger: silentLogger(), process: async () => (runs.push('b'), { record: { latency_ms: 1, quality_score: 1 } }) });
    const { task } = await a.enqueue(request(1));
    workerA.start();
    await waitFor(async () => runs.length > 0, 5000, 10);
    workerB.start();
    try {
      // Replica A stays alive (its lock would be renewed for ever): only the release hands the task to B.
      const done = await waitFor(async () => ((await b.get(task.task_id))?.status === 'completed' ? b.get(task.task_id) : undefined), 10_000, 50);
      // A may take it back itself a few times (its runs keep ending superseded) until B's claim wins: every run counts.
      expect(done).toMatchObject({ status: 'completed', attempts: runs.length });
      expect(runs[0]).toBe('a');
      expect(runs.filter((r) => r === 'b')).toEqual(['b']);
    } finally {
      await workerA.stop(1000);
      await workerB.stop(1000);
    }
  });

  it('a replica whose lock lapsed (starved past its lock) learns it before asking the model, and cannot settle', async () => {
    fresh();
    const a = await replica({ lockDurationMs: 30_000 });
    const { task } = await a.enqueue(request(1));
    await a.claim();
    expect(await a.holdsClaim(task.task_id)).toBe(true);
    // The lock expires as it would for a replica that could not renew it in time (the stalled check may now hand it on).
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    expect(await client.del(`${prefix}:bull:tasks:${task.task_id}:lock`)).toBe(1);
    client.disconnect();
    expect(await a.holdsClaim(task.task_id)).toBe(false);
    await expect(a.complete(task.task_id, { latencyMs: 1, qualityScore: 1 })).rejects.toMatchObject({ details: { superseded: true } });
  });

  it('a completion refused while the store blinks keeps its claim (renewed) for the next try: nobody else takes the task', async () => {
    fresh();
    const backend = await createKeyvBackend(redis.url, { namespace: prefix });
    let down = false;
    const records = backend.keyv('tasks');
    // The record writes fail while `down`, as they do while Redis restarts; BullMQ's own connection stays up.
    const blinking = new Proxy(records, {
      get(target, prop) {
        if (prop === 'set' && down) return async () => Promise.reject(new Error('connection lost'));
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const a = createBullmqTaskQueue({ redisUrl: redis.url, keyv: blinking, logger: silentLogger(), prefix, lockDurationMs: 600 });
    opened.push({ backend, queue: a });
    const b = await replica({ lockDurationMs: 600 });
    const { task } = await a.enqueue(request(1));
    await a.claim();
    down = true;
    await expect(a.complete(task.task_id, { latencyMs: 1, qualityScore: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    down = false;
    // Past the lock and two stalled checks: a claim left unrenewed would have gone to b by now.
    await sleep(2500);
    expect(await b.claim()).toBeUndefined();
    expect(await a.complete(task.task_id, { latencyMs: 1, qualityScore: 1 })).toMatchObject({ status: 'completed', attempts: 1 });
    expect(await b.counts()).toMatchObject({ completed: 1, processing: 0, pending: 0 });
  });

  it('recover() gives an open task whose job is missing a job again', async () => {
    fresh();
    const a = await replica();
    const { task } = await a.enqueue(request(1));
    // A replica died between writing the record and adding the job: simulate by removing the job.
    const { Queue } = await import('bullmq');
    const raw = new Queue('tasks', { connection: { url: redis.url }, prefix: `${prefix}:bull` });
    await (await raw.getJob(task.task_id))?.remove();
    await raw.close();
    expect(await a.claim()).toBeUndefined();
    expect(await a.recover()).toBe(1);
    expect((await a.claim())?.task_id).toBe(task.task_id);
  });

  /** Removes a task's job behind the queue's back, and with `alsoOpenSet` its open-set entry: a write Redis lost. */
  async function loseJob(taskId: string, alsoOpenSet = false): Promise<void> {
    const { Queue } = await import('bullmq');
    const raw = new Queue('tasks', { connection: { url: redis.url }, prefix: `${prefix}:bull` });
    await (await raw.getJob(taskId))?.remove();
    await raw.close();
    if (alsoOpenSet) {
      const { Redis } = await import('ioredis');
      const client = new Redis(redis.url);
      await client.srem(`${prefix}:open`, taskId);
      client.disconnect();
    }
  }

  it('after start-up recovery the queue keeps sweeping: a job lost while it runs comes back within the interval', async () => {
    fresh();
    const a = await replica({ sweepIntervalMs: 200 });
    expect(await a.recover()).toBe(0);
    const { task } = await a.enqueue(request(1));
    await loseJob(task.task_id);
    expect(await a.claim()).toBeUndefined();
    expect((await waitFor(async () => a.claim(), 5000, 50))?.task_id).toBe(task.task_id);
  });

  it('a pending task met again without its job (not even in the open set) gets its job back on that enqueue', async () => {
    fresh();
    const a = await replica({ sweepIntervalMs: 0 });
    const { task } = await a.enqueue(request(1));
    await loseJob(task.task_id, true);
    expect(await a.recover()).toBe(0); // the open set no longer names it: start-up recovery cannot see it
    expect(await a.claim()).toBeUndefined();
    const again = await a.enqueue(request(1));
    expect(again).toMatchObject({ created: false, task: { task_id: task.task_id } });
    expect((await a.claim())?.task_id).toBe(task.task_id);
    expect(await a.counts()).toMatchObject({ pending: 0, processing: 1 });
  });
});
