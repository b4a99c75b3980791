// Composition root shared by main.ts and the demo: builds every adapter from the config and owns start/stop order.
import path from 'node:path';
import { CONFIG_DIR, type Config } from './config.js';
import { loadPiiConfig } from './summarize/pii.js';
import type { Logger } from './logger.js';
import { toAppError } from './errors.js';
import { createKeyvBackend } from './store/keyv-backend.js';
import { createSummaryStore } from './store/summary-store.js';
import { createEmbeddedTaskQueue } from './store/task-queue.js';
import { createGenesysClient } from './genesys/client.js';
import { discoverQueueIds } from './genesys/queues.js';
import { createNotificationSubscriber } from './genesys/notifications.js';
import { createConversationSource } from './genesys/source.js';
import { createSummaryEngine } from './summarize/engine.js';
import { createConversationProcessor } from './pipeline/process-conversation.js';
import { createWorker } from './pipeline/worker.js';
import { createSummaryService, type SummaryService } from './pipeline/summary-service.js';
import { createSnapshotIntake } from './pipeline/snapshot-intake.js';
import { createBackfill } from './pipeline/backfill.js';
import { queryEndedConversations } from './genesys/analytics.js';
import { createCheckpointStore } from './store/checkpoint-store.js';
import { createWrapupCodeCache } from './genesys/wrapup-codes.js';
import { isSummaryStale } from './summarize/staleness.js';
import { createHttpApp, startHttpServer } from './http/app.js';
import { isConversationOver } from './genesys/end-detection.js';
import { QueueConversationSnapshotSchema } from './genesys/schemas.js';

export interface Wrapup {
  /** Base URL of the HTTP API once started. */
  readonly url: string;
  readonly service: SummaryService;
  /** Graceful stop: intake → HTTP → in-flight tasks (bounded) → socket → store. */
  stop(deadlineMs?: number): Promise<void>;
}

/** Builds and starts the whole service. Fails fast (and cleans up) when Genesys login or the store is unusable. */
export async function startWrapup(config: Config, logger: Logger): Promise<Wrapup> {
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    return await build(config, logger, closers, closeAll);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function build(
  config: Config,
  logger: Logger,
  closers: Array<() => Promise<unknown>>,
  closeAll: () => Promise<void>,
): Promise<Wrapup> {
  const backend = await createKeyvBackend(config.store.url);
  closers.push(() => backend.close());
  const summaries = createSummaryStore({
    keyv: backend.keyv('summaries'),
    ttlMs: config.store.summaryTtlSeconds * 1000 || undefined,
    logger: logger.child({ module: 'summary-store' }),
  });
  const queue = createEmbeddedTaskQueue({
    keyv: backend.keyv('tasks'),
    ttlMs: config.store.taskTtlSeconds * 1000 || undefined,
    logger: logger.child({ module: 'task-queue' }),
  });
  closers.push(async () => queue.close?.());

  const genesys = createGenesysClient({ config: config.genesys, logger: logger.child({ module: 'genesys' }) });
  closers.push(async () => genesys.close());
  await genesys.login();

  const engine = await createSummaryEngine({
    openai: config.openai.apiKey
      ? {
          apiKey: config.openai.apiKey,
          baseUrl: config.openai.baseUrl,
          model: config.openai.model,
          timeoutMs: config.openai.timeoutMs,
          maxRetries: config.openai.maxRetries,
          temperature: config.openai.temperature,
        }
      : undefined,
    promptsDir: config.summary.promptsDir,
    templateId: config.summary.template,
    maxRepairs: config.summary.maxRepairs,
    piiAllow: loadPiiConfig(path.join(CONFIG_DIR, 'pii.json')).allow,
    logger: logger.child({ module: 'summarize' }),
  });
  logger.info({ model: engine.model }, engine.model === 'extractive' ? 'no OPENAI_API_KEY: offline extractive summarizer' : 'LLM summarizer ready');

  const source = createConversationSource({
    client: genesys,
    logger: logger.child({ module: 'conversation-source' }),
    transcriptRetryWindowMs: config.genesys.transcriptRetryWindowMs,
    transcriptRetryBaseMs: config.genesys.transcriptRetryBaseMs,
    // Wait inside one task attempt at most this long; beyond it the task is re-queued (retryable) until the window ends.
    maxTranscriptWaitMs: Math.min(60_000, config.worker.taskTimeoutMs / 2),
  });
  const wrapupCodes = createWrapupCodeCache({
    client: genesys,
    ttlMs: config.summary.wrapupCodeTtlMs,
    logger: logger.child({ module: 'wrapup-codes' }),
  });
  const processor = createConversationProcessor({
    source,
    engine,
    wrapupCodes,
    summaries,
    logger: logger.child({ module: 'pipeline' }),
    notEndedRetryMs: config.genesys.endConfirmRetryMs,
  });
  const worker = createWorker({
    queue,
    process: processor,
    logger: logger.child({ module: 'worker' }),
    concurrency: config.worker.concurrency,
    maxAttempts: config.worker.maxAttempts,
    taskTimeoutMs: config.worker.taskTimeoutMs,
  });
  const service = createSummaryService({
    queue,
    summaries,
    events: worker.events,
    defaultMaxLength: config.summary.maxLength,
    templateVersion: `${engine.template.id}@${engine.template.version}`,
    logger: logger.child({ module: 'service' }),
  });

  const recovered = await queue.recover();
  if (recovered > 0) logger.info({ recovered }, 'resuming tasks left unfinished by the previous process');
  worker.start();
  closers.push(() => worker.stop(0));

  const queueIds = await discoverQueueIds(genesys, config.genesys.queueIds);
  logger.info({ queues: queueIds.length }, 'watching queues');
  const intake = createSnapshotIntake({ service, logger: logger.child({ module: 'intake' }) });
  const backfill = createBackfill({
    query: (q) => queryEndedConversations(genesys, q),
    service,
    checkpoints: createCheckpointStore({ keyv: backend.keyv('checkpoints'), logger: logger.child({ module: 'checkpoints' }) }),
    queueIds,
    healthyUntil: () => healthyUntil(subscriber.state()),
    logger: logger.child({ module: 'backfill' }),
    ...config.backfill,
  });
  closers.push(async () => backfill.stop());
  const subscriber = createNotificationSubscriber({
    client: genesys,
    logger: logger.child({ module: 'notifications' }),
    queueIds,
    heartbeatTimeoutMs: config.genesys.heartbeatTimeoutMs,
    reconnect: config.genesys.reconnect,
    onSnapshot: intake.onSnapshot,
    onReconnected: (info) => backfill.onGap(`socket ${info.channelId} reconnected`),
  });
  closers.push(() => subscriber.stop());
  await subscriber.start();
  // After the socket is open: the gap since the last healthy moment (a restart, a crash) is filled from analytics.
  await backfill.start();

  const app = createHttpApp({
    api: service,
    readiness: [
      { name: 'store', check: async () => ({ ok: await backend.ping() }) },
      { name: 'genesys_auth', check: async () => genesysAuthCheck(genesys.authState()) },
      { name: 'notifications', check: async () => socketCheck(subscriber.state()) },
    ],
    apiKeys: config.http.apiKeys,
    bodyLimitBytes: config.http.bodyLimitBytes,
    maxWaitMs: config.http.maxWaitMs,
    defaultMaxLength: config.summary.maxLength,
    isStale: (record) => isSummaryStale(record, engine.templateFor),
    logger: logger.child({ module: 'http' }),
    ...(config.webhookToken
      ? {
          webhook: {
            token: config.webhookToken,
            intake: (conversationId: string, source: 'webhook') => service.conversationEnded(conversationId, source),
            isConversationOver: snapshotIsOver,
          },
        }
      : {}),
  });
  const server = await startHttpServer(app, { port: config.http.port, host: config.http.host });
  closers.push(() => server.close());
  logger.info({ url: server.url }, 'wrapup is listening');

  return {
    url: server.url,
    service,
    async stop(deadlineMs = 10_000) {
      logger.info('shutting down');
      backfill.stop();
      await subscriber.stop().catch((err: unknown) => logger.warn({ err: toAppError(err).message }, 'socket stop failed'));
      await server.close();
      const unfinished = await worker.stop(deadlineMs);
      if (unfinished > 0) logger.warn({ unfinished }, 'tasks still running at the deadline stay persisted and resume on start');
      await closeAll();
    },
  };
}

/** Webhook deliveries of queue snapshots use the same end rule as the socket. */
function snapshotIsOver(eventBody: unknown): boolean {
  const parsed = QueueConversationSnapshotSchema.safeParse(eventBody);
  return parsed.success && isConversationOver(parsed.data);
}

function genesysAuthCheck(state: { ok: boolean; lastError?: string | undefined }): { ok: boolean; detail?: string } {
  return state.ok ? { ok: true } : { ok: false, detail: state.lastError ?? 'not logged in' };
}

/** The stream is healthy up to the oldest last-frame time across channels; unknown while any channel is not open. */
function healthyUntil(channels: Array<{ state: string; lastMessageAt?: number | undefined }>): number | undefined {
  if (channels.length === 0 || channels.some((c) => c.state !== 'open' || c.lastMessageAt === undefined)) return undefined;
  return Math.min(...channels.map((c) => c.lastMessageAt!));
}

function socketCheck(channels: Array<{ channelId: string; state: string }>): { ok: boolean; detail: string } {
  const detail = channels.map((c) => `${c.channelId}: ${c.state}`).join(', ') || 'no channel';
  return { ok: channels.length > 0 && channels.every((c) => c.state === 'open'), detail };
}
