import { Keyv } from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskRecordSchema, type TaskRecord, type TaskStatus } from '../domain.js';
import { type EnqueueRequest } from '../ports.js';
import { isAppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from './task-queue.js';

// A process "crashes" at the n-th store write of an operation: that write and every later one never happen. A new
// queue over the same data must then recover a consistent state, whatever n was.

const request = (n: number): EnqueueRequest => ({
  conversationId: `0000000${n}-0000-4000-8000-000000000000`,
  idempotencyKey: `conv-${n}:len500`,
  maxLength: 500,
  source: 'api',
});

/** A Keyv store adapter over a Map whose writes start failing once `writesLeft` is used up. */
function crashingStore(data: Map<string, unknown>) {
  const store = {
    writesLeft: Number.POSITIVE_INFINITY,
    writes: 0,
    get: async (key: string) => data.get(key),
    set: async (key: string, value: unknown) => {
      if (store.writesLeft-- <= 0) throw new Error('process died');
      store.writes += 1;
      data.set(key, value);
      return true;
    },
    delete: async (key: string) => {
      if (store.writesLeft-- <= 0) throw new Error('process died');
      store.writes += 1;
      return data.delete(key);
    },
    clear: async () => data.clear(),
    has: async (key: string) => data.has(key),
  };
  return store;
}

let clockMs = Date.parse('2024-05-01T10:00:00Z');
const queues: EmbeddedTaskQueue[] = [];
afterEach(() => {
  for (const queue of queues.splice(0)) queue.close();
});

function open(data: Map<string, unknown>, ttlMs: number | undefined, writesLeft = Number.POSITIVE_INFINITY) {
  const store = crashingStore(data);
  store.writesLeft = writesLeft;
  const keyv = new Keyv({ store, namespace: 'tasks', throwOnErrors: true });
  const queue = createEmbeddedTaskQueue({ keyv, logger: silentLogger(), clock: () => clockMs, ttlMs });
  queues.push(queue);
  return { queue, store };
}

/** Every task record in the data, read the way Keyv stored it. */
function records(data: Map<string, unknown>): TaskRecord[] {
  return [...data.entries()]
    .filter(([key]) => key.startsWith('tasks:task:'))
    .map(([, raw]) => TaskRecordSchema.parse((JSON.parse(String(raw)) as { value: unknown }).value));
}

/** pending A, processing B, completed C, failed D, pending E not before +1 min. */
async function prepare(data: Map<string, unknown>, ttlMs: number | undefined): Promise<Record<string, string>> {
  const { queue } = open(data, ttlMs);
  const ids: Record<string, string> = {};
  for (const [n, name] of ['A', 'B', 'C', 'D', 'E'].entries()) {
    ids[name] = (await queue.enqueue(request(n + 1))).task.task_id;
    clockMs += 10;
  }
  for (const name of ['A', 'B', 'C', 'D', 'E']) await queue.claim();
  await queue.fail(ids.A as string, { code: 'LLM_UNAVAILABLE', message: 'down' }, clockMs);
  await queue.complete(ids.C as string, { latencyMs: 1, qualityScore: 1 });
  await queue.fail(ids.D as string, { code: 'TOO_LONG', message: 'long' });
  await queue.fail(ids.E as string, { code: 'LLM_UNAVAILABLE', message: 'down' }, clockMs + 60_000);
  queue.close();
  return ids;
}

type Op = (queue: EmbeddedTaskQueue, ids: Record<string, string>) => Promise<unknown>;
const OPS: Record<string, Op> = {
  'enqueue': (q) => q.enqueue(request(9)),
  'claim': (q) => q.claim(),
  'complete': (q, ids) => q.complete(ids.B as string, { latencyMs: 1, qualityScore: 1 }),
  'fail for good': (q, ids) => q.fail(ids.B as string, { code: 'TOO_LONG', message: 'long' }),
  'fail with retry': (q, ids) => q.fail(ids.B as string, { code: 'LLM_UNAVAILABLE', message: 'down' }, clockMs + 5),
  'skip a pending task': (q, ids) => q.skip(ids.A as string, { code: 'CONTENT_TOO_SHORT', message: 'short' }),
  'retry a failed task': (q, ids) => q.retry(ids.D as string),
  'retry a completed task': (q, ids) => q.retry(ids.C as string),
  'recover': (q) => q.recover(),
};

/** The recovered queue agrees with the records: counts, one claim per open task, keys that join. */
async function expectConsistent(data: Map<string, unknown>, ttlMs: number | undefined): Promise<void> {
  const { queue } = open(data, ttlMs);
  await queue.recover();
  const stored = records(data);
  const tally = (statuses: TaskStatus[]) => stored.filter((task) => statuses.includes(task.status)).length;
  expect(await queue.counts()).toEqual({
    pending: tally(['pending', 'processing']),
    processing: 0,
    completed: tally(['completed']),
    failed: tally(['failed']),
    skipped: tally(['skipped']),
  });
  clockMs += 120_000;
  const claimed: string[] = [];
  for (let task = await queue.claim(); task; task = await queue.claim()) claimed.push(task.task_id);
  const opened = stored.filter((task) => task.status === 'pending' || task.status === 'processing');
  expect(claimed.sort()).toEqual(opened.map((task) => task.task_id).sort());
  for (const task of stored) {
    expect((await queue.enqueue({ ...request(0), idempotencyKey: task.idempotency_key })).task.task_id).toBe(task.task_id);
  }
}

describe('embedded task queue: a crash between any two writes', () => {
  for (const ttlMs of [undefined, 3_600_000]) {
    for (const [name, op] of Object.entries(OPS)) {
      it(`${name} (ttl ${ttlMs ?? 'none'}): recover() is consistent after a crash at every write`, async () => {
        let crashes = 0;
        for (let writesLeft = 0; ; writesLeft++) {
          const data = new Map<string, unknown>();
          const ids = await prepare(data, ttlMs);
          const { queue, store } = open(data, ttlMs, writesLeft);
          const outcome = await op(queue, ids).then(
            () => 'done',
            (err: unknown) => (isAppError(err, 'STORE_UNAVAILABLE') ? 'crashed' : err),
          );
          queue.close();
          if (outcome !== 'done' && outcome !== 'crashed') throw outcome;
          await expectConsistent(data, ttlMs);
          if (outcome === 'done') break;
          crashes += 1;
          expect(store.writes).toBe(writesLeft);
        }
        expect(crashes).toBeGreaterThan(0);
      });
    }
  }
});
