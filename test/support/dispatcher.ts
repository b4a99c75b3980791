// A webhook dispatcher for tests: one endpoint, the loopback receiver, a short poll and a short backoff (never a long
// sleep), started; options override any of it.
import { createDeliveryDispatcher, type Dispatcher, type DispatcherOptions } from '../../src/deliveries/index.js';
import { silentLogger } from '../../src/logger.js';
import type { DeliveryQueue } from '../../src/ports.js';
import type { WebhookReceiver } from './webhook-receiver.js';

/** Short backoff for tests (the production schedule is checked with a fixed clock in dispatcher.test.ts). */
export const FAST_RETRY = { baseDelayMs: 40, maxDelayMs: 200, windowMs: 60_000, minAttempts: 3 };

/** A started dispatcher of `queue` to `receiver` (endpoint 'crm'). */
export function startTestDispatcher(queue: DeliveryQueue, receiver: WebhookReceiver, extra: Partial<DispatcherOptions> = {}): Dispatcher {
  const dispatcher = createDeliveryDispatcher({
    queue,
    endpoints: [{ name: 'crm', url: receiver.url, secret: receiver.secret }],
    logger: silentLogger(),
    concurrency: 3,
    timeoutMs: 2000,
    pollIntervalMs: 20,
    retry: FAST_RETRY,
    ...extra,
  });
  dispatcher.start();
  return dispatcher;
}
