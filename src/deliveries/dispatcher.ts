// The delivery dispatcher: claims deliveries from their own queue with their own concurrency (so a receiver that is
// down never takes a summary worker's slot), sends each once (sender.ts) and records the outcome: delivered, retried
// with backoff (retry-policy.ts), or given up. A 410 disables the endpoint. Claims through the claim loop the summary
// worker uses too (claim-loop.ts).
import type { Logger } from '../logger.js';
import { isSuperseded, toAppError } from '../errors.js';
import { createClaimLoop, type ClaimLoop } from '../claim-loop.js';
import type { DeliveryAttempt, DeliveryRecord, TaskError } from '../domain.js';
import type { DeliveryOutcome, DeliveryQueue } from '../ports.js';
import { endpointKey, type WebhookEndpoint } from './endpoints.js';
import { deliveryRetryDelay, resolveDeliveryRetry, type DeliveryRetryPolicy, type ResolvedDeliveryRetryPolicy } from './retry-policy.js';
import { sendOnce, type SendResult } from './sender.js';

export interface DispatcherOptions {
  queue: DeliveryQueue;
  endpoints: readonly WebhookEndpoint[];
  logger: Logger;
  /** Deliveries in flight at once (separate from the summary workers). @default 4 */
  concurrency?: number;
  /** One attempt (connect, send, response headers) is abandoned after this long. @default 10000 */
  timeoutMs?: number;
  retry?: DeliveryRetryPolicy;
  /** Safety poll for deliveries whose retry time has come. @default 1000 */
  pollIntervalMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** @default Date.now */
  now?: () => number;
  /** Jitter source. @default Math.random */
  random?: () => number;
  /** @default 'wrapup-webhooks/0.1' */
  userAgent?: string;
  /** Told each attempt's outcome (metrics). */
  onOutcome?: (outcome: 'delivered' | 'retry' | 'failed') => void;
}

export interface Dispatcher {
  start(): void;
  /** Stops claiming and waits up to `deadlineMs` for attempts in flight; those are then aborted and stay `processing` (recovered on the next start). */
  stop(deadlineMs: number): Promise<void>;
  active(): number;
}

interface State {
  readonly options: DispatcherOptions;
  readonly queue: DeliveryQueue;
  readonly endpoints: ReadonlyMap<string, WebhookEndpoint>;
  readonly policy: ResolvedDeliveryRetryPolicy;
  readonly now: () => number;
  readonly abort: AbortController;
}

/** Creates the dispatcher; call start() after queue.recover(). */
export function createDeliveryDispatcher(options: DispatcherOptions): Dispatcher {
  const state: State = {
    options,
    queue: options.queue,
    endpoints: new Map(options.endpoints.map((endpoint) => [endpoint.name, endpoint])),
    policy: resolveDeliveryRetry(options.retry),
    now: options.now ?? Date.now,
    abort: new AbortController(),
  };
  const loop = createClaimLoop<DeliveryRecord>({
    claim: () => state.queue.claim(),
    run: (delivery) => deliver(state, delivery),
    onReady: (listener) => state.queue.onReady(listener),
    onClaimError: (err) => options.logger.error({ err: toAppError(err).message }, 'claiming a delivery failed'),
    concurrency: options.concurrency ?? 4,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
  });
  return {
    start: () => {
      if (!state.abort.signal.aborted) loop.start();
    },
    stop: (deadlineMs) => stop(state, loop, deadlineMs),
    active: () => loop.running().size,
  };
}

/** One attempt and its record; a failure to record leaves the delivery processing (recovered on the next start). */
async function deliver(state: State, delivery: DeliveryRecord): Promise<void> {
  const log = state.options.logger.child({ conversationId: delivery.conversation_id, eventId: delivery.event_id, endpoint: delivery.endpoint });
  try {
    const { attempt, outcome } = await attemptDelivery(state, delivery);
    if (state.abort.signal.aborted && outcome.kind !== 'delivered') return; // shutdown: left for recovery
    await state.queue.settle(delivery.task_id, attempt, outcome);
    state.options.onOutcome?.(outcome.kind);
    if (outcome.kind === 'delivered') log.info({ attempts: delivery.attempts }, 'webhook delivered');
    else if (outcome.kind === 'retry') log.warn({ code: outcome.error.code, status: attempt.status_code, attempt: delivery.attempts, retryAt: new Date(outcome.retryAt).toISOString() }, 'webhook delivery will be retried');
    else log.error({ code: outcome.error.code, status: attempt.status_code, attempts: delivery.attempts }, 'webhook delivery given up');
  } catch (err) {
    // Another replica took this delivery over (this one stalled past its lock): its attempt is that replica's to record.
    if (isSuperseded(err)) return log.warn('delivery claimed again by another replica; this attempt is not recorded');
    log.error({ err: toAppError(err).message }, 'could not record a webhook delivery attempt');
    await settleAfterError(state, delivery, err).catch(() => log.warn('delivery left in flight; it is sent again on the next start'));
  }
}

/** A store error during an attempt: the delivery is put back for a retry (if the store takes even that). */
async function settleAfterError(state: State, delivery: DeliveryRecord, err: unknown): Promise<void> {
  if (state.abort.signal.aborted) return;
  const error = toAppError(err);
  const now = state.now();
  const delay = deliveryRetryDelay(delivery, undefined, state.policy, now, state.options.random) ?? state.policy.maxDelayMs;
  const attempt: DeliveryAttempt = { at: new Date(now).toISOString(), error: error.code, duration_ms: 0 };
  await state.queue.settle(delivery.task_id, attempt, { kind: 'retry', retryAt: now + delay, error: { code: error.code, message: error.message, retryable: true } });
}

async function attemptDelivery(state: State, delivery: DeliveryRecord): Promise<{ attempt: DeliveryAttempt; outcome: DeliveryOutcome }> {
  const endpoint = state.endpoints.get(delivery.endpoint);
  const at = new Date(state.now()).toISOString();
  if (!endpoint) return stopped(at, { code: 'ENDPOINT_NOT_CONFIGURED', message: `endpoint ${delivery.endpoint} is no longer configured` });
  const disabled = await state.queue.endpointDisabled(endpointKey(endpoint));
  if (disabled) return stopped(at, { code: 'ENDPOINT_DISABLED', message: `endpoint ${endpoint.name} is disabled: ${disabled.message}` });
  const { options } = state;
  const { attempt, result } = await sendOnce(endpoint, delivery, {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    now: state.now,
    userAgent: options.userAgent ?? 'wrapup-webhooks/0.1',
    signal: state.abort.signal,
  });
  if (result.kind === 'gone') {
    const reason = { code: 'ENDPOINT_GONE', message: `receiver answered 410 Gone at ${attempt.at}; endpoint disabled` };
    await state.queue.disableEndpoint(endpointKey(endpoint), reason);
    state.options.logger.error({ endpoint: endpoint.name }, 'webhook endpoint answered 410 Gone: disabled until its URL changes');
    return { attempt, outcome: { kind: 'failed', error: reason } };
  }
  return { attempt, outcome: outcomeOf(state, delivery, result) };
}

function stopped(at: string, error: TaskError): { attempt: DeliveryAttempt; outcome: DeliveryOutcome } {
  return { attempt: { at, error: error.code, duration_ms: 0 }, outcome: { kind: 'failed', error } };
}

function outcomeOf(state: State, delivery: DeliveryRecord, result: Exclude<SendResult, { kind: 'gone' }>): DeliveryOutcome {
  if (result.kind === 'delivered') return { kind: 'delivered' };
  const error: TaskError = {
    code: result.code,
    message: result.message,
    retryable: true,
    ...(result.statusCode === undefined ? {} : { details: { status_code: result.statusCode } }),
  };
  const now = state.now();
  const delay = deliveryRetryDelay(delivery, result.retryAfterMs, state.policy, now, state.options.random);
  return delay === undefined ? { kind: 'failed', error } : { kind: 'retry', retryAt: now + delay, error };
}

/** Stops claiming, waits for attempts in flight until the deadline, then aborts those left (they stay processing). */
async function stop(state: State, loop: ClaimLoop, deadlineMs: number): Promise<void> {
  await loop.stop(deadlineMs);
  state.abort.abort();
  await Promise.allSettled([...loop.running()]);
}
