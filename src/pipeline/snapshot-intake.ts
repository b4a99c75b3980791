// Snapshot intake: queue-conversation snapshots from the notification socket → "this conversation is over" → one task.
import type { Logger } from '../logger.js';
import { toAppError, type AppError } from '../errors.js';
import { createEndedFilter, isConversationOver } from '../genesys/notifications/index.js';
import type { QueueConversationSnapshot } from '../genesys/notifications/index.js';
import type { SummaryService } from './summary-service.js';

export interface SnapshotIntakeDeps {
  service: Pick<SummaryService, 'conversationEnded'>;
  logger: Logger;
  /** How long an ended conversation id is remembered to absorb repeated snapshots. @default 600000 */
  rememberMs?: number;
  /**
   * Called when an ended conversation could not be recorded (e.g. the store is down), so the stream checkpoint is
   * held and backfill finds it later (wired to backfill.onIntakeFailure). `receivedAt` is when its snapshot arrived:
   * the gap to fill starts there. Must not throw.
   */
  onFailure?: (conversationId: string, error: AppError, receivedAt: number) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Repeated and duplicate snapshots are absorbed twice over: an in-memory filter drops repeats cheaply, and the
 * task queue's idempotency key guarantees one task per conversation even across restarts.
 */
export function createSnapshotIntake(deps: SnapshotIntakeDeps) {
  const filter = createEndedFilter({ ttlMs: deps.rememberMs ?? 600_000 });
  const now = deps.now ?? Date.now;
  /** Receipt times of ended conversations being recorded right now, by a per-call token. */
  const inFlight = new Map<number, number>();
  let nextToken = 0;
  let accepted = 0;

  async function onSnapshot(snapshot: QueueConversationSnapshot): Promise<void> {
    const receivedAt = now();
    if (!isConversationOver(snapshot) || !filter(snapshot.id)) return;
    const token = nextToken++;
    inFlight.set(token, receivedAt);
    try {
      await deps.service.conversationEnded(snapshot.id, 'socket');
      accepted += 1;
    } catch (err) {
      // Not recorded: let the next snapshot of this conversation try again (backfill covers a lasting outage).
      filter.forget(snapshot.id);
      const error = toAppError(err);
      deps.logger.error({ conversationId: snapshot.id, code: error.code, err: error.message }, 'could not queue ended conversation');
      deps.onFailure?.(snapshot.id, error, receivedAt);
    } finally {
      inFlight.delete(token);
    }
  }

  /**
   * Receipt time of the oldest ended conversation still being recorded, or undefined: the stream checkpoint must not
   * pass it, since a failure of that write would otherwise fall behind the checkpoint, out of backfill's reach.
   */
  function oldestInFlight(): number | undefined {
    let oldest: number | undefined;
    for (const at of inFlight.values()) if (oldest === undefined || at < oldest) oldest = at;
    return oldest;
  }

  return { onSnapshot, accepted: () => accepted, oldestInFlight };
}
