// Start-up of the core: the store, the Genesys login, the summarizer (config files read here, once), the worker (not
// started) and the summary service every intake shares.
import path from 'node:path';
import { CONFIG_DIR, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { SummaryEngine, SummaryStore, TaskQueue } from '../ports.js';
import { createKeyvBackend, createSummaryStore, type BullmqTaskQueue } from '../store/index.js';
import { createConversationSource, createGenesysClient, createWrapupCodeCache, regionAllowList, type GenesysClient } from '../genesys/rest/index.js';
import { createSummaryEngine, loadModelTable, loadPiiConfig } from '../summarize/index.js';
import { createAdmission, createConversationProcessor, createSummaryService, createWorker } from '../pipeline/index.js';
import { announcingReplacements, buildInvalidation, buildQueue, replicaIdOf } from './replicas.js';
import type { Closer, Core } from './types.js';

/** Store, Genesys login, summarizer, worker (not started) and the service every intake shares. */
export async function startCore(config: Config, logger: Logger, closers: Closer[]): Promise<Core> {
  const backend = await createKeyvBackend(config.store.url, { logger: logger.child({ module: 'store' }) });
  closers.push(() => backend.close());
  const invalidation = buildInvalidation(config, logger);
  closers.push(() => invalidation.close());
  const summaries = announcingReplacements(
    createSummaryStore({
      keyv: backend.keyv('summaries'),
      ttlMs: config.store.summaryTtlSeconds * 1000 || undefined,
      defaultMaxLength: config.summary.maxLength,
      logger: logger.child({ module: 'summary-store' }),
    }),
    invalidation,
  );
  const queue = buildQueue(config, logger, backend);
  closers.push(async () => queue.close());
  const genesys = createGenesysClient({ config: config.genesys, logger: logger.child({ module: 'genesys' }) });
  closers.push(async () => genesys.close());
  await genesys.login();
  const engine = await buildEngine(config, logger);

  const processor = buildProcessor(config, logger, { genesys, engine, summaries, queue });
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
  // Long-polls here answer as soon as another replica settles their task.
  if ('onSettledElsewhere' in queue) {
    const unsubscribe = (queue as BullmqTaskQueue).onSettledElsewhere((task) => worker.events.emit('settled', task));
    closers.push(async () => unsubscribe());
  }
  const service = createSummaryService({
    queue,
    summaries,
    events: worker.events,
    defaultMaxLength: config.summary.maxLength,
    templateVersion: `${engine.template.id}@${engine.template.version}`,
    admission: admissionFrom(config.limits),
    logger: logger.child({ module: 'service' }),
  });
  return { backend, queue, genesys, engine, worker, service, invalidation, replicaId: replicaIdOf(config) };
}

/** The one use case over the core's adapters: Genesys source (guarded transcript download), engine, store, queue. */
function buildProcessor(
  config: Config,
  logger: Logger,
  { genesys, engine, summaries, queue }: { genesys: GenesysClient; engine: SummaryEngine; summaries: SummaryStore; queue: TaskQueue },
) {
  return createConversationProcessor({
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

