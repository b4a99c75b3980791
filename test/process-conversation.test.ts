// The processor: queue → template route + the union of the queues' wrap-up codes → engine → v2 record in the store.
import { fileURLToPath } from 'node:url';
import Keyv from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationInfo, TaskRecord, Transcript } from '../src/domain.js';
import type { ConversationSource } from '../src/ports.js';
import { AppError } from '../src/errors.js';
import { silentLogger } from '../src/logger.js';
import { createConversationProcessor } from '../src/pipeline/process-conversation.js';
import { createKeyvBackend, type KeyvBackend } from '../src/store/keyv-backend.js';
import { createSummaryStore } from '../src/store/summary-store.js';
import { createSummaryEngine } from '../src/summarize/engine.js';
import { MODELS } from './support/models.js';

const PROMPTS = fileURLToPath(new URL('../config/prompts/', import.meta.url));
const CONVERSATION = '7d1e5c3a-1b2c-4d5e-8f90-123456789abc';
const info: ConversationInfo = {
  conversationId: CONVERSATION, startTime: '2024-05-01T10:00:00Z', endTime: '2024-05-01T10:05:00Z', mediaType: 'voice',
  queueIds: ['q-billing', 'q-broken', 'q-care'], participantCount: 2, communications: [],
};
const transcript: Transcript = {
  conversationId: CONVERSATION, mediaType: 'voice', language: 'en-US',
  turns: [
    { speaker: 'customer', text: 'I want a refund for the damaged kettle I received last week.', at: '2024-05-01T10:00:05Z' },
    { speaker: 'agent', text: 'I have issued the refund for the kettle; you will see it within 3 business days.', at: '2024-05-01T10:01:00Z' },
  ],
};
const task = { task_id: 'c1a4f3d2-0a8b-4f7e-9a61-3b9e1d2c4f50', conversation_id: CONVERSATION, max_length: 300 } as TaskRecord;
const source: ConversationSource = { getConversation: async () => info, getTranscript: async () => transcript };

let backend: KeyvBackend | undefined;
afterEach(async () => backend?.close());

/** The real engine, its `generate` calls counted (`calls`), `onCall` run as each starts. */
async function countedEngine(onCall?: () => void) {
  const engine = await createSummaryEngine({ models: MODELS, promptsDir: PROMPTS, templateId: 'default', logger: silentLogger() });
  const counted = {
    ...engine,
    calls: 0,
    generate: async (...args: Parameters<typeof engine.generate>) => {
      counted.calls += 1;
      onCall?.();
      return engine.generate(...args);
    },
  };
  return counted;
}

describe('processConversation with wrap-up codes', () => {
  it('offers the union of the queues’ codes (a failing queue costs only its codes) and stores a v2 record', async () => {
    backend = await createKeyvBackend('memory://');
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    const asked: string[] = [];
    const wrapupCodes = {
      forQueue: async (queueId: string) => {
        asked.push(queueId);
        if (queueId === 'q-broken') throw new AppError('GENESYS_UNAVAILABLE', 'down', { retryable: true });
        return queueId === 'q-billing' ? [{ id: 'c1', name: 'Refund issued' }] : [{ id: 'c1', name: 'Refund issued' }, { id: 'c2', name: 'Account updated' }];
      },
    };
    const engine = await createSummaryEngine({ models: MODELS, promptsDir: PROMPTS, templateId: 'default', logger: silentLogger() });
    const process = createConversationProcessor({ source, engine, summaries, logger: silentLogger(), wrapupCodes });
    const { record } = await process(task);
    expect(asked).toEqual(['q-billing', 'q-broken', 'q-care']);
    expect(record).toMatchObject({
      schema_version: 2,
      wrapup_code: { id: 'c1', name: 'Refund issued' },
      route: { queue_id: 'q-billing', media_type: 'voice', language: 'en-US' },
      template: { id: 'default', version: '2.2.0' },
      resolution: { status: expect.any(String), text: expect.any(String) },
    });
    expect(record).not.toHaveProperty('wrapup_code_id');
    expect(record.stage_latency_ms).toHaveProperty('wrapup_codes');
    // Made at 300 characters: stored beside the conversation's default-length summary, not in its place.
    expect(await summaries.get(CONVERSATION, 300)).toEqual(record);
    expect(await summaries.get(CONVERSATION)).toBeUndefined();
  });
});

/** A Map store that refuses writes while `down` says so, as a restarting Redis does. */
class BlinkingStore extends Map<string, unknown> {
  refused = 0;
  constructor(private readonly down: () => boolean) {
    super();
  }
  override set(key: string, value: unknown): this {
    if (this.down()) {
      this.refused += 1;
      throw new Error('connection lost');
    }
    return super.set(key, value);
  }
}

describe('processConversation when the store blinks after the model answered', () => {
  async function setup(down: () => boolean, storeRetryMs: number) {
    const store = new BlinkingStore(down);
    const summaries = createSummaryStore({ keyv: new Keyv({ store, throwOnErrors: true }), defaultMaxLength: 500, logger: silentLogger() });
    const generated = await countedEngine();
    const process = createConversationProcessor({ source, engine: generated, summaries, logger: silentLogger(), storeRetryMs });
    return { store, summaries, generated, process };
  }

  it('writes the summary in hand once the store is back: one model call, nothing lost', async () => {
    const backAt = Date.now() + 700;
    const { store, summaries, generated, process } = await setup(() => Date.now() < backAt, 5000);
    const { record } = await process(task);
    expect(store.refused).toBeGreaterThan(0);
    expect(generated.calls).toBe(1);
    expect(await summaries.get(CONVERSATION, 300)).toEqual(record);
  });

  it('gives up with STORE_UNAVAILABLE (the task is retried) when the store stays away past storeRetryMs', async () => {
    const { store, generated, process } = await setup(() => true, 600);
    await expect(process(task)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(store.refused).toBeGreaterThan(1);
    expect(generated.calls).toBe(1);
  });
});

describe('processConversation that lost its task before asking', () => {
  it('asks nothing and stores nothing once the queue says its claim lapsed (another replica may run the task)', async () => {
    backend = await createKeyvBackend('memory://');
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    const engine = await countedEngine();
    const claimed = { ...task, status: 'processing', attempts: 1 } as TaskRecord;
    const tasks = { get: async () => claimed, holdsClaim: async () => false };
    const process = createConversationProcessor({ source, engine, summaries, tasks, logger: silentLogger() });
    await expect(process(claimed)).rejects.toMatchObject({ details: { superseded: true } });
    expect(engine.calls).toBe(0);
    expect(await summaries.get(CONVERSATION, 300)).toBeUndefined();
  });

  it('stores an answer already paid for when only the lock lapsed after asking; a later run of the task completes from it', async () => {
    backend = await createKeyvBackend('memory://');
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    let held = true;
    const engine = await countedEngine(() => (held = false));
    let current = { ...task, status: 'processing', attempts: 1 } as TaskRecord;
    const tasks = { get: async () => current, holdsClaim: async () => held };
    const process = createConversationProcessor({ source, engine, summaries, tasks, logger: silentLogger() });
    const { record } = await process(current);
    expect(await summaries.get(CONVERSATION, 300)).toEqual(record);
    // Its completion was refused (the claim had lapsed); the replica that takes the task over runs it again.
    current = { ...current, attempts: 2 };
    held = true;
    expect((await process(current)).record).toEqual(record);
    expect(engine.calls).toBe(1);
  });
});
