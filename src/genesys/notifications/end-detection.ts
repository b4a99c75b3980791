// Decides from a queue-conversation snapshot whether the conversation is over, plus a cheap repeat filter.
import { SNAPSHOT_MEDIA_KEYS, type QueueConversationSnapshot, type SnapshotMedia, type SnapshotParticipant } from './schemas.js';

const ENDED_STATES = new Set(['disconnected', 'terminated']);

export interface EndDetectionOptions {
  /** Also require agents who must wrap up to have done so (ACW finished). @default false */
  waitForWrapup?: boolean;
}

function mediaOf(p: SnapshotParticipant): SnapshotMedia[] {
  return SNAPSHOT_MEDIA_KEYS.flatMap((key) => p[key] ?? []);
}

/** ended: left the conversation; open: still in it; unknown: no endTime and no media (e.g. an acd leg with no session yet). */
function participantStatus(p: SnapshotParticipant): 'ended' | 'open' | 'unknown' {
  if (p.endTime) return 'ended';
  const media = mediaOf(p);
  if (media.length === 0) return 'unknown';
  return media.every((m) => ENDED_STATES.has((m.state ?? '').toLowerCase())) ? 'ended' : 'open';
}

function inAfterCallWork(p: SnapshotParticipant): boolean {
  if (p.endAcwTime || p.wrapup) return false;
  const pendingAcw = mediaOf(p).some((m) => m.afterCallWork && !m.afterCallWork.endTime && m.afterCallWork.state !== 'complete');
  return pendingAcw || (p.wrapupRequired === true && (p.purpose === 'agent' || p.purpose === 'user'));
}

/**
 * True when every participant has left: it has `endTime`, or all its media sessions are disconnected/terminated.
 * Participants with neither endTime nor media don't count either way, but at least one participant must have ended.
 * A transfer leaves agent A disconnected while agent B is connected: B keeps the conversation open.
 * ACW does not keep a conversation open unless `waitForWrapup` is set.
 */
export function isConversationOver(snapshot: QueueConversationSnapshot, options: EndDetectionOptions = {}): boolean {
  const statuses = snapshot.participants.map(participantStatus);
  if (statuses.includes('open') || !statuses.includes('ended')) return false;
  if (options.waitForWrapup && snapshot.participants.some(inAfterCallWork)) return false;
  return true;
}

export interface EndedFilterOptions {
  /** How long an id is remembered. */
  ttlMs: number;
  /** Most ids remembered; the oldest are forgotten first. @default 10000 */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Returns a predicate that is true only the first time an id is offered within `ttlMs` (bounded memory).
 * A cheap guard against snapshot floods; real deduplication is the task queue's idempotency key.
 */
/** True the first time an id is seen within the TTL; `forget` lets a caller that could not act on it see it again. */
export type EndedFilter = ((conversationId: string) => boolean) & { forget(conversationId: string): void };

export function createEndedFilter(options: EndedFilterOptions): EndedFilter {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>();
  const filter = (conversationId: string): boolean => {
    const t = now();
    for (const [id, at] of seen) {
      if (t - at < options.ttlMs) break; // insertion order = age order
      seen.delete(id);
    }
    if (seen.has(conversationId)) return false;
    seen.set(conversationId, t);
    if (seen.size > maxEntries) {
      const oldest = seen.keys().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    return true;
  };
  return Object.assign(filter, { forget: (conversationId: string) => void seen.delete(conversationId) });
}
