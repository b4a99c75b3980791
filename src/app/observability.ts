// Observability in the composition root: the one Metrics value every module gets (prom-client, plus the dashboard
// feed for stored summaries), the scrape-time gauges' sources, and what the dashboard asks of the running service.
import type { Metrics } from '../ports.js';
import type { TaskRecord } from '../domain.js';
import type { Worker, SummaryService } from '../pipeline/index.js';
import type { EmbeddedTaskQueue } from '../store/index.js';
import { createDashboardFeed, type DashboardDeps, type DashboardFeed } from '../http/index.js';
import { createPromMetrics, type PromMetrics } from '../metrics/index.js';
import { redactTurns } from '../summarize/index.js';
import type { Core, Intake } from './types.js';

export interface Observability {
  /** The Prometheus side (GET /metrics); `observe()` adds the gauges' sources. */
  readonly prom: PromMetrics;
  /** What modules report to: prom, and stored summaries to the dashboard feed too. */
  readonly metrics: Metrics;
  readonly feed: DashboardFeed;
}

/** How long the dashboard's transcript lookup may take before it answers without the transcript. */
const TRANSCRIPT_LOOKUP_MS = 15_000;

/** The metrics value and the dashboard feed, before anything that reports to them is built. */
export function createObservability(labels?: Record<string, string>): Observability {
  const prom = createPromMetrics({ labels });
  const feed = createDashboardFeed();
  const metrics: Metrics = {
    ...prom,
    summaryStored(record, stages, endedAt) {
      prom.summaryStored(record, stages, endedAt);
      feed.summaryLanded(record, endedAt);
    },
  };
  prom.observe({ dashboardStreams: () => feed.streams() });
  return { prom, metrics, feed };
}

/** Task counts, running tasks and the feed's failures, once the queue and the worker exist. */
export function observeCore(obs: Observability, queue: EmbeddedTaskQueue, worker: Worker): void {
  obs.prom.observe({ taskCounts: () => queue.counts(), activeTasks: () => worker.active() });
  worker.events.on('settled', (task: TaskRecord) => obs.feed.taskSettled(task));
}

/** The backfill's view of the service, counting each conversation it hands over as an event. */
export function countingBackfillService(service: SummaryService, metrics: Metrics): Pick<SummaryService, 'conversationEnded' | 'getSummary'> {
  return {
    conversationEnded: (conversationId, source, client) => {
      metrics.eventReceived('backfill', 'analytics', true);
      return service.conversationEnded(conversationId, source, client);
    },
    getSummary: (conversationId, maxLength) => service.getSummary(conversationId, maxLength),
  };
}

/** The dashboard's window on the service: state words and counts, and the redacted transcript on demand. */
export function dashboardDeps(core: Core, intake: () => Intake | undefined): DashboardDeps {
  return {
    feed: core.obs.feed,
    state: async () => {
      const current = intake()?.channels();
      return {
        model: core.engine.model,
        tasks: await core.queue.counts(),
        worker_active: core.worker.active(),
        queues: current?.queues ?? 0,
        // Slot index, never the channel id: a channel's socket address needs no credentials.
        channels: (current?.subscriber.state() ?? []).map((c, slot) => ({
          slot,
          state: c.state,
          topics: c.topics,
          rejected_topics: c.rejectedTopics,
          ...(c.lastMessageAt !== undefined ? { last_message_at: new Date(c.lastMessageAt).toISOString() } : {}),
        })),
        backfill: current ? { gap_open: current.backfill.state().gapOpen, queued: current.backfill.state().queued } : null,
      };
    },
    redactedTranscript: async (conversationId) => {
      const signal = AbortSignal.timeout(TRANSCRIPT_LOOKUP_MS);
      const info = await core.source.getConversation(conversationId);
      const transcript = await core.source.getTranscript(info, signal);
      // The same redaction, with the same allow list, as the engine applies before the model sees anything.
      const { turns, counts } = redactTurns(transcript.turns, { allow: core.piiAllow });
      return { media_type: transcript.mediaType, turns: turns.map(({ speaker, text, at }) => ({ speaker, text, at })), redactions: { ...counts } };
    },
  };
}
