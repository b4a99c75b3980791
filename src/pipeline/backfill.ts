// Backfill: Genesys never replays notifications missed while a socket is down (genesys-api.md §2.8), so a durable
// checkpoint records until when the stream was known healthy, and every gap (reconnect, rotation, restart) is
// filled from the analytics API. The checkpoint never moves past a gap that has not been filled.
import type { Logger } from '../logger.js';
import { toAppError } from '../errors.js';
import type { EndedConversation, EndedQuery } from '../genesys/analytics.js';
import type { CheckpointStore } from '../store/checkpoint-store.js';
import type { SummaryService } from './summary-service.js';
import { backoffDelay } from './worker.js';

export const STREAM_CHECKPOINT = 'notifications.healthy_until';

export interface BackfillOptions {
  query: (q: EndedQuery) => Promise<EndedConversation[]>;
  service: Pick<SummaryService, 'conversationEnded' | 'getSummary'>;
  checkpoints: CheckpointStore;
  queueIds: string[];
  /** Epoch ms until which every channel is known to have been healthy (its last frame), or undefined if one is down. */
  healthyUntil: () => number | undefined;
  logger: Logger;
  /** Never reach back further than this at start-up. @default 24 h */
  maxLookbackMs?: number;
  /** The longest conversation we expect: the query interval reaches back this far, since it selects by start. @default 8 h */
  maxConversationMs?: number;
  /** Analytics lags live data: every gap is queried again this long after it was filled. @default 120000 */
  settleMs?: number;
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

export interface Backfill {
  /** Fills the gap since the stored checkpoint (bounded by maxLookbackMs) and starts advancing the checkpoint. */
  start(): Promise<void>;
  /** A socket came back: fill from the checkpoint to now. */
  onGap(reason: string): void;
  stop(): void;
  /** Conversations queued by backfill so far. */
  queued(): number;
}

/** Creates the backfill loop; see the module header for the checkpoint rule. */
export function createBackfill(options: BackfillOptions): Backfill {
  const { logger, checkpoints } = options;
  const now = options.now ?? Date.now;
  const maxLookbackMs = options.maxLookbackMs ?? 24 * 3600_000;
  const maxConversationMs = options.maxConversationMs ?? 8 * 3600_000;
  const settleMs = options.settleMs ?? 120_000;
  const endSlackMs = options.endSlackMs ?? 60_000;
  // The stream is watched from (about) now: the first start records this, so a gap before the first healthy tick is filled.
  const createdAt = now();
  // A gap is open while the newest gap has not been filled; the start-up gap is number 1.
  let gapVersion = 1;
  let filledVersion = 0;
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let queued = 0;
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
  };

  async function fill(fromMs: number, toMs: number): Promise<void> {
    const found = await options.query({ fromMs: fromMs - maxConversationMs, toMs, queueIds: options.queueIds });
    let added = 0;
    for (const c of found) {
      if (Date.parse(c.conversationEnd) < fromMs - endSlackMs) continue; // ended well before the gap: the stream saw it
      if (await options.service.getSummary(c.conversationId)) continue;
      await options.service.conversationEnded(c.conversationId, 'backfill');
      added += 1;
    }
    queued += added;
    logger.info({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), found: found.length, queued: added }, 'backfill pass done');
  }

  async function pass(): Promise<void> {
    const version = gapVersion;
    const to = now();
    const stored = await checkpoints.get(STREAM_CHECKPOINT);
    if (stored === undefined) {
      logger.info('no stream checkpoint yet (first start): nothing to backfill; watching from now');
      await checkpoints.set(STREAM_CHECKPOINT, createdAt);
    } else {
      await fill(Math.max(stored, to - maxLookbackMs), to);
      // Conversations that ended just before `to` may not be in analytics yet: ask again once it has settled.
      later(settleMs, () => void fill(Math.max(stored, to - maxLookbackMs), to).catch((err: unknown) => warn(err, 'settle pass failed')));
    }
    filledVersion = version;
    failures = 0;
    await advance();
  }

  const warn = (err: unknown, msg: string): void => logger.warn({ code: toAppError(err).code, err: toAppError(err).message }, msg);

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .catch((err: unknown) => {
        failures += 1;
        const delay = backoffDelay(failures, 5000, 300_000);
        warn(err, 'backfill failed; checkpoint held, retrying');
        later(delay, run);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  }

  async function advance(): Promise<void> {
    const healthy = options.healthyUntil();
    if (filledVersion !== gapVersion || healthy === undefined) return;
    const current = (await checkpoints.get(STREAM_CHECKPOINT)) ?? 0;
    if (healthy > current) await checkpoints.set(STREAM_CHECKPOINT, healthy);
  }

  let ticker: NodeJS.Timeout | undefined;
  return {
    async start() {
      ticker = setInterval(() => void advance().catch((err: unknown) => warn(err, 'checkpoint write failed')), options.checkpointEveryMs ?? 15_000);
      ticker.unref();
      run();
      await running;
    },
    onGap(reason) {
      logger.info({ reason }, 'notification gap: backfilling');
      gapVersion += 1;
      run();
    },
    stop() {
      stopped = true;
      if (ticker) clearInterval(ticker);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    queued: () => queued,
  };
}
