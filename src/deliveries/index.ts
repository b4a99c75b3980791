// Outbound webhooks to CRMs: endpoints, the outbox the worker calls before a task settles, the dispatcher that
// sends, signs and retries, and the retry schedule.
export { endpointKey, type WebhookEndpoint } from './endpoints.js';
export { eventIdOf, eventPayload, type RenderSummary } from './events.js';
export { createOutbox, type OutboxOptions } from './outbox.js';
export { createDeliveryDispatcher, type Dispatcher, type DispatcherOptions } from './dispatcher.js';
export { deliveryRetryDelay, resolveDeliveryRetry, type DeliveryRetryPolicy } from './retry-policy.js';
