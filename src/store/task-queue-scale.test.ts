import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRecord, TaskStatus } from '../domain.js';
import type { EnqueueRequest } from '../ports.js';
import { silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from './task-queue.js';

const request = (n: number): EnqueueRequest => ({
  conversationId: `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
  idempotencyKey: `conv-${n}:len500`,
  maxLength: 500,
  source: 'backfill',
});
const T0 = Date.parse('2024-05-01T10:00:00Z');

let dir: string;
let url: string;
let clockMs: number;
const backends: KeyvBackend[] = [];
const queues: EmbeddedTaskQueue[] = [];

/** A queue on the test's SQLite file, as a freshly started process would open it. */
async function start(): Promise<EmbeddedTaskQueue> {
  const backend = await createKeyvBackend(url);
  backends.push(backend);
  const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger(), clock: () => clockMs });
  queues.push(queue);
  return queue;
}

/** Stops every queue and store connection, like a process that dies. */
async function stop(): Promise<void> {
  for (const queue of queues.splice(0)) queue.close();
  for (const backend of backends.splice(0)) await backend.close();
}

beforeEach(async () => {
  clockMs = T0;
  dir = await mkdtemp(path.join(tmpdir(), 'wrapup-queue-scale-'));
  url = `sqlite://${path.join(dir, 'tasks.sqlite')}`;
});
afterEach(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

/** A deterministic shuffle (no Math.random: failures must replay). */
function shuffled(count: number): number[] {
  const out = Array.from({ length: count }, (_, i) => i);
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as number, out[i] as number];
  }
  return out;
}

describe('embedded task queue with a large backlog', () => {
  it('20 racing enqueues with one key make one task, also after a restart', async () => {
    const queue = await start();
    const results = await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(request(1))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.task.task_id)).size).toBe(1);
    await stop();
    const again = await start();
    expect(await again.enqueue(request(1))).toMatchObject({ created: false, task: { task_id: results[0]?.task.task_id } });
    expect(await again.counts()).toEqual({ pending: 1, processing: 0, completed: 0, failed: 0, skipped: 0 });
  });

  it('claims 1,000 tasks by created_at, holding back those with a future not_before, across a restart', async () => {
    const queue = await start();
    const order = shuffled(1000);
    const created = new Map<string, number>();
    for (const minute of order) {
      clockMs = T0 + Math.floor(minute / 2) * 60_000; // pairs share a created_at: enqueue order breaks the tie
      created.set((await queue.enqueue(request(minute))).task.task_id, minute);
    }
    clockMs = T0 + 1000 * 60_000;
    /** Expected claim order of `minutes`: by created_at, ties in enqueue order. */
    const expectedOrder = (minutes: number[]) =>
      order.filter((m) => minutes.includes(m)).sort((x, y) => Math.floor(x / 2) - Math.floor(y / 2));
    // The 100 oldest are claimed, then fail and may not run before times that reverse their order.
    const delayed: number[] = [];
    for (let i = 0; i < 100; i++) {
      const task = (await queue.claim()) as TaskRecord;
      delayed.push(created.get(task.task_id) as number);
      await queue.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'down' }, clockMs + (100 - i) * 1000);
    }
    expect(delayed).toEqual(expectedOrder(order).slice(0, 100));
    await stop();
    const restarted = await start();
    expect(await restarted.recover()).toBe(0);
    const claimed: number[] = [];
    for (let task = await restarted.claim(); task; task = await restarted.claim()) claimed.push(created.get(task.task_id) as number);
    expect(claimed).toHaveLength(900);
    expect(claimed).toEqual(expectedOrder(order.filter((m) => !delayed.includes(m))));
    clockMs += 50_000; // half of the delayed ones are due
    const due: number[] = [];
    for (let task = await restarted.claim(); task; task = await restarted.claim()) due.push(created.get(task.task_id) as number);
    expect(due).toEqual(expectedOrder(delayed.slice(50)));
    clockMs += 50_000;
    const rest: number[] = [];
    for (let task = await restarted.claim(); task; task = await restarted.claim()) rest.push(created.get(task.task_id) as number);
    expect(rest).toEqual(expectedOrder(delayed.slice(0, 50)));
  });

  it('keeps counts() right across every transition and restart', async () => {
    const expected: Record<TaskStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0, skipped: 0 };
    const move = (from: TaskStatus, to: TaskStatus) => {
      expected[from] -= 1;
      expected[to] += 1;
    };
    let queue = await start();
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push((await queue.enqueue(request(n))).task.task_id);
    expected.pending = 40;
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 10; i++) {
        const task = await queue.claim();
        if (!task) break;
        move('pending', 'processing');
        const which = (i + round) % 5;
        if (which === 0) await queue.complete(task.task_id, { latencyMs: 1, qualityScore: 1 }).then(() => move('processing', 'completed'));
        if (which === 1) await queue.fail(task.task_id, { code: 'TOO_LONG', message: 'x' }).then(() => move('processing', 'failed'));
        if (which === 2) await queue.skip(task.task_id, { code: 'CONTENT_TOO_SHORT', message: 'x' }).then(() => move('processing', 'skipped'));
        if (which === 3) await queue.fail(task.task_id, { code: 'LLM_UNAVAILABLE', message: 'x' }, clockMs).then(() => move('processing', 'pending'));
      }
      const finished = (await Promise.all(ids.map(async (id) => queue.get(id)))).find((t) => t?.status === 'failed');
      if (finished) await queue.retry(finished.task_id).then(() => move('failed', 'pending'));
      expect(await queue.counts()).toEqual(expected);
      await stop();
      queue = await start();
      expect(await queue.counts()).toEqual(expected);
      expected.pending += expected.processing;
      expected.processing = 0;
      await queue.recover();
      expect(await queue.counts()).toEqual(expected);
    }
  });

  it('migrates a store written with the index:open list: open tasks recovered in order, the list removed', async () => {
    const backend = await createKeyvBackend(url);
    const keyv = backend.keyv('tasks');
    const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
    const task = (id: string, status: TaskStatus, minutes: number, extra: Partial<TaskRecord> = {}): TaskRecord => ({
      schema_version: 1, task_id: id, idempotency_key: `key-${id}`, conversation_id: `${id.padEnd(8, '0')}-0000-4000-8000-000000000000`,
      status, source: 'api', max_length: 500, attempts: status === 'pending' ? 0 : 1, created_at: at(minutes), updated_at: at(minutes), ...extra,
    });
    // As the previous version wrote them: records, keys, the open list (with a finished and a missing id), counters.
    const stored = [task('b', 'processing', 2), task('a', 'pending', 3), task('c', 'pending', 1, { not_before: T0 + 90 * 60_000 }), task('d', 'completed', 0)];
    for (const record of stored) {
      await keyv.set(`task:${record.task_id}`, record);
      await keyv.set(`key:${record.idempotency_key}`, record.task_id);
    }
    await keyv.set('index:open', ['a', 'b', 'c', 'd', 'gone']);
    await keyv.set('counters:terminal', { completed: 1, failed: 0 });
    await backend.close();

    clockMs = T0 + 60 * 60_000;
    const queue = await start();
    expect(await queue.recover()).toBe(1);
    expect(await queue.counts()).toEqual({ pending: 3, processing: 0, completed: 1, failed: 0, skipped: 0 });
    expect((await queue.enqueue({ ...request(0), idempotencyKey: 'key-a' })).created).toBe(false);
    await stop();
    const after = await start();
    expect(await backends[0]?.keyv('tasks').get('index:open')).toBeUndefined();
    expect([(await after.claim())?.task_id, (await after.claim())?.task_id, await after.claim()]).toEqual(['b', 'a', undefined]);
    clockMs = T0 + 90 * 60_000;
    expect((await after.claim())?.task_id).toBe('c');
    expect(await after.counts()).toEqual({ pending: 0, processing: 3, completed: 1, failed: 0, skipped: 0 });
  });
});

describe('an unreadable or missing capacity key', () => {
  it.each([
    ['unreadable', 'not a number'],
    ['missing', undefined],
  ])('(%s) still finds every open task by probing the markers', async (_kind, value) => {
    const first = await start();
    for (let n = 0; n < 150; n++) await first.enqueue(request(n));
    await stop();
    const backend = await createKeyvBackend(url);
    const raw = backend.keyv('tasks');
    if (value === undefined) await raw.delete('open:capacity');
    else await raw.set('open:capacity', value);
    await backend.close();

    const second = await start();
    expect((await second.counts()).pending).toBe(150);
    let claimed = 0;
    while (await second.claim()) claimed += 1;
    expect(claimed).toBe(150);
  });
});
