// Start-up of the core: the store, the Genesys login, the summarizer (config files read here, once), the worker (not
// started) and the summary service every intake shares.
import path from 'node:path';
import { CONFIG_DIR, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ConversationSource, Metrics, SummaryEngine, SummaryStore, TaskQueue } from '../ports.js';
import { ALL_SUMMARIES, createKeyvBackend, createLocalSummaryChanges, createSummaryStore, type BullmqTaskQueue } from '../store/index.js';
import { createConversationSource, createGenesysClient, createWrapupCodeCache, regionAllowList, type GenesysClient } from '../genesys/rest/index.js';
import { createSummaryEngine, loadModelTable, loadPiiConfig } from '../summarize/index.js';
import { createAdmission, createConversationProcessor, createSummaryService, createWorker } from '../pipeline/index.js';
import { createObservability, observeCore } from './observability.js';
import { buildDeliveries } from './deliveries.js';
import { announcingReplacements, buildInvalidation, buildQueue, redisUrlOf, replicaIdOf } from './replicas.js';
import type { Closer, Core } from './types.js';

/** Store, Genesys login, summarizer, worker (not started) and the service every intake shares. */
export async function startCore(config: Config, logger: Logger, closers: Closer[]): Promise<Core> {
  const backend = await createKeyvBackend(config.store.url, { logger: logger.child({ module: 'store' }) });
  closers.push(() => backend.close());
  // This process's notices (the memory tier follows them); other replicas' arrive through the Redis invalidation.
  const summaryChanges = createLocalSummaryChanges();
  const invalidation = await buildInvalidation(config, logger);
  closers.push(() => invalidation.close());
  invalidation.onReplaced((id) => (id ? summaryChanges.replaced(id) : summaryChanges.replaced(ALL_SUMMARIES)));
  const summaries = announcingReplacements(
    createSummaryStore({
      changes: summaryChanges,
      keyv: backend.keyv('summaries'),
      exclusive: backend.exclusive,
      ttlMs: config.store.summaryTtlSeconds * 1000 || undefined,
      defaultMaxLength: config.summary.maxLength,
      logger: logger.child({ module: 'summary-store' }),
    }),
    invalidation,
  );
  const queue = await buildQueue(config, logger, backend);
  closers.push(async () => queue.close());
  // Several replicas on one Redis report to one Prometheus: each series says which replica it came from.
  const clustered = redisUrlOf(config) !== undefined || config.cluster.replicaId !== undefined;
  const obs = createObservability(clustered ? { replica: replicaIdOf(config) } : undefined);
  const genesys = createGenesysClient({ config: config.genesys, logger: logger.child({ module: 'genesys' }), metrics: obs.metrics });
  closers.push(async () => genesys.close());
  await genesys.login();
  // Config files are read once, here, and passed down as values.
  const piiAllow = loadPiiConfig(path.join(CONFIG_DIR, 'pii.json')).allow;
  const engine = await buildEngine(config, logger, piiAllow);
  const source = buildSource(config, logger, genesys);
  const processor = buildProcessor(config, logger, { source, genesys, engine, summaries, queue, metrics: obs.metrics });
  const deliveries = await buildDeliveries(config, logger, { backend, summaries, engine, metrics: obs.metrics }, closers);
  const worker = createWorker({
    queue,
    beforeSettle: deliveries.outbox,
    process: processor,
    logger: logger.child({ module: 'worker' }),
    metrics: obs.metrics,
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
  observeCore(obs, queue, worker);
  return { backend, queue, genesys, engine, worker, service, summaryChanges, deliveries, obs, source, piiAllow, invalidation, replicaId: replicaIdOf(config) };
}

/** The one use case over the core's adapters: Genesys source, engine, store, queue. */
function buildProcessor(
  config: Config,
  logger: Logger,
  parts: { source: ConversationSource; genesys: GenesysClient; engine: SummaryEngine; summaries: SummaryStore; queue: TaskQueue; metrics: Metrics },
) {
  const { source, genesys, engine, summaries, queue, metrics } = parts;
  return createConversationProcessor({
    source,
    engine,
    wrapupCodes: createWrapupCodeCache({ client: genesys, ttlMs: config.summary.wrapupCodeTtlMs, logger: logger.child({ module: 'wrapup-codes' }) }),
    summaries,
    tasks: queue,
    logger: logger.child({ module: 'pipeline' }),
    notEndedRetryMs: config.genesys.endConfirmRetryMs,
    metrics,
  });
}

/** The Genesys conversation source (guarded transcript download), shared by the pipeline and the dashboard. */
function buildSource(config: Config, logger: Logger, genesys: GenesysClient): ConversationSource {
  return createConversationSource({
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

async function buildEngine(config: Config, logger: Logger, piiAllow: readonly RegExp[]): Promise<SummaryEngine> {
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
    piiAllow,
    models: loadModelTable(path.join(CONFIG_DIR, 'models.json')),
    logger: logger.child({ module: 'summarize' }),
  });
  logger.info({ model: engine.model }, engine.model === 'extractive' ? 'no OPENAI_API_KEY: offline extractive summarizer' : 'LLM summarizer ready');
  return engine;
}

