// The delivery queue's own operations, each run under the queue's lock: enqueue (once per event and endpoint), claim,
// settle an attempt, and read the listed records. Recovery and counts are the task queue's (task-operations.ts).
import { DELIVERY_LOG_LIMIT, type DeliveryAttempt, type DeliveryRecord } from '../domain.js';
import type { DeliveryOutcome, DeliveryRequest } from '../ports.js';
import type { DeliveryLists } from './delivery-queue.js';
import { locked, type QueueCore } from './task-lock.js';
import { findByKey } from './task-operations.js';

type Core = QueueCore<DeliveryRecord>;

/** A new pending delivery, or the existing one for this event and endpoint. */
export async function enqueue(core: Core, lists: DeliveryLists, request: DeliveryRequest): Promise<{ delivery: DeliveryRecord; created: boolean }> {
  const key = `${request.eventId}:${request.endpoint}`;
  const result = await locked(core, async () => {
    const existing = await findByKey(core, key);
    if (existing) return { delivery: existing, created: false };
    const delivery = newDelivery(core, key, request);
    // Lists first: a crash before the record leaves a listed id without a record (skipped on read), never a record
    // that the log cannot find.
    await lists.append(`event:${request.eventId}`, delivery.task_id);
    await lists.append(`conversation:${request.conversationId}`, delivery.task_id);
    await core.transitions.open(delivery);
    return { delivery, created: true };
  });
  if (result.created) core.wake.now();
  return result;
}

/** A new pending delivery record for the request under its idempotency key. */
export function newDelivery(core: Pick<Core, 'now' | 'newId'>, key: string, request: DeliveryRequest): DeliveryRecord {
  const at = new Date(core.now()).toISOString();
  return {
    schema_version: 1,
    task_id: core.newId(),
    idempotency_key: key,
    event_id: request.eventId,
    event_type: request.eventType,
    conversation_id: request.conversationId,
    endpoint: request.endpoint,
    status: 'pending',
    payload: request.payload,
    attempts: 0,
    attempt_log: [],
    created_at: at,
    updated_at: at,
  };
}

/** The pending delivery due soonest, now processing with one more attempt. */
export async function claim(core: Core): Promise<DeliveryRecord | undefined> {
  const { index, now } = core;
  return locked(core, async () => {
    for (let entry = index.nextClaimable(now()); entry; entry = index.nextClaimable(now())) {
      const delivery = await core.repo.read(entry.taskId);
      if (delivery?.status === 'pending' && (delivery.not_before ?? 0) <= now()) {
        return core.transitions.save(delivery, { status: 'processing', attempts: delivery.attempts + 1 });
      }
      await core.transitions.resync(entry, delivery);
    }
    return undefined;
  });
}

/** Logs the attempt and applies its outcome: delivered, pending again from `retryAt`, or failed for good. */
export async function settle(core: Core, id: string, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Promise<DeliveryRecord> {
  const updated = await locked(core, async () => {
    const delivery = await core.transitions.mustRead(id);
    return core.transitions.save(delivery, settlePatch(delivery, attempt, outcome));
  });
  if (outcome.kind === 'retry') core.wake.at(outcome.retryAt);
  return updated;
}

/** What an attempt's outcome changes in its delivery (every queue of deliveries applies the same). */
export function settlePatch(delivery: DeliveryRecord, attempt: DeliveryAttempt, outcome: DeliveryOutcome): Partial<DeliveryRecord> {
  const attempt_log = [...delivery.attempt_log, attempt].slice(-DELIVERY_LOG_LIMIT);
  switch (outcome.kind) {
    case 'delivered':
      return { status: 'completed', attempt_log, delivered_at: attempt.at, error: undefined, not_before: undefined };
    case 'retry':
      return { status: 'pending', attempt_log, error: outcome.error, not_before: outcome.retryAt };
    case 'failed':
      return { status: 'failed', attempt_log, error: outcome.error, not_before: undefined };
  }
}

/** The records of listed ids that still exist, oldest first. */
export async function listed(repo: Pick<Core['repo'], 'readMany'>, ids: readonly string[]): Promise<DeliveryRecord[]> {
  const records = await repo.readMany(ids);
  return records.filter((record): record is DeliveryRecord => record !== undefined).sort((a, b) => a.created_at.localeCompare(b.created_at));
}
