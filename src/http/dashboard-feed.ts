// The dashboard's feed: the latest landed summaries and failures (kept in memory, newest last) and the bounded set
// of open event streams they are pushed to. Carries no transcript text: headline, scores, codes and ids only.
import type { SummaryRecord, TaskRecord } from '../domain.js';

/** A stored summary as the live list shows it. */
export interface LandedSummary {
  conversation_id: string;
  headline: string;
  resolution: string;
  quality_score: number;
  latency_ms: number;
  /** Conversation end → stored, when the end time was known. */
  end_to_stored_ms?: number | undefined;
  model: string;
  media_type: string;
  fallback?: string | undefined;
  created_at: string;
}

/** A task that failed for good or was skipped, with its reason (the error code and message, never content). */
export interface FailedTask {
  conversation_id: string;
  task_id: string;
  status: string;
  code: string;
  message: string;
  at: string;
}

export type FeedEvent = { type: 'summary'; data: LandedSummary } | { type: 'failure'; data: FailedTask };

export interface DashboardFeed {
  /** A summary was stored (`endedAt`: the conversation's end, ISO, when known). */
  summaryLanded(record: SummaryRecord, endedAt?: string | null): void;
  /** A task settled as failed or skipped (other statuses are ignored). */
  taskSettled(task: TaskRecord): void;
  /** What the page shows before live events arrive. */
  recent(): { summaries: LandedSummary[]; failures: FailedTask[] };
  /**
   * Opens a stream: `send` gets every later event, `end` is called when the feed closes. Returns the unsubscribe
   * function, or undefined when `maxStreams` are open already (or the feed is closed).
   */
  subscribe(send: (event: FeedEvent) => void, end: () => void): (() => void) | undefined;
  /** Open streams now. */
  streams(): number;
  /** Ends every open stream and refuses new ones (shutdown). */
  close(): void;
}

export interface DashboardFeedOptions {
  /** Open event streams at once; more are refused (429). @default 16 */
  maxStreams?: number;
  /** Landed summaries and failures kept for a page that opens later. @default 200 */
  keep?: number;
}

interface Stream {
  send(event: FeedEvent): void;
  end(): void;
}

/** Creates the feed (in memory: after a restart the page starts empty and fills as summaries land). */
export function createDashboardFeed(options: DashboardFeedOptions = {}): DashboardFeed {
  const maxStreams = options.maxStreams ?? 16;
  const keep = options.keep ?? 200;
  const summaries: LandedSummary[] = [];
  const failures: FailedTask[] = [];
  const streams = new Set<Stream>();
  let closed = false;

  const publish = (event: FeedEvent): void => {
    const list: unknown[] = event.type === 'summary' ? summaries : failures;
    list.push(event.data);
    if (list.length > keep) list.shift();
    // A stream whose send throws (its socket went away) must not stop the others.
    for (const stream of streams) {
      try {
        stream.send(event);
      } catch {
        streams.delete(stream);
      }
    }
  };

  return {
    summaryLanded: (record, endedAt) => publish({ type: 'summary', data: landed(record, endedAt) }),
    taskSettled(task) {
      if (task.status !== 'failed' && task.status !== 'skipped') return;
      const error = task.error ?? { code: 'UNKNOWN', message: '' };
      publish({
        type: 'failure',
        data: { conversation_id: task.conversation_id, task_id: task.task_id, status: task.status, code: error.code, message: error.message.slice(0, 300), at: task.updated_at },
      });
    },
    recent: () => ({ summaries: [...summaries], failures: [...failures] }),
    subscribe(send, end) {
      if (closed || streams.size >= maxStreams) return undefined;
      const stream: Stream = { send, end };
      streams.add(stream);
      return () => void streams.delete(stream);
    },
    streams: () => streams.size,
    close() {
      closed = true;
      const open = [...streams];
      streams.clear();
      for (const stream of open) stream.end();
    },
  };
}

function landed(record: SummaryRecord, endedAt: string | null | undefined): LandedSummary {
  const ended = endedAt ? Date.parse(endedAt) : Number.NaN;
  const stored = Date.parse(record.created_at);
  return {
    conversation_id: record.conversation_id,
    headline: record.headline,
    resolution: record.resolution.status,
    quality_score: record.quality_score,
    latency_ms: record.latency_ms,
    ...(Number.isFinite(ended) && stored >= ended ? { end_to_stored_ms: stored - ended } : {}),
    model: record.model,
    media_type: record.media_type,
    ...(record.fallback ? { fallback: record.fallback } : {}),
    created_at: record.created_at,
  };
}
