// The summary service over the store itself, for commands run while no wrapup serves that store (the embedded queue
// is single-process): backfill --service-stopped and rerun-stale --service-stopped.
import { EventEmitter } from 'node:events';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createSummaryService } from '../pipeline/index.js';
import { createEmbeddedTaskQueue, createKeyvBackend, createSummaryStore, type IndexedSummaryStore } from '../store/index.js';

export interface OfflineService {
  service: ReturnType<typeof createSummaryService>;
  summaries: IndexedSummaryStore;
  /** Closes the queue, then the store. */
  close(): Promise<void>;
}

/** `templateVersion`: the service's idempotency key part, `<default template id>@<version>` as the engine resolves it. */
export async function openOfflineService(config: Config, logger: Logger, templateVersion: string): Promise<OfflineService> {
  const backend = await createKeyvBackend(config.store.url, { logger });
  const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: logger.child({ module: 'task-queue' }) });
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: config.summary.maxLength, logger: logger.child({ module: 'summary-store' }) });
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
      queue.close();
      await backend.close();
    },
  };
}
