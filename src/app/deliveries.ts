// The outbound-webhook side of the composition root: the delivery queue (BullMQ on redis://, else embedded), the
// outbox the worker calls before a task settles, and the dispatcher (started with the worker, stopped after it).
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics, SummaryEngine, SummaryStore } from '../ports.js';
import type { KeyvBackend } from '../store/index.js';
import { createDeliveryDispatcher, createOutbox } from '../deliveries/index.js';
import { summaryFields } from '../http/index.js';
import { isSummaryStale } from '../summarize/index.js';
import { buildDeliveryQueue } from './replicas.js';
import type { Closer, Deliveries } from './types.js';

/** The delivery queue, outbox and dispatcher (not started); with no endpoint configured the outbox queues nothing. */
export async function buildDeliveries(
  config: Config,
  logger: Logger,
  parts: { backend: KeyvBackend; summaries: SummaryStore; engine: SummaryEngine; metrics: Metrics },
  closers: Closer[],
): Promise<Deliveries> {
  const settings = config.crmWebhooks;
  const queue = await buildDeliveryQueue(config, logger, parts.backend);
  closers.push(async () => queue.close());
  const outbox = createOutbox({
    queue,
    summaries: parts.summaries,
    endpoints: settings.endpoints,
    render: (record) => summaryFields(record, (r) => isSummaryStale(r, parts.engine.templateFor)),
    logger: logger.child({ module: 'outbox' }),
  });
  const dispatcher = createDeliveryDispatcher({
    queue,
    endpoints: settings.endpoints,
    logger: logger.child({ module: 'deliveries' }),
    onOutcome: (outcome) => parts.metrics.webhookDelivery(outcome),
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    retry: {
      windowMs: settings.retryWindowMs,
      baseDelayMs: settings.retryBaseDelayMs,
      maxDelayMs: settings.retryMaxDelayMs,
      minAttempts: settings.minAttempts,
    },
  });
  return { queue, outbox, dispatcher };
}
