// Backfill: Genesys never replays notifications missed while a socket is down (genesys-api.md §2.8), so a durable
// checkpoint records until when the stream was known healthy, and every gap (reconnect, rotation, restart, a
// conversation the intake could not record) is filled from the analytics API. The checkpoint never moves past a gap
// that has not been filled, nor while a gap's settle pass (analytics lags live data) is still to come.
// Here: the options, the face and the loop's record; the passes themselves are in backfill-pass.ts.
import type { Logger } from '../logger.js';
import type { BackoffBounds } from '../backoff.js';
import { within } from '../deadline.js';
import type { EndedConversation, EndedQuery } from '../genesys/rest/index.js';
import type { CheckpointStore } from '../store/index.js';
import { advance, runPass, track, warn, type BackfillLoop } from './backfill-pass.js';
import type { SummaryService } from './summary-service.js';

export { STREAM_CHECKPOINT } from './backfill-pass.js';

export interface BackfillOptions {
  query: (q: EndedQuery) => Promise<EndedConversation[]>;
  service: Pick<SummaryService, 'conversationEnded' | 'getSummary'>;
  checkpoints: CheckpointStore;
  queueIds: string[];
  /** Epoch ms until which every channel is known to have been healthy (its last frame), or undefined if one is down. */
  healthyUntil: () => number | undefined;
  logger: Logger;
  /** Never reach back further than this (also the reach-back when the checkpoint is unreadable). @default 24 h */
  maxLookbackMs?: number;
  /** The longest conversation we expect: the query interval reaches back this far, since it selects by start. @default 8 h */
  maxConversationMs?: number;
  /** Analytics lags live data: every gap is queried again this long after it was filled. @default 120000 */
  settleMs?: number;
  /** Tries of a failed settle pass after the first; then the gap is reopened and filled again. @default 3 */
  settleRetries?: number;
  /** Backoff of failed passes (retried until they succeed; the checkpoint is held meanwhile). @default 5 s … 5 min */
  retryBackoff?: BackoffBounds;
  /** How often the checkpoint advances while healthy. @default 15000 */
  checkpointEveryMs?: number;
  /**
   * A conversation's `conversationEnd` (Genesys clock) precedes the notification that would have told us (our
   * clock) by the delivery latency plus clock skew: conversations that ended this long before a gap are still
   * queued (idempotently). @default 60000
   */
  endSlackMs?: number;
  now?: () => number;
}

/** What /readyz may show. */
export interface BackfillState {
  /** A gap (or the start-up gap) is not filled yet: the checkpoint is held. */
  gapOpen: boolean;
  /** ISO time of the last successful pass. */
  lastPassAt?: string;
  /** Message of the last failed pass or settle pass, cleared by the next success. */
  lastError?: string;
  queued: number;
}

export interface Backfill {
  /** Starts advancing the checkpoint and schedules the start-up pass (the gap since the stored checkpoint) in the background. */
  start(): void;
  /** A socket came back: fill from the checkpoint to now. */
  onGap(reason: string): void;
  /**
   * The intake could not record an ended conversation whose snapshot arrived at `receivedAt`: hold the checkpoint and
   * fill the gap from min(checkpoint, receivedAt) (after any pending retry), even if the checkpoint already moved past it.
   */
  onIntakeFailure(conversationId: string, receivedAt?: number): void;
  /** Stops the timers and waits (at most `deadlineMs`) for a running pass, which writes nothing more. @default 5000 */
  stop(deadlineMs?: number): Promise<void>;
  /** Resolves when no pass (or settle pass) is running and none is queued behind it. */
  whenIdle(): Promise<void>;
  state(): BackfillState;
  /** Conversations queued by backfill so far. */
  queued(): number;
}

/**
 * The stream is healthy up to the oldest last-frame time across channels, and never past the receipt time of an
 * ended conversation still being recorded (`oldestInFlight`); unknown while any channel is not open.
 */
export function streamHealthyUntil(
  channels: Array<{ state: string; lastMessageAt?: number | undefined }>,
  oldestInFlight?: number | undefined,
): number | undefined {
  if (channels.length === 0 || channels.some((c) => c.state !== 'open' || c.lastMessageAt === undefined)) return undefined;
  return Math.min(...channels.map((c) => c.lastMessageAt!), oldestInFlight ?? Number.POSITIVE_INFINITY);
}

/** Creates the backfill loop; see the module header for the checkpoint rule. */
export function createBackfill(options: BackfillOptions): Backfill {
  const loop = newLoop(options);
  let ticker: NodeJS.Timeout | undefined;
  return {
    start() {
      if (ticker || loop.stopped) return;
      ticker = setInterval(() => void track(loop, advance(loop)).catch((err: unknown) => warn(loop, err, 'checkpoint write failed')), options.checkpointEveryMs ?? 15_000);
      ticker.unref();
      runPass(loop);
    },
    onGap(reason) {
      loop.logger.info({ reason }, 'notification gap: backfilling');
      loop.gapVersion += 1;
      runPass(loop);
    },
    onIntakeFailure: (conversationId, receivedAt) => onIntakeFailure(loop, conversationId, receivedAt),
    async stop(deadlineMs = 5000) {
      loop.stopped = true;
      if (ticker) clearInterval(ticker);
      for (const t of loop.timers) clearTimeout(t);
      loop.timers.clear();
      await within(deadlineMs, Promise.allSettled([...loop.inflight]));
    },
    async whenIdle() {
      while (loop.inflight.size > 0) await Promise.allSettled([...loop.inflight]);
    },
    state: () => ({
      gapOpen: loop.filledVersion !== loop.gapVersion,
      ...(loop.lastPassAt === undefined ? {} : { lastPassAt: loop.lastPassAt }),
      ...(loop.lastError === undefined ? {} : { lastError: loop.lastError }),
      queued: loop.queued,
    }),
    queued: () => loop.queued,
  };
}

function newLoop(options: BackfillOptions): BackfillLoop {
  const now = options.now ?? Date.now;
  return {
    query: options.query,
    service: options.service,
    checkpoints: options.checkpoints,
    queueIds: options.queueIds,
    healthyUntil: options.healthyUntil,
    logger: options.logger,
    now,
    maxLookbackMs: options.maxLookbackMs ?? 24 * 3600_000,
    maxConversationMs: options.maxConversationMs ?? 8 * 3600_000,
    settleMs: options.settleMs ?? 120_000,
    settleRetries: options.settleRetries ?? 3,
    retryBackoff: options.retryBackoff ?? { baseDelayMs: 5000, maxDelayMs: 300_000 },
    endSlackMs: options.endSlackMs ?? 60_000,
    createdAt: now(),
    gapVersion: 1,
    filledVersion: 0,
    settling: 0,
    stopped: false,
    running: undefined,
    again: false,
    retryPending: false,
    failures: 0,
    queued: 0,
    heldFrom: undefined,
    lastPassAt: undefined,
    lastError: undefined,
    timers: new Set(),
    inflight: new Set(),
  };
}

/** Holds the checkpoint from the failed conversation's receipt time and fills the gap again. */
function onIntakeFailure(loop: BackfillLoop, conversationId: string, receivedAt: number | undefined): void {
  loop.logger.warn({ conversationId }, 'intake could not record a conversation: checkpoint held for backfill');
  if (receivedAt !== undefined) loop.heldFrom = Math.min(loop.heldFrom ?? receivedAt, receivedAt);
  loop.gapVersion += 1;
  // A failing pass is already scheduled to retry with backoff: do not hammer a store that is down.
  if (!loop.retryPending) runPass(loop);
}
