// The outbox: turns a task about to settle into one durable delivery per configured endpoint, before the task's
// outcome is recorded, so no settled task is missed by a crash between the two (a re-run after such a crash is a
// new event, with its own id).
import type { Logger } from '../logger.js';
import type { DeliveryQueue, SettledTask, SummaryStore } from '../ports.js';
import type { WebhookEndpoint } from './endpoints.js';
import { eventIdOf, eventPayload, eventTypeOf, isReportable, type RenderSummary } from './events.js';

export interface OutboxOptions {
  queue: Pick<DeliveryQueue, 'enqueue'>;
  summaries: Pick<SummaryStore, 'get'>;
  endpoints: readonly WebhookEndpoint[];
  render: RenderSummary;
  logger: Logger;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Creates the worker's before-settle hook. Throws (AppError STORE_UNAVAILABLE) when the deliveries cannot be
 * recorded: the worker then does not settle the task, and it runs again.
 */
export function createOutbox(options: OutboxOptions): (settled: SettledTask) => Promise<void> {
  const now = options.now ?? Date.now;
  return async function enqueueEvent(settled: SettledTask): Promise<void> {
    if (options.endpoints.length === 0 || !isReportable(settled)) return;
    const { task } = settled;
    const record = settled.status === 'completed' ? await options.summaries.get(task.conversation_id, task.max_length) : undefined;
    const payload = eventPayload(settled, record ? options.render(record) : undefined, new Date(now()));
    const eventId = eventIdOf(settled);
    for (const endpoint of options.endpoints) {
      await options.queue.enqueue({ eventId, eventType: eventTypeOf(settled), conversationId: task.conversation_id, endpoint: endpoint.name, payload });
    }
    options.logger.debug({ conversationId: task.conversation_id, eventId, endpoints: options.endpoints.length }, 'webhook event queued');
  };
}
