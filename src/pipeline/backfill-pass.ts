// Backfill passes: fill a gap from analytics, ask again once it has settled, retry failed passes, advance the checkpoint.
import type { Logger } from '../logger.js';
import { toAppError } from '../errors.js';
import { backoffDelay, type BackoffBounds } from '../backoff.js';
import type { EndedConversation, EndedQuery } from '../genesys/rest/index.js';
import type { CheckpointStore } from '../store/index.js';
import type { SummaryService } from './summary-service.js';

export const STREAM_CHECKPOINT = 'notifications.healthy_until';

/** The backfill's record: its settings (defaults applied by createBackfill) and the gap bookkeeping. */
export interface BackfillLoop {
  readonly query: (q: EndedQuery) => Promise<EndedConversation[]>;
  readonly service: Pick<SummaryService, 'conversationEnded' | 'getSummary'>;
  readonly checkpoints: CheckpointStore;
  readonly queueIds: string[];
  readonly healthyUntil: () => number | undefined;
  readonly logger: Logger;
  readonly now: () => number;
  readonly maxLookbackMs: number;
  readonly maxConversationMs: number;
  readonly settleMs: number;
  readonly settleRetries: number;
  readonly retryBackoff: BackoffBounds;
  readonly endSlackMs: number;
  /** The stream is watched from (about) then: the first start records it, so a gap before the first healthy tick is filled. */
  readonly createdAt: number;
  /** Bumped by every gap; the start-up gap is number 1. A gap is open while filledVersion lags it. */
  gapVersion: number;
  filledVersion: number;
  /** Settle passes still to come: the checkpoint is held meanwhile. */
  settling: number;
  stopped: boolean;
  /** The pass under way (and any queued behind it, see runPass). */
  running: Promise<void> | undefined;
  /** A pass was asked for while one ran: run one more afterwards. */
  again: boolean;
  /** A failed pass is scheduled to retry with backoff. */
  retryPending: boolean;
  /** Failed passes in a row, for the backoff. */
  failures: number;
  queued: number;
  /** Oldest receipt time of an intake failure no pass has covered yet: the next pass fills from there. */
  heldFrom: number | undefined;
  lastPassAt: string | undefined;
  lastError: string | undefined;
  readonly timers: Set<NodeJS.Timeout>;
  /** Passes, settle passes and checkpoint writes under way; stop() and whenIdle() wait for them. */
  readonly inflight: Set<Promise<unknown>>;
}

/** Counts `p` as in flight until it settles. */
export function track<T>(loop: BackfillLoop, p: Promise<T>): Promise<T> {
  loop.inflight.add(p);
  void p.finally(() => loop.inflight.delete(p)).catch(() => undefined);
  return p;
}

/** Runs `fn` after `ms` unless the backfill stopped meanwhile (the timer never holds the process open). */
function later(loop: BackfillLoop, ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    loop.timers.delete(t);
    if (!loop.stopped) fn();
  }, ms);
  t.unref();
  loop.timers.add(t);
}

/** Logs a failure and keeps it as the state's lastError. */
export function warn(loop: BackfillLoop, err: unknown, msg: string): void {
  const e = toAppError(err);
  loop.lastError = `${e.code}: ${e.message}`;
  loop.logger.warn({ code: e.code, err: e.message }, msg);
}

/** What filling one window needs; shared by the backfill loop and the `wrapup backfill` command. */
export interface WindowFill {
  readonly query: (q: EndedQuery) => Promise<EndedConversation[]>;
  readonly service: Pick<SummaryService, 'conversationEnded' | 'getSummary'>;
  readonly queueIds: string[];
  readonly maxConversationMs: number;
  /** Conversations that ended this long before `fromMs` are still taken (delivery latency, clock skew). */
  readonly endSlackMs: number;
  /** Checked before each conversation: true ends the fill early. */
  readonly stopped?: () => boolean;
  /** After each conversation of the window is handled (queued or skipped). */
  readonly onProgress?: (progress: { done: number; total: number; queued: number }) => void;
}

/**
 * Queues every conversation that ended in [fromMs, toMs] (with the slack) and has no summary yet, through
 * `conversationEnded(id, 'backfill')` (idempotent: a conversation with a task joins it).
 */
export async function fillWindow(w: WindowFill, fromMs: number, toMs: number): Promise<{ found: number; inWindow: number; queued: number }> {
  const found = await w.query({ fromMs: fromMs - w.maxConversationMs, toMs, queueIds: w.queueIds });
  // Ended well before the gap: the stream saw it.
  const inWindow = found.filter((c) => Date.parse(c.conversationEnd) >= fromMs - w.endSlackMs);
  let queued = 0;
  for (const [i, c] of inWindow.entries()) {
    if (w.stopped?.()) break;
    if (!(await w.service.getSummary(c.conversationId))) {
      await w.service.conversationEnded(c.conversationId, 'backfill');
      queued += 1;
    }
    w.onProgress?.({ done: i + 1, total: inWindow.length, queued });
  }
  return { found: found.length, inWindow: inWindow.length, queued };
}

/** Queues every conversation that ended in [fromMs, toMs] (with the slack) and has no summary yet. */
async function fill(loop: BackfillLoop, fromMs: number, toMs: number): Promise<void> {
  const { found, queued } = await fillWindow({ ...loop, stopped: () => loop.stopped }, fromMs, toMs);
  if (loop.stopped) return;
  loop.queued += queued;
  loop.logger.info({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), found, queued }, 'backfill pass done');
}

/** Conversations that ended just before `to` may not be in analytics yet: ask again once it has settled. */
function settleLater(loop: BackfillLoop, fromMs: number, toMs: number, attempt: number): void {
  const delay = attempt === 0 ? loop.settleMs : backoffDelay(attempt, loop.retryBackoff);
  later(loop, delay, () => {
    const settled = fill(loop, fromMs, toMs).then(
      () => {
        loop.settling -= 1;
        return advance(loop);
      },
      (err: unknown) => {
        if (attempt < loop.settleRetries) {
          warn(loop, err, 'settle pass failed; retrying');
          settleLater(loop, fromMs, toMs, attempt + 1);
          return;
        }
        warn(loop, err, 'settle pass failed for good; reopening the gap');
        loop.settling -= 1;
        loop.gapVersion += 1;
        runPass(loop);
      },
    );
    void track(loop, settled).catch((err: unknown) => warn(loop, err, 'checkpoint write failed'));
  });
}

/** Fills from the checkpoint (or the held intake failure) to now, schedules its settle pass, then advances. */
async function pass(loop: BackfillLoop): Promise<void> {
  const version = loop.gapVersion;
  const held = loop.heldFrom;
  const to = loop.now();
  const stored = await loop.checkpoints.get(STREAM_CHECKPOINT);
  if (loop.stopped) return;
  if (stored === undefined) {
    loop.logger.info('no stream checkpoint yet (first start): nothing to backfill; watching from now');
    await loop.checkpoints.set(STREAM_CHECKPOINT, loop.createdAt);
  } else {
    if (stored === 0) loop.logger.warn('stream checkpoint unreadable: backfilling the longest lookback');
    const from = Math.min(Math.max(stored, to - loop.maxLookbackMs), held ?? Number.POSITIVE_INFINITY);
    await fill(loop, from, to);
    if (loop.stopped) return;
    loop.settling += 1;
    settleLater(loop, from, to, 0);
  }
  loop.filledVersion = version;
  if (loop.heldFrom === held) loop.heldFrom = undefined;
  loop.failures = 0;
  loop.lastError = undefined;
  loop.lastPassAt = new Date(loop.now()).toISOString();
  await advance(loop);
}

/** Starts a pass, or queues one behind the pass under way; a failed pass is retried with backoff. */
export function runPass(loop: BackfillLoop): void {
  if (loop.stopped) return;
  if (loop.running) {
    loop.again = true;
    return;
  }
  loop.retryPending = false;
  // Tracked as a whole: a pass queued behind this one starts (and is tracked) before this one counts as done.
  loop.running = track(
    loop,
    pass(loop)
      .catch((err: unknown) => {
        loop.failures += 1;
        warn(loop, err, 'backfill failed; checkpoint held, retrying');
        loop.retryPending = true;
        later(loop, backoffDelay(loop.failures, loop.retryBackoff), () => runPass(loop));
      })
      .finally(() => {
        loop.running = undefined;
        if (loop.again) {
          loop.again = false;
          runPass(loop);
        }
      }),
  );
}

/** Moves the checkpoint to the stream's healthy-until time, unless a gap is open or a settle pass is to come. */
export async function advance(loop: BackfillLoop): Promise<void> {
  const healthy = loop.healthyUntil();
  if (loop.stopped || loop.filledVersion !== loop.gapVersion || loop.settling > 0 || healthy === undefined) return;
  const current = (await loop.checkpoints.get(STREAM_CHECKPOINT)) ?? 0;
  if (!loop.stopped && healthy > current) await loop.checkpoints.set(STREAM_CHECKPOINT, healthy);
}
