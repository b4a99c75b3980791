// A task that outlives its timeout: the first run is aborted and can never store, so one summary is written once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyvBackend, type KeyvBackend } from '../store/keyv-backend.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from '../store/task-queue.js';
import { silentLogger } from '../logger.js';
import { isAppError } from '../errors.js';
import type { ConversationSource, GeneratedSummary, SummaryEngine, SummaryRecord, SummaryStore, TaskRecord } from '../domain.js';
import { createConversationProcessor } from './process-conversation.js';
import { createWorker, type Worker } from './worker.js';

const ID = '00000000-0000-4000-8000-0000000000aa';
const source: ConversationSource = {
  getConversation: async (conversationId) => ({
    conversationId, startTime: '2026-01-01T10:00:00Z', endTime: '2026-01-01T10:05:00Z', mediaType: 'message',
    queueIds: [], participantCount: 2, communications: [],
  }),
  getTranscript: async (info) => ({
    conversationId: info.conversationId, mediaType: 'message',
    turns: [{ speaker: 'customer', text: 'My order never arrived.', at: '2026-01-01T10:00:00Z' }],
  }),
};

const generated: GeneratedSummary = {
  fields: {
    headline: 'Order missing', summary: 'The customer reported a missing order.', intent: 'missing order',
    resolution: { status: 'resolved', text: 'Resent.' }, follow_up_actions: [], sentiment: { start: 'negative', end: 'neutral' },
    topics: ['delivery'], entities: [], language: 'en', wrapup_code_id: null,
    confidence: { summary: 1, intent: 1, resolution: 1, wrapup_code: 1 },
  },
  wrapup_code: null, model: 'fake', template: { id: 'default', version: '1', hash: 'abc' },
  route: { queue_id: null, media_type: 'message', language: 'en' }, quality_score: 0.9, quality: {}, redactions: {},
  repaired: false, stage_latency_ms: {},
};

/** An engine whose first call hangs `firstDelayMs` without looking at any signal (an SDK call that cannot be cancelled). */
function slowFirstEngine(firstDelayMs: number): SummaryEngine & { calls: number } {
  const engine = {
    calls: 0,
    model: 'fake',
    template: generated.template,
    templateFor: () => generated.template,
    async generate() {
      engine.calls += 1;
      if (engine.calls === 1) await new Promise((r) => setTimeout(r, firstDelayMs));
      return generated;
    },
  };
  return engine;
}

describe('task timeout and ownership', () => {
  let backend: KeyvBackend;
  let queue: EmbeddedTaskQueue;
  let worker: Worker | undefined;
  let puts: SummaryRecord[];
  let summaries: SummaryStore;

  beforeEach(async () => {
    backend = await createKeyvBackend('memory://');
    queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
    puts = [];
    summaries = { get: async () => puts.at(-1), put: async (r) => void puts.push(r), ping: async () => true };
  });
  afterEach(async () => {
    await worker?.stop(1000);
    worker = undefined;
    queue.close();
    await backend.close();
  });

  it('a timed-out run is aborted: the retry stores the one summary, the late first run stores nothing', async () => {
    const engine = slowFirstEngine(300);
    const processor = createConversationProcessor({ source, engine, summaries, tasks: queue, logger: silentLogger() });
    const signals: AbortSignal[] = [];
    const runs: Array<Promise<unknown>> = [];
    worker = createWorker({
      queue,
      logger: silentLogger(),
      taskTimeoutMs: 100,
      pollIntervalMs: 10,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      process: (task, signal) => {
        signals.push(signal);
        const run = processor(task, signal);
        runs.push(run);
        return run;
      },
    });
    const { task } = await queue.enqueue({ conversationId: ID, idempotencyKey: 'k', maxLength: 500, source: 'socket' });
    worker.start();
    while ((await queue.get(task.task_id))?.status !== 'completed') await new Promise((r) => setTimeout(r, 10));
    await Promise.allSettled(runs); // the first run's late return included
    expect(runs).toHaveLength(2);
    expect(await runs[0]!.catch((e: unknown) => e)).toMatchObject({ code: 'INTERNAL' });
    expect(engine.calls).toBe(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.task_id).toBe(task.task_id);
    expect(await queue.get(task.task_id)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('a run whose task was re-queued (or claimed again) meanwhile discards its summary', async () => {
    const processor = createConversationProcessor({ source, engine: slowFirstEngine(0), summaries, tasks: queue, logger: silentLogger() });
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
