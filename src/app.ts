// Composition root shared by main.ts and the demo: builds every adapter from the config and owns start/stop order.
// Start: store → Genesys login → summarizer → HTTP (answers from the cache at once) → socket → backfill → worker
// (last: a start that fails earlier has run nothing). Stop, within ONE deadline shared by every step: intake
// (backfill, socket) → long-polls answered → HTTP → running tasks → store (always, even when a step fails).
import path from 'node:path';
import { CONFIG_DIR, type Config } from './config.js';
import type { Logger } from './logger.js';
import { toAppError } from './errors.js';
import { within } from './deadline.js';
import type { SummaryEngine } from './ports.js';
import { createKeyvBackend, type KeyvBackend } from './store/index.js';
import { createSummaryStore } from './store/index.js';
import { createEmbeddedTaskQueue, type EmbeddedTaskQueue } from './store/index.js';
import { createCheckpointStore } from './store/index.js';
import { createGenesysClient, type GenesysClient } from './genesys/rest/index.js';
import { discoverQueueIds } from './genesys/rest/index.js';
import { createNotificationSubscriber, type NotificationSubscriber } from './genesys/notifications/index.js';
import { createConversationSource } from './genesys/rest/index.js';
import { regionAllowList } from './genesys/rest/index.js';
import { createWrapupCodeCache } from './genesys/rest/index.js';
import { queryEndedConversations } from './genesys/rest/index.js';
import { isConversationOver } from './genesys/notifications/index.js';
import { QueueConversationSnapshotSchema } from './genesys/notifications/index.js';
import { createSummaryEngine, isSummaryStale, loadModelTable, loadPiiConfig } from './summarize/index.js';
import { createConversationProcessor } from './pipeline/index.js';
import { createWorker, type Worker } from './pipeline/index.js';
import { createSummaryService, type SummaryService } from './pipeline/index.js';
import { createAdmission } from './pipeline/index.js';
import { createSnapshotIntake } from './pipeline/index.js';
import { createBackfill, streamHealthyUntil, type Backfill } from './pipeline/index.js';
import { createHttpApp, startHttpServer, type CheckResult, type ReadinessCheck } from './http/index.js';
import type { ChannelStatus } from './genesys/notifications/index.js';
import type { BackfillState } from './pipeline/index.js';

export interface Wrapup {
  /** Base URL of the HTTP API once started. */
  readonly url: string;
  readonly service: SummaryService;
  /**
   * Graceful stop within `deadlineMs` in all (each step gets what remains): intake → HTTP (long-polls answered at
   * once) → in-flight tasks → store. Tasks still running at the deadline stay persisted and resume on the next start.
   * @default 8000
   */
  stop(deadlineMs?: number): Promise<void>;
}

type Closer = () => Promise<unknown>;

interface Core {
  backend: KeyvBackend;
  queue: EmbeddedTaskQueue;
  genesys: GenesysClient;
  engine: SummaryEngine;
  worker: Worker;
  service: SummaryService;
}

interface Intake {
  subscriber: NotificationSubscriber;
  backfill: Backfill;
  /** How many queues are watched (discovered or configured). */
  queues: number;
}

/** Builds and starts the whole service. Fails fast (and cleans up) when Genesys login or the store is unusable. */
export async function startWrapup(config: Config, logger: Logger): Promise<Wrapup> {
  const closers: Closer[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const core = await startCore(config, logger, closers);
    let intake: Intake | undefined;
    const { port, host, headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = config.http;
    const server = await startHttpServer(httpApp(config, logger, core, () => intake), {
      port,
      host,
      limits: { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections },
      logger: logger.child({ module: 'http' }),
    });
    closers.push(() => server.close(0));
    logger.info({ url: server.url }, 'wrapup is listening');
    intake = await startIntake(config, logger, core, closers);
    await startWorker(core, logger, closers);
    logger.info('wrapup started');
    const stopped = { intake, server };
    return {
      url: server.url,
      service: core.service,
      stop: (deadlineMs = 8000) => stopWrapup(core, stopped, deadlineMs, logger).finally(closeAll),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The stop sequence; every step is bounded by what remains of the one deadline. */
async function stopWrapup(
  core: Core,
  parts: { intake: Intake; server: { close(graceMs?: number): Promise<void> } },
  deadlineMs: number,
  logger: Logger,
): Promise<void> {
  const endAt = Date.now() + deadlineMs;
  const left = (): number => Math.max(0, endAt - Date.now());
  logger.info({ deadlineMs }, 'shutting down');
  await parts.intake.backfill.stop(left());
  await within(left(), parts.intake.subscriber.stop().catch((err: unknown) => logger.warn({ err: toAppError(err).message }, 'socket stop failed')));
  // Long-polls (?wait=) answer now with the task as it is (202): clients poll again, against the next instance.
  core.service.releaseWaiters();
  await within(left(), parts.server.close(left()));
  const unfinished = await core.worker.stop(left());
  if (unfinished > 0) logger.warn({ unfinished }, 'tasks still running at the deadline stay persisted and resume on start');
}

/** Re-queues what a previous process left running, then starts claiming: the last step of start-up. */
async function startWorker(core: Core, logger: Logger, closers: Closer[]): Promise<void> {
  const recovered = await core.queue.recover();
  if (recovered > 0) logger.info({ recovered }, 'resuming tasks left unfinished by the previous process');
  core.worker.start();
  closers.push(() => core.worker.stop(0));
}

/** Store, Genesys login, summarizer, worker (not started) and the service every intake shares. */
async function startCore(config: Config, logger: Logger, closers: Closer[]): Promise<Core> {
  const backend = await createKeyvBackend(config.store.url);
  closers.push(() => backend.close());
  const summaries = createSummaryStore({
    keyv: backend.keyv('summaries'),
    ttlMs: config.store.summaryTtlSeconds * 1000 || undefined,
    defaultMaxLength: config.summary.maxLength,
    logger: logger.child({ module: 'summary-store' }),
  });
  const queue = createEmbeddedTaskQueue({
    keyv: backend.keyv('tasks'),
    ttlMs: config.store.taskTtlSeconds * 1000 || undefined,
    // An unknown conversation's failure is cheap to keep: a guessed id must not hold a record for days.
    failedTtlMs: { CONVERSATION_NOT_FOUND: config.limits.notFoundTaskTtlSeconds * 1000 },
    logger: logger.child({ module: 'task-queue' }),
  });
  closers.push(async () => queue.close());
  const genesys = createGenesysClient({ config: config.genesys, logger: logger.child({ module: 'genesys' }) });
  closers.push(async () => genesys.close());
  await genesys.login();
  const engine = await buildEngine(config, logger);

  const processor = createConversationProcessor({
    source: createConversationSource({
      client: genesys,
      logger: logger.child({ module: 'conversation-source' }),
      transcriptRetryWindowMs: config.genesys.transcriptRetryWindowMs,
      transcriptRetryBaseMs: config.genesys.transcriptRetryBaseMs,
      transcriptDownload: {
        ...config.genesys.transcriptDownload,
        allow: [...regionAllowList(config.genesys.region), ...config.genesys.transcriptDownload.allow],
      },
      // Wait inside one attempt at most this long; beyond it the task is re-queued until the window ends.
      maxTranscriptWaitMs: Math.min(60_000, config.worker.taskTimeoutMs / 2),
    }),
    engine,
    wrapupCodes: createWrapupCodeCache({ client: genesys, ttlMs: config.summary.wrapupCodeTtlMs, logger: logger.child({ module: 'wrapup-codes' }) }),
    summaries,
    tasks: queue,
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
    retry: {
      windows: { TRANSCRIPT_UNAVAILABLE: config.genesys.transcriptRetryWindowMs + 300_000 },
      defaultWindowMs: config.worker.retryWindowMs,
      baseDelayMs: config.worker.retryBaseDelayMs,
      maxDelayMs: config.worker.retryMaxDelayMs,
    },
  });
  const service = createSummaryService({
    queue,
    summaries,
    events: worker.events,
    defaultMaxLength: config.summary.maxLength,
    templateVersion: `${engine.template.id}@${engine.template.version}`,
    admission: admissionFrom(config.limits),
    logger: logger.child({ module: 'service' }),
  });
  return { backend, queue, genesys, engine, worker, service };
}

/** The limits on what clients may make wrapup start (a rate of 0: that budget is off). */
function admissionFrom(limits: Config['limits']) {
  return createAdmission({
    forceIntervalMs: limits.forceIntervalMs,
    notFoundTtlMs: limits.notFoundTtlMs,
    apiTasks: limits.apiTaskRatePerMin > 0 ? { ratePerMin: limits.apiTaskRatePerMin, burst: limits.apiTaskBurst } : undefined,
    webhookTasks: limits.webhookTaskRatePerMin > 0 ? { ratePerMin: limits.webhookTaskRatePerMin, burst: limits.webhookTaskBurst } : undefined,
  });
}

async function buildEngine(config: Config, logger: Logger): Promise<SummaryEngine> {
  const { openai } = config;
  const engine = await createSummaryEngine({
    openai: openai.apiKey
      ? {
          apiKey: openai.apiKey,
          baseUrl: openai.baseUrl,
          model: openai.model,
          timeoutMs: openai.timeoutMs,
          maxRetries: openai.maxRetries,
          temperature: openai.temperature,
          maxConcurrency: openai.maxConcurrency,
          maxTokensParam: openai.maxTokensParam,
        }
      : undefined,
    fallback: openai.fallback,
    promptsDir: config.summary.promptsDir,
    templateId: config.summary.template,
    maxRepairs: config.summary.maxRepairs,
    // Config files are read once, here, and passed down as values.
    piiAllow: loadPiiConfig(path.join(CONFIG_DIR, 'pii.json')).allow,
    models: loadModelTable(path.join(CONFIG_DIR, 'models.json')),
    logger: logger.child({ module: 'summarize' }),
  });
  logger.info({ model: engine.model }, engine.model === 'extractive' ? 'no OPENAI_API_KEY: offline extractive summarizer' : 'LLM summarizer ready');
  return engine;
}

/** Queue discovery, the notification socket, and the backfill of whatever it missed (in the background). */
async function startIntake(config: Config, logger: Logger, core: Core, closers: Closer[]): Promise<Intake> {
  const queueIds = await discoverQueueIds(core.genesys, config.genesys.queueIds);
  logger.info({ queues: queueIds.length }, 'watching queues');
  const backfill: Backfill = createBackfill({
    query: (q) => queryEndedConversations(core.genesys, q),
    service: core.service,
    checkpoints: createCheckpointStore({ keyv: core.backend.keyv('checkpoints'), logger: logger.child({ module: 'checkpoints' }) }),
    queueIds,
    // Never past an ended conversation whose task is still being written: its failure must stay within reach.
    healthyUntil: () => streamHealthyUntil(subscriber.state(), intake.oldestInFlight()),
    logger: logger.child({ module: 'backfill' }),
    ...config.backfill,
  });
  closers.push(() => backfill.stop(1000));
  const intake = createSnapshotIntake({
    service: core.service,
    logger: logger.child({ module: 'intake' }),
    onFailure: (conversationId, _error, receivedAt) => backfill.onIntakeFailure(conversationId, receivedAt),
  });
  const subscriber = createNotificationSubscriber({
    client: core.genesys,
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
  backfill.start();
  return { subscriber, backfill, queues: queueIds.length };
}

function httpApp(config: Config, logger: Logger, core: Core, intake: () => Intake | undefined) {
  const { service, engine } = core;
  return createHttpApp({
    api: service,
    readiness: readinessChecks(core, intake),
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
            intake: (conversationId: string, source: 'webhook', client: string) => service.conversationEnded(conversationId, source, client),
            isConversationOver: snapshotIsOver,
          },
        }
      : {}),
  });
}

/**
 * /readyz: the store answers, the Genesys token is valid, every channel is open with every topic permitted. Public
 * answers show only ok and the state word; ids, queue counts, error texts and backfill windows are details
 * (GET /api/status, behind the API key).
 */
function readinessChecks(core: Core, intake: () => Intake | undefined): ReadinessCheck[] {
  return [
    { name: 'store', check: async () => ((await core.backend.ping()) ? { ok: true, state: 'up' } : { ok: false, state: 'down' }) },
    { name: 'genesys_auth', check: async () => genesysAuthCheck(core.genesys.authState()) },
    {
      name: 'notifications',
      check: async () => {
        const current = intake();
        return current ? socketCheck(current.subscriber.state(), current.queues) : { ok: false, state: 'starting' };
      },
    },
    {
      name: 'backfill',
      // Informational: a gap being filled is normal operation, not a reason to take the instance out of service.
      check: async () => backfillCheck(intake()?.backfill.state()),
    },
  ];
}

/** Webhook deliveries of queue snapshots use the same end rule as the socket. */
function snapshotIsOver(eventBody: unknown): boolean {
  const parsed = QueueConversationSnapshotSchema.safeParse(eventBody);
  return parsed.success && isConversationOver(parsed.data);
}

function genesysAuthCheck(state: { ok: boolean; lastError?: string | undefined }): CheckResult {
  return state.ok ? { ok: true, state: 'valid' } : { ok: false, state: 'invalid', detail: { error: state.lastError ?? 'not logged in' } };
}

const SEVERITY: Record<ChannelStatus['state'], number> = { open: 0, connecting: 1, reconnecting: 2, closed: 3 };

/** The worst channel's state (then topics_rejected when all are open); the channels themselves are details. */
function socketCheck(channels: ChannelStatus[], queues: number): CheckResult {
  const detail = {
    queues,
    channels: channels.map((c) => ({
      channel_id: c.channelId,
      state: c.state,
      topics: c.topics,
      expires: c.expires,
      ...(c.lastMessageAt !== undefined ? { last_message_at: new Date(c.lastMessageAt).toISOString() } : {}),
      rejected_topics: c.rejectedTopicIds,
    })),
  };
  if (channels.length === 0) return { ok: false, state: 'no_channel', detail };
  const worst = channels.reduce((w, c) => (SEVERITY[c.state] > SEVERITY[w] ? c.state : w), 'open' as ChannelStatus['state']);
  if (worst !== 'open') return { ok: false, state: worst, detail };
  const rejected = channels.some((c) => c.rejectedTopics > 0);
  return rejected ? { ok: false, state: 'topics_rejected', detail } : { ok: true, state: 'open', detail };
}

function backfillCheck(state: BackfillState | undefined): CheckResult {
  if (!state) return { ok: true, state: 'starting' };
  const detail = {
    gap_open: state.gapOpen,
    queued: state.queued,
    ...(state.lastPassAt ? { last_pass_at: state.lastPassAt } : {}),
    ...(state.lastError ? { last_error: state.lastError } : {}),
  };
  return { ok: true, state: state.lastError ? 'failing' : state.gapOpen ? 'filling' : 'idle', detail };
}
