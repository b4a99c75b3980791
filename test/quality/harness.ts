// The real pipeline under test: OpenAI fake on loopback → real engine (config/prompts) → real processor → memory store.
import type { ConversationInfo, SummaryRecord, TaskRecord, Transcript, WrapupCode } from '../../src/domain.js';
import type { ConversationSource } from '../../src/ports.js';
import { AppError, isAppError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { createConversationProcessor } from '../../src/pipeline/process-conversation.js';
import { startOpenAiFake, type AdversarialFault, type FakeMode, type OpenAiFake } from '../../src/sim/openai-fake.js';
import { createKeyvBackend, type KeyvBackend } from '../../src/store/keyv-backend.js';
import { createSummaryStore, type IndexedSummaryStore } from '../../src/store/summary-store.js';
import { createSummaryEngine } from '../../src/summarize/engine.js';
import type { SummaryEngine } from '../../src/ports.js';
import { PROMPTS_DIR } from './corpus.js';
import { MODELS } from '../support/models.js';

export const MODEL = 'gpt-4o-mini';
export const MAX_LENGTH = 500;
export const QUEUE = 'q-care';
export const CODES: WrapupCode[] = [
  { id: '0b6f3c21-94a7-4d2e-8c15-a3e9f7d10b11', name: 'Resolved on first contact' },
  { id: '1c7a4d32-a5b8-4e3f-9d26-b4fa08e21c12', name: 'Escalated' },
];

export interface HarnessOptions {
  mode?: FakeMode;
  /** @default MODEL */
  model?: string;
  /** @default 1 */
  maxRepairs?: number;
  adversarialFaults?: readonly AdversarialFault[];
  /** What a conversation gets when the LLM fails for good. @default 'extractive' (the product default) */
  fallback?: 'extractive' | 'none';
}

/** What one conversation did: its stored record or typed error, and the fake calls it cost (by index into fake.requests). */
export interface Outcome {
  transcript: Transcript;
  record?: SummaryRecord;
  error?: AppError;
  /** Indexes into fake.requests / fake.faults made while processing this conversation. */
  calls: { from: number; to: number };
}

export interface Harness {
  fake: OpenAiFake;
  engine: SummaryEngine;
  summaries: IndexedSummaryStore;
  /** Processes one conversation end to end (sequentially, so fake calls can be attributed to it). */
  run(transcript: Transcript, maxLength?: number): Promise<Outcome>;
  close(): Promise<void>;
}

/** Starts the fake, a memory:// store and the processor with the real engine. Close it in afterAll. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await startOpenAiFake({ mode: options.mode ?? 'ok', ...(options.adversarialFaults ? { adversarialFaults: options.adversarialFaults } : {}) });
  let backend: KeyvBackend | undefined;
  try {
    backend = await createKeyvBackend('memory://');
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: MAX_LENGTH, logger: silentLogger() });
    const engine = await createSummaryEngine({ models: MODELS,
      openai: { apiKey: 'test-key', baseUrl: fake.url, model: options.model ?? MODEL, timeoutMs: 10_000, maxRetries: 0, temperature: 0.2 },
      promptsDir: PROMPTS_DIR,
      templateId: 'default',
      maxRepairs: options.maxRepairs ?? 1,
      ...(options.fallback ? { fallback: options.fallback } : {}),
      logger: silentLogger(),
    });
    const transcripts = new Map<string, Transcript>();
    const source: ConversationSource = {
      getConversation: async (id) => info(id),
      getTranscript: async (i) => transcripts.get(i.conversationId) ?? Promise.reject(new AppError('CONVERSATION_NOT_FOUND', 'unknown')),
    };
    const process = createConversationProcessor({ source, engine, summaries, logger: silentLogger(), wrapupCodes: { forQueue: async () => CODES } });
    const run = async (transcript: Transcript, maxLength = MAX_LENGTH): Promise<Outcome> => {
      transcripts.set(transcript.conversationId, transcript);
      const from = fake.requests.length;
      const task = { task_id: `task-${transcript.conversationId}`, conversation_id: transcript.conversationId, max_length: maxLength } as TaskRecord;
      try {
        const { record } = await process(task);
        return { transcript, record, calls: { from, to: fake.requests.length } };
      } catch (err) {
        if (!isAppError(err)) throw err;
        return { transcript, error: err, calls: { from, to: fake.requests.length } };
      }
    };
    const owned = backend;
    return { fake, engine, summaries, run, close: async () => void (await Promise.all([fake.close(), owned.close()])) };
  } catch (err) {
    await Promise.all([fake.close(), backend?.close()]);
    throw err;
  }
}

function info(conversationId: string): ConversationInfo {
  return {
    conversationId,
    startTime: '2024-05-01T10:00:00Z',
    endTime: '2024-05-01T10:20:00Z',
    mediaType: 'chat',
    queueIds: [QUEUE],
    participantCount: 2,
    communications: [],
  };
}
