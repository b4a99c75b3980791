import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { silentLogger } from '../logger.js';
import type { SummaryRecord, TaskError, TaskRecord } from '../domain.js';
import type { SummaryStore } from '../ports.js';
import { createSummaryService, type SummaryService } from './summary-service.js';
import { createAdmission } from './admission.js';

const ID = '00000000-0000-4000-8000-000000000001';

describe('summary service: revival and force keys', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let stored: Map<string, SummaryRecord>;
  let service: SummaryService;
  /** Offset of the service's clock from the real one (the queue stamps records with the real clock). */
  let clock = 0;

  beforeEach(async () => {
    clock = 0;
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    stored = new Map();
    const summaries: SummaryStore = { get: async (id) => stored.get(id), put: async (r) => void stored.set(r.conversation_id, r), ping: async () => true };
    service = createSummaryService({
      queue,
      summaries,
      events: new EventEmitter(),
      defaultMaxLength: 500,
      templateVersion: 'default@1',
      logger: silentLogger(),
      // Every reading a millisecond later: keys made from the clock would never repeat.
      now: () => Date.now() + (clock += 1),
    });
  });
  afterEach(async () => {
    queue.close();
    await backend.close();
  });

  /** Claims the task and fails it for good with `error`, as the worker does. */
  async function failForGood(task: TaskRecord, error: TaskError): Promise<void> {
    const claimed = await queue.claim();
    expect(claimed?.task_id).toBe(task.task_id);
    await queue.fail(task.task_id, error);
  }

  /** Completes the task and stores its summary (only task_id matters to the service). */
  async function complete(task: TaskRecord): Promise<void> {
    const claimed = await queue.claim();
    expect(claimed?.task_id).toBe(task.task_id);
    await queue.complete(task.task_id, { latencyMs: 1, qualityScore: 1 });
    stored.set(task.conversation_id, { conversation_id: task.conversation_id, task_id: task.task_id } as SummaryRecord);
  }

  it.each(['socket', 'webhook', 'backfill'] as const)('an event from %s revives a task that failed for a transient reason', async (source) => {
    const codes = ['LLM_UNAVAILABLE', 'GENESYS_UNAVAILABLE', 'RATE_LIMITED', 'STORE_UNAVAILABLE', 'TRANSCRIPT_UNAVAILABLE', 'CONVERSATION_NOT_ENDED'];
    for (const [i, code] of codes.entries()) {
      const id = `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`;
      const task = await service.conversationEnded(id, source);
      await failForGood(task, { code, message: 'outage outlasted the window', retryable: true });
      clock += 10 * 60_000; // the failure is old enough to try again
      const revived = await service.conversationEnded(id, source);
      expect(revived, code).toMatchObject({ task_id: task.task_id, status: 'pending', attempts: 0, revivals: 1 });
      clock = 0;
      await failForGood(revived, { code: 'TOO_LONG', message: 'out of the way of the next claim', retryable: false });
    }
  });

  it('an event never revives a content failure (or a transient code that failed as not retryable)', async () => {
    for (const code of ['TOO_LONG', 'PII_IN_OUTPUT', 'SCHEMA_INVALID', 'CONVERSATION_NOT_FOUND']) {
      const task = await service.conversationEnded(ID, 'socket');
      await failForGood(task, { code, message: 'permanent', retryable: false });
      expect((await service.conversationEnded(ID, 'backfill')).status, code).toBe('failed');
      expect((await service.conversationEnded(ID, 'webhook')).status, code).toBe('failed');
      // ...nor does a plain client request; only force does.
      expect((await service.request(ID)).status, code).toBe('failed');
      if (code === 'CONVERSATION_NOT_FOUND') {
        // Genesys said it does not exist: even a force is refused for a while (no Genesys call to ask again).
        await expect(service.request(ID, { force: true })).rejects.toMatchObject({ code });
        clock += 10 * 60_000;
      }
      clock += 61_000;
      expect((await service.request(ID, { force: true })).status, code).toBe('pending');
      await failForGood((await queue.findByKey(`${ID}:default@1:len500:force:none`))!, { code: 'TOO_LONG', message: 'out of the way', retryable: false });
      await queue.retry(task.task_id);
    }
    const task = await service.conversationEnded(ID, 'socket');
    await failForGood(task, { code: 'TRANSCRIPT_UNAVAILABLE', message: 'no call sessions', retryable: false });
    expect((await service.conversationEnded(ID, 'socket')).status).toBe('failed');
  });

  it('events revive a transient failure at most 3 times, only once the failure is 10 min old, and only when retryable', async () => {
    const task = await service.conversationEnded(ID, 'socket');
    for (let revival = 1; revival <= 3; revival++) {
      clock = 0;
      await failForGood(task, { code: 'LLM_UNAVAILABLE', message: 'down', retryable: true });
      expect((await service.conversationEnded(ID, 'backfill')).status, 'the failure is too recent').toBe('failed');
      clock += 10 * 60_000;
      expect(await service.conversationEnded(ID, 'backfill')).toMatchObject({ status: 'pending', revivals: revival });
    }
    await failForGood(task, { code: 'LLM_UNAVAILABLE', message: 'down', retryable: true });
    clock += 60 * 60_000;
    expect((await service.conversationEnded(ID, 'socket')).status, 'the cap is reached').toBe('failed');
    // A plain client request does not run it again; a forced one does (a new task, not a revival).
    expect(await service.request(ID)).toMatchObject({ status: 'failed', revivals: 3 });
    expect(await service.request(ID, { force: true })).toMatchObject({ status: 'pending', attempts: 0 });
    await failForGood((await queue.findByKey(`${ID}:default@1:len500:force:none`))!, { code: 'TOO_LONG', message: 'out of the way', retryable: false });
    await queue.retry(task.task_id);
    // A record without `retryable` (written before the field existed) is not revived by events.
    await failForGood(task, { code: 'GENESYS_UNAVAILABLE', message: 'down' });
    const other = await service.conversationEnded('00000000-0000-4000-8000-000000000002', 'socket');
    await failForGood(other, { code: 'GENESYS_UNAVAILABLE', message: 'old record' });
    clock += 60 * 60_000;
    expect((await service.conversationEnded('00000000-0000-4000-8000-000000000002', 'webhook')).status).toBe('failed');
  });

  it('releaseWaiters() answers every long-poll now with the task as it is, and later waits at once', async () => {
    const task = await service.request(ID);
    const waiting = service.waitForTask(task.task_id, 600_000);
    await vi.waitFor(() => expect(service.waiting()).toBe(1));
    service.releaseWaiters();
    expect(service.waiting()).toBe(0);
    expect(await waiting).toMatchObject({ task_id: task.task_id, status: 'pending' });
    expect(await service.waitForTask(task.task_id, 600_000)).toMatchObject({ status: 'pending' });
  });

  it('repeated forces join the pending forced task; a force after it completed makes a new one', async () => {
    const first = await service.request(ID);
    await complete(first);
    const forced = await service.request(ID, { force: true });
    expect(forced.task_id).not.toBe(first.task_id);
    for (let i = 0; i < 3; i++) expect((await service.request(ID, { force: true })).task_id).toBe(forced.task_id);
    expect((await queue.counts()).pending).toBe(1);
    await complete(forced);
    clock += 60_000;
    const again = await service.request(ID, { force: true });
    expect(again.task_id).not.toBe(forced.task_id);
    expect(again.task_id).not.toBe(first.task_id);
    expect((await queue.counts()).pending).toBe(1);
  });

  it('a force whose summary is gone re-runs the completed forced task instead of returning it', async () => {
    const forced = await service.request(ID, { force: true });
    await complete(forced);
    stored.clear(); // the summary expired before the task record
    clock += 60_000;
    const again = await service.request(ID, { force: true });
    expect(again).toMatchObject({ task_id: forced.task_id, status: 'pending' });
  });

  it('a force that would start work again within a minute is refused with TOO_MANY_REQUESTS and the wait', async () => {
    const forced = await service.request(ID, { force: true });
    await failForGood(forced, { code: 'PII_IN_OUTPUT', message: 'bad answer', retryable: false });
    const refused = await service.request(ID, { force: true }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(59_000);
    expect(wait).toBeLessThanOrEqual(60_000);
    // Other conversations are not affected; after the interval the force runs the task again.
    await expect(service.request('00000000-0000-4000-8000-000000000009', { force: true })).resolves.toMatchObject({ status: 'pending' });
    clock += 60_000;
    expect(await service.request(ID, { force: true })).toMatchObject({ task_id: forced.task_id, status: 'pending' });
  });

  it('never re-runs a settled task for a plain request, however often it is asked', async () => {
    const task = await service.request(ID);
    await failForGood(task, { code: 'LLM_UNAVAILABLE', message: 'down', retryable: true });
    for (let i = 0; i < 50; i++) {
      clock += 60_000;
      expect((await service.request(ID)).status).toBe('failed');
    }
    expect((await queue.counts()).pending).toBe(0);
  });
});

describe('summary service: what starting work costs', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let events: EventEmitter;
  let service: SummaryService;
  let now = 0;

  beforeEach(async () => {
    now = Date.parse('2026-12-01T10:00:00Z');
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    events = new EventEmitter();
    const summaries: SummaryStore = { get: async () => undefined, put: async () => undefined, ping: async () => true };
    const admission = createAdmission({ now: () => now, apiTasks: { ratePerMin: 1, burst: 2 } });
    service = createSummaryService({ queue, summaries, events, defaultMaxLength: 500, templateVersion: 'default@1', logger: silentLogger(), admission, now: () => now });
  });
  afterEach(async () => {
    queue.close();
    await backend.close();
  });

  const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('spends a key’s budget only on new tasks: joining one (pending or settled) is free, for any key', async () => {
    const first = await service.request(id(1), { client: 'k1' });
    await service.request(id(2), { client: 'k1' });
    await expect(service.request(id(3), { client: 'k1' })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterMs: 60_000 });
    for (let i = 0; i < 20; i++) expect((await service.request(id(1), { client: 'k1' })).task_id).toBe(first.task_id);
    await expect(service.request(id(3), { client: 'k2' }), 'another key has its own budget').resolves.toMatchObject({ status: 'pending' });
    // Events from Genesys are never limited, and an event joining a read's task raises its priority.
    for (let n = 10; n < 40; n++) await service.conversationEnded(id(n), 'socket');
    expect((await service.conversationEnded(id(1), 'socket')).priority).toBeUndefined();
    expect((await queue.counts()).pending).toBe(33);
  });

  it('remembers a conversation Genesys does not know, whatever the length or force: no new task for any of them', async () => {
    const task = await service.request(id(1), { client: 'k1' });
    expect(task.priority).toBe('low');
    expect((await queue.claim())?.task_id).toBe(task.task_id);
    events.emit('settled', await queue.fail(task.task_id, { code: 'CONVERSATION_NOT_FOUND', message: 'no such conversation' }));
    for (let length = 50; length < 80; length++) {
      for (const force of [false, true]) {
        const answer = await service.request(id(1), { maxLength: length, force, client: 'k2' }).catch((e: unknown) => e);
        expect(answer, `length ${length}, force ${force}`).toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
      }
    }
    // The default-length read still joins the failed task (its failure is the answer); nothing new was queued.
    expect(await service.request(id(1))).toMatchObject({ task_id: task.task_id, status: 'failed' });
    expect((await queue.counts()).pending).toBe(0);
    // k2 spent nothing on the refusals.
    await service.request(id(2), { client: 'k2' });
    await service.request(id(3), { client: 'k2' });
    // Ten minutes later Genesys is asked again (once), e.g. for a force.
    now += 10 * 60_000;
    expect(await service.request(id(1), { force: true, client: 'k3' })).toMatchObject({ status: 'pending' });
  });
});
