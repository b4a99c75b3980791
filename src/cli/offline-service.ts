// The summary service over the store itself, for commands run while no wrapup serves that store: backfill
// --service-stopped and rerun-stale --service-stopped. The task queue is chosen exactly as the service chooses it
// (app/replicas.ts buildQueue): BullMQ on a redis:// store, so the tasks written here are the ones replicas claim.
import { EventEmitter } from 'node:events';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { buildQueue } from '../app/replicas.js';
import { createSummaryService } from '../pipeline/index.js';
import { createKeyvBackend, createSummaryStore, type IndexedSummaryStore } from '../store/index.js';

export interface OfflineService {
  service: ReturnType<typeof createSummaryService>;
  summaries: IndexedSummaryStore;
  /** Closes the queue, then the store. */
  close(): Promise<void>;
}

/** `templateVersion`: the service's idempotency key part, `<default template id>@<version>` as the engine resolves it. */
export async function openOfflineService(config: Config, logger: Logger, templateVersion: string): Promise<OfflineService> {
  const backend = await createKeyvBackend(config.store.url, { logger });
  const queue = await buildQueue(config, logger, backend);
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), exclusive: backend.exclusive, defaultMaxLength: config.summary.maxLength, logger: logger.child({ module: 'summary-store' }) });
  const service = createSummaryService({
    queue,
    summaries,
    events: new EventEmitter(),
    defaultMaxLength: config.summary.maxLength,
    templateVersion,
    logger: logger.child({ module: 'service' }),
  });
  return {
    service,
    summaries,
    close: async () => {
      await queue.close();
      await backend.close();
    },
  };
}
