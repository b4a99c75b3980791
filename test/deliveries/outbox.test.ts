// The outbox between the worker and the delivery queue (events queued before a task settles, which outcomes are
// reported, stable event ids), delivery records read back (an older shape migrated, a broken one skipped), and the
// delivery log routes (problem+json errors, OpenAPI).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../src/domain.js';
import { AppError } from '../../src/errors.js';
import { createOutbox, eventIdOf } from '../../src/deliveries/index.js';
import { createHttpApp, summaryFields, type SummaryApi } from '../../src/http/index.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import type { SettleHook } from '../../src/ports.js';
import { createWorker, type Worker } from '../../src/pipeline/index.js';
import {
  createEmbeddedDeliveryQueue,
  createEmbeddedTaskQueue,
  createKeyvBackend,
  createSummaryStore,
  type EmbeddedDeliveryQueue,
  type EmbeddedTaskQueue,
  type KeyvBackend,
} from '../../src/store/index.js';
import { TEST_API_KEY, waitFor } from '../helpers.js';
import { sampleRecord } from '../support/summaries.js';

const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const ENDPOINTS = [
  { name: 'crm', url: 'https://crm.example.com/hooks', secret: SECRET },
  { name: 'backup', url: 'https://backup.example.com/hooks', secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` },
];

let backend: KeyvBackend;
let tasks: EmbeddedTaskQueue;
let deliveries: EmbeddedDeliveryQueue;
let worker: Worker | undefined;

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  tasks = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
  deliveries = createEmbeddedDeliveryQueue({ keyv: backend.keyv('deliveries'), logger: silentLogger() });
});

afterEach(async () => {
  await worker?.stop(1000);
  worker = undefined;
  tasks.close();
  deliveries.close();
  await backend.close();
});

function outbox(): SettleHook {
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  const hook = createOutbox({ queue: deliveries, summaries, endpoints: ENDPOINTS, render: (r) => summaryFields(r, () => false), logger: silentLogger() });
  return async (settled) => {
    if (settled.status === 'completed') await summaries.put(sampleRecord({ conversation_id: settled.task.conversation_id, task_id: settled.task.task_id }));
    await hook(settled);
  };
}

async function run(n: number, process: (task: TaskRecord) => Promise<{ record: { latency_ms: number; quality_score: number } }>, beforeSettle: SettleHook): Promise<TaskRecord> {
  const { task } = await tasks.enqueue({ conversationId: ID(n), idempotencyKey: `k${n}`, maxLength: 500, source: 'socket' });
  worker ??= createWorker({ queue: tasks, process, logger: silentLogger(), pollIntervalMs: 20, retry: { baseDelayMs: 1, maxDelayMs: 5 }, maxAttempts: 1, beforeSettle });
  worker.start();
  return waitFor(async () => {
    const current = await tasks.get(task.task_id);
    return current && current.status !== 'pending' && current.status !== 'processing' ? current : undefined;
  });
}

describe('outbox: every settled task becomes one event per endpoint, queued before the task settles', () => {
  it('completed: a summary.completed event per endpoint with the GET /api/summary body; queued before the task is', async () => {
    let settledWhenQueued: string | undefined;
    const hook = outbox();
    const task = await run(1, async () => ({ record: { latency_ms: 1, quality_score: 0.8 } }), async (settled) => {
      await hook(settled);
      settledWhenQueued = (await tasks.get(settled.task.task_id))?.status;
    });
    expect(task.status).toBe('completed');
    expect(settledWhenQueued).toBe('processing');
    const queued = await deliveries.byConversation(ID(1));
    expect(queued.map((d) => d.endpoint).sort()).toEqual(['backup', 'crm']);
    expect(new Set(queued.map((d) => d.event_id)).size).toBe(1);
    const payload = JSON.parse(queued[0]?.payload ?? '{}');
    expect(payload).toMatchObject({ type: 'summary.completed', data: { task_id: task.task_id, status: 'completed', conversation_id: ID(1), resolution: 'Refund confirmed as issued' } });
  });

  it('failed for good → summary.failed with the reason; skipped → summary.skipped; an unknown conversation → nothing', async () => {
    const hook = outbox();
    const fail = (code: string) => async (): Promise<never> => {
      throw new AppError(code as 'PII_IN_OUTPUT', `${code} happened`);
    };
    const fresh = async (): Promise<void> => {
      await (worker as Worker | undefined)?.stop(1000);
      worker = undefined;
    };
    await run(2, fail('PII_IN_OUTPUT'), hook);
    await fresh();
    await run(3, fail('CONTENT_TOO_SHORT'), hook);
    await fresh();
    await run(4, fail('CONVERSATION_NOT_FOUND'), hook);
    const [failed] = await deliveries.byConversation(ID(2));
    expect(JSON.parse(failed?.payload ?? '{}')).toMatchObject({ type: 'summary.failed', data: { status: 'failed', error: { code: 'PII_IN_OUTPUT', retryable: false } } });
    const [skipped] = await deliveries.byConversation(ID(3));
    expect(JSON.parse(skipped?.payload ?? '{}')).toMatchObject({ type: 'summary.skipped', data: { status: 'skipped', error: { code: 'CONTENT_TOO_SHORT' } } });
    expect(await deliveries.byConversation(ID(4))).toEqual([]);
  });

  /** Conversation `n` run to its end with the outbox as the hook, whose first call throws `first`; and how many runs. */
  async function hookFailingOnce(n: number, first: AppError) {
    const hook = outbox();
    let failures = 1;
    let runs = 0;
    const task = await run(n, async () => ((runs += 1), { record: { latency_ms: 1, quality_score: 0.8 } }), async (settled) => {
      if (failures-- > 0) throw first;
      await hook(settled);
    });
    return { task, runs };
  }

  it('a hook that meets an unavailable store holds the completion until its events are recorded: the task runs once', async () => {
    const { task, runs } = await hookFailingOnce(5, new AppError('STORE_UNAVAILABLE', 'store write failed', { retryable: true }));
    expect(task.status).toBe('completed');
    // A re-run would ask the model again for a summary already stored: the worker tries the hook again instead.
    expect(runs).toBe(1);
    expect(await deliveries.byConversation(ID(5))).toHaveLength(2);
  });

  it('a hook that fails otherwise leaves the task unsettled: it runs again and settles once the events are recorded', async () => {
    const { task, runs } = await hookFailingOnce(8, new AppError('INTERNAL', 'hook failed', { retryable: true }));
    expect(task.status).toBe('completed');
    expect(runs).toBe(2);
    expect(await deliveries.byConversation(ID(8))).toHaveLength(2);
  });

  it('the event id is the same for the same settle and new for a later run of the task', () => {
    const task = { task_id: 't1', updated_at: '2026-01-01T00:00:00.000Z', attempts: 1 } as TaskRecord;
    const a = eventIdOf({ task, status: 'completed' });
    expect(eventIdOf({ task: { ...task }, status: 'completed' })).toBe(a);
    expect(eventIdOf({ task: { ...task, updated_at: '2026-01-02T00:00:00.000Z' }, status: 'completed' })).not.toBe(a);
    expect(a).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});

describe('delivery records read back', () => {
  it('an older shape (no schema_version, no attempt_log) is migrated; an unreadable one is skipped and reported', async () => {
    const { delivery } = await deliveries.enqueue({ eventId: 'msg_a', eventType: 'summary.completed', conversationId: ID(6), endpoint: 'crm', payload: '{}' });
    const keyv = backend.keyv('deliveries');
    const { schema_version: _v, attempt_log: _l, ...older } = delivery;
    await keyv.set(`task:${delivery.task_id}`, older);
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) > 0 } as unknown as NodeJS.WritableStream });
    const reopened = createEmbeddedDeliveryQueue({ keyv, logger });
    expect(await reopened.get(delivery.task_id)).toMatchObject({ schema_version: 1, attempt_log: [], status: 'pending' });
    await keyv.set(`task:${delivery.task_id}`, { task_id: delivery.task_id, status: 'sideways' });
    expect(await reopened.byEvent('msg_a')).toEqual([]);
    expect(await reopened.claim()).toBeUndefined();
    expect(lines.join('')).toContain('unreadable');
    reopened.close();
  });
});

describe('delivery log routes', () => {
  const api = {} as SummaryApi;
  const app = () => createHttpApp({ api, deliveries, readiness: [], apiKeys: [TEST_API_KEY], bodyLimitBytes: 65536, maxWaitMs: 0, defaultMaxLength: 500, logger: silentLogger() });
  const get = (path: string, key = TEST_API_KEY) => app().request(path, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('lists a conversation\'s deliveries and one event\'s, with next_attempt_at and no payload', async () => {
    await deliveries.enqueue({ eventId: 'msg_b', eventType: 'summary.completed', conversationId: ID(7), endpoint: 'crm', payload: '{"secret":"no"}' });
    const res = await get(`/api/deliveries?conversation_id=${ID(7).toUpperCase()}`);
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const body: any = await res.json();
    expect(body.conversation_id).toBe(ID(7));
    expect(body.deliveries[0]).toMatchObject({ event_id: 'msg_b', status: 'pending', attempts: 0, attempt_log: [], endpoint: 'crm' });
    expect(body.deliveries[0].next_attempt_at).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toContain('secret');
    expect(((await (await get('/api/webhooks/deliveries/msg_b')).json()) as { deliveries: unknown[] }).deliveries).toHaveLength(1);
    expect(((await (await get(`/api/deliveries?conversation_id=${ID(8)}`)).json()) as { deliveries: unknown[] }).deliveries).toEqual([]);
  });

  it.each([
    ['/api/deliveries?conversation_id=nope', 400, 'INVALID_ID'],
    ['/api/deliveries', 400, 'INVALID_ID'],
    ['/api/webhooks/deliveries/evil%20id', 400, 'BAD_REQUEST'],
    ['/api/webhooks/deliveries/msg_unknown', 404, 'DELIVERY_NOT_FOUND'],
  ])('%s → %i %s as problem+json', async (path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status, code });
  });

  it('needs the API key, and both routes are in the OpenAPI document', async () => {
    expect((await get(`/api/deliveries?conversation_id=${ID(7)}`, "")).status).toBe(401);
    const doc = (await (await app().request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/deliveries', '/api/webhooks/deliveries/{event_id}']));
  });
});
