// Backfill: Genesys never replays notifications missed while a socket is down (genesys-api.md §2.8), so a durable
// checkpoint records until when the stream was known healthy, and every gap (reconnect, rotation, restart, a
// conversation the intake could not record) is filled from the analytics API. The checkpoint never moves past a gap
// that has not been filled, nor while a gap's settle pass (analytics lags live data) is still to come.
import type { Logger } from '../logger.js';
import { toAppError } from '../errors.js';
import { backoffDelay, type BackoffBounds } from '../backoff.js';
import { within } from '../deadline.js';
import type { EndedConversation, EndedQuery } from '../genesys/rest/index.js';
import type { CheckpointStore } from '../store/index.js';
import type { SummaryService } from './summary-service.js';

export const STREAM_CHECKPOINT = 'notifications.healthy_until';

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
  const { logger, checkpoints } = options;
  const now = options.now ?? Date.now;
  const maxLookbackMs = options.maxLookbackMs ?? 24 * 3600_000;
  const maxConversationMs = options.maxConversationMs ?? 8 * 3600_000;
  const settleMs = options.settleMs ?? 120_000;
  const settleRetries = options.settleRetries ?? 3;
  const retryBackoff = options.retryBackoff ?? { baseDelayMs: 5000, maxDelayMs: 300_000 };
  const endSlackMs = options.endSlackMs ?? 60_000;
  // The stream is watched from (about) now: the first start records this, so a gap before the first healthy tick is filled.
  const createdAt = now();
  // A gap is open while the newest gap has not been filled; the start-up gap is number 1.
  let gapVersion = 1;
  let filledVersion = 0;
  let settling = 0;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let retryPending = false;
  let failures = 0;
  let queued = 0;
  /** Oldest receipt time of an intake failure no pass has covered yet: the next pass fills from there. */
  let heldFrom: number | undefined;
  let lastPassAt: string | undefined;
  let lastError: string | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<unknown>>();

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
  };
  const warn = (err: unknown, msg: string): void => {
    const e = toAppError(err);
    lastError = `${e.code}: ${e.message}`;
    logger.warn({ code: e.code, err: e.message }, msg);
  };

  async function fill(fromMs: number, toMs: number): Promise<void> {
    const found = await options.query({ fromMs: fromMs - maxConversationMs, toMs, queueIds: options.queueIds });
    let added = 0;
    for (const c of found) {
      if (stopped) return;
      if (Date.parse(c.conversationEnd) < fromMs - endSlackMs) continue; // ended well before the gap: the stream saw it
      if (await options.service.getSummary(c.conversationId)) continue;
      await options.service.conversationEnded(c.conversationId, 'backfill');
      added += 1;
    }
    queued += added;
    logger.info({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), found: found.length, queued: added }, 'backfill pass done');
  }

  /** Conversations that ended just before `to` may not be in analytics yet: ask again once it has settled. */
  function settleLater(fromMs: number, toMs: number, attempt: number): void {
    const delay = attempt === 0 ? settleMs : backoffDelay(attempt, retryBackoff);
    later(delay, () => {
      const settled = fill(fromMs, toMs).then(
        () => {
          settling -= 1;
          return advance();
        },
        (err: unknown) => {
          if (attempt < settleRetries) {
            warn(err, 'settle pass failed; retrying');
            settleLater(fromMs, toMs, attempt + 1);
            return;
          }
          warn(err, 'settle pass failed for good; reopening the gap');
          settling -= 1;
          gapVersion += 1;
          run();
        },
      );
      void track(settled).catch((err: unknown) => warn(err, 'checkpoint write failed'));
    });
  }

  async function pass(): Promise<void> {
    const version = gapVersion;
    const held = heldFrom;
    const to = now();
    const stored = await checkpoints.get(STREAM_CHECKPOINT);
    if (stopped) return;
    if (stored === undefined) {
      logger.info('no stream checkpoint yet (first start): nothing to backfill; watching from now');
      await checkpoints.set(STREAM_CHECKPOINT, createdAt);
    } else {
      if (stored === 0) logger.warn('stream checkpoint unreadable: backfilling the longest lookback');
      const from = Math.min(Math.max(stored, to - maxLookbackMs), held ?? Number.POSITIVE_INFINITY);
      await fill(from, to);
      if (stopped) return;
      settling += 1;
      settleLater(from, to, 0);
    }
    filledVersion = version;
    if (heldFrom === held) heldFrom = undefined;
    failures = 0;
    lastError = undefined;
    lastPassAt = new Date(now()).toISOString();
    await advance();
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    retryPending = false;
    // Tracked as a whole: a pass queued behind this one starts (and is tracked) before this one counts as done.
    running = track(
      pass()
        .catch((err: unknown) => {
          failures += 1;
          warn(err, 'backfill failed; checkpoint held, retrying');
          retryPending = true;
          later(backoffDelay(failures, retryBackoff), run);
        })
        .finally(() => {
          running = undefined;
          if (again) {
            again = false;
            run();
          }
        }),
    );
  }

  async function advance(): Promise<void> {
    const healthy = options.healthyUntil();
    if (stopped || filledVersion !== gapVersion || settling > 0 || healthy === undefined) return;
    const current = (await checkpoints.get(STREAM_CHECKPOINT)) ?? 0;
    if (!stopped && healthy > current) await checkpoints.set(STREAM_CHECKPOINT, healthy);
  }

  let ticker: NodeJS.Timeout | undefined;
  return {
    start() {
      if (ticker || stopped) return;
      ticker = setInterval(() => void track(advance()).catch((err: unknown) => warn(err, 'checkpoint write failed')), options.checkpointEveryMs ?? 15_000);
      ticker.unref();
      run();
    },
    onGap(reason) {
      logger.info({ reason }, 'notification gap: backfilling');
      gapVersion += 1;
      run();
    },
    onIntakeFailure(conversationId, receivedAt) {
      logger.warn({ conversationId }, 'intake could not record a conversation: checkpoint held for backfill');
      if (receivedAt !== undefined) heldFrom = Math.min(heldFrom ?? receivedAt, receivedAt);
      gapVersion += 1;
      // A failing pass is already scheduled to retry with backoff: do not hammer a store that is down.
      if (!retryPending) run();
    },
    async stop(deadlineMs = 5000) {
      stopped = true;
      if (ticker) clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await within(deadlineMs, Promise.allSettled([...inflight]));
    },
    async whenIdle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    state: () => ({
      gapOpen: filledVersion !== gapVersion,
      ...(lastPassAt === undefined ? {} : { lastPassAt }),
      ...(lastError === undefined ? {} : { lastError }),
      queued,
    }),
    queued: () => queued,
  };
}
