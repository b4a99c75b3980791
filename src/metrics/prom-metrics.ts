// The prom-client adapter of the Metrics port: one registry per instance (never the global one), the counters and
// histograms the modules feed, and the gauges read at scrape time from the running service (gauges.ts).
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Metrics, TaskOutcome } from '../ports.js';
import type { SummaryRecord } from '../domain.js';
import { registerGauges, type GaugeSources } from './gauges.js';
import { stageName, statusLabel, topicPattern } from './labels.js';

export interface PromMetrics extends Metrics {
  /** The Prometheus text exposition of every metric (async: the scrape-time gauges ask the store). */
  render(): Promise<string>;
  readonly contentType: string;
  /** Supplies the scrape-time gauges (task states, channels, …); later calls replace earlier sources. */
  observe(sources: GaugeSources): void;
}

export interface PromMetricsOptions {
  /** Also export the process and Node.js runtime metrics (process_*, nodejs_*). @default true */
  defaultMetrics?: boolean;
  /** Labels every series carries, e.g. `{ replica }` when several replicas report to one Prometheus. */
  labels?: Record<string, string>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Conversation end → summary stored: seconds to an hour (STA voice transcripts take minutes). */
const END_TO_STORED = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];
const QUALITY = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1];

/** Builds the instruments; nothing is global, so two services (or tests) in one process do not share counts. */
function instruments(registry: Registry) {
  const registers = [registry];
  return {
    events: new Counter({ name: 'wrapup_events_total', help: 'Events about conversations received, by source and topic pattern; ended="true" when the event says the conversation is over', labelNames: ['source', 'topic', 'ended'] as const, registers }),
    tasks: new Counter({ name: 'wrapup_tasks_total', help: 'Task runs recorded, by outcome (completed, failed, skipped, retry) and reason (error code)', labelNames: ['outcome', 'reason'] as const, registers }),
    summaries: new Counter({ name: 'wrapup_summaries_total', help: 'Summaries stored, by model, media type and fallback (none, extractive)', labelNames: ['model', 'media_type', 'fallback'] as const, registers }),
    stages: new Histogram({ name: 'wrapup_stage_duration_seconds', help: 'Duration of each step of a stored summary (fetch_conversation, fetch_transcript, redact, llm, validate, repair, store, total, …)', labelNames: ['stage'] as const, buckets: SECONDS, registers }),
    endToStored: new Histogram({ name: 'wrapup_end_to_stored_seconds', help: 'From the conversation end (Genesys endTime) to its summary being stored', buckets: END_TO_STORED, registers }),
    quality: new Histogram({ name: 'wrapup_summary_quality_score', help: 'Quality score (0..1) of stored summaries', labelNames: ['model'] as const, buckets: QUALITY, registers }),
    tokens: new Counter({ name: 'wrapup_llm_tokens_total', help: 'Model tokens spent on stored summaries (failed calls folded into a fallback included), by kind (prompt, completion)', labelNames: ['model', 'kind'] as const, registers }),
    cost: new Counter({ name: 'wrapup_llm_cost_usd_total', help: 'Estimated model cost of stored summaries in USD (config/models.json prices)', labelNames: ['model'] as const, registers }),
    reasks: new Counter({ name: 'wrapup_llm_reasks_total', help: 'Stored summaries whose first answer failed validation and was re-asked', labelNames: ['model'] as const, registers }),
    fallbacks: new Counter({ name: 'wrapup_llm_fallbacks_total', help: 'Stored summaries the extractive summarizer wrote because the LLM failed for good, by reason', labelNames: ['reason'] as const, registers }),
    redactions: new Counter({ name: 'wrapup_redactions_total', help: 'Personal data replaced in transcripts of stored summaries, by type', labelNames: ['type'] as const, registers }),
    genesys: new Counter({ name: 'wrapup_genesys_requests_total', help: 'Genesys REST attempts (each retry counts), by operation and status (2xx, 401, 403, 404, 429, 4xx, 5xx, network)', labelNames: ['operation', 'status'] as const, registers }),
    reconnects: new Counter({ name: 'wrapup_socket_reconnects_total', help: 'Notification channels that came back after a drop', registers }),
    memoryTier: new Counter({ name: 'wrapup_memory_tier_lookups_total', help: 'Summary reads answered by the in-memory tier (hit) or passed to the backend (miss)', labelNames: ['result'] as const, registers }),
    webhooks: new Counter({ name: 'wrapup_webhook_deliveries_total', help: 'Outbound webhook delivery attempts, by outcome (delivered, retry, failed)', labelNames: ['outcome'] as const, registers }),
  };
}

type Instruments = ReturnType<typeof instruments>;

/** Creates the adapter with its own registry. */
export function createPromMetrics(options: PromMetricsOptions = {}): PromMetrics {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const m = instruments(registry);
  const sources: GaugeSources = {};
  registerGauges(registry, sources);
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    observe: (next) => void Object.assign(sources, next),
    eventReceived: safe((source, topic, ended) => m.events.inc({ source, topic: topicPattern(topic), ended: String(ended) })),
    taskSettled: safe((outcome: TaskOutcome, reason?: string) => m.tasks.inc({ outcome, reason: reason ?? '' })),
    summaryStored: safe((record, stages, endedAt) => recordSummary(m, record, stages, endedAt)),
    genesysCall: safe((operation, status) => m.genesys.inc({ operation, status: statusLabel(status) })),
    socketReconnected: safe(() => m.reconnects.inc()),
    memoryTierLookup: safe((hit) => m.memoryTier.inc({ result: hit ? 'hit' : 'miss' })),
    webhookDelivery: safe((outcome) => m.webhooks.inc({ outcome })),
  };
}

/**
 * A measurement never fails the work it measures (prom-client throws on NaN or a negative count): a bad value is
 * dropped. The calls sit on paths such as "summary stored", where a throw would fail a task that succeeded.
 */
function safe<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch {
      // dropped: see above
    }
  };
}

/** Everything one stored summary tells: its steps, its quality, what the model cost, what was redacted. */
function recordSummary(m: Instruments, record: SummaryRecord, stages: Readonly<Record<string, number>>, endedAt: string | null): void {
  const model = record.model;
  m.summaries.inc({ model, media_type: record.media_type, fallback: record.fallback ?? 'none' });
  const steps: Record<string, number> = { ...record.stage_latency_ms, ...stages, total: record.latency_ms };
  for (const [name, ms] of Object.entries(steps)) {
    const stage = stageName(name);
    if (stage && Number.isFinite(ms) && ms >= 0) m.stages.observe({ stage }, ms / 1000);
  }
  const stored = Date.parse(record.created_at);
  const ended = endedAt ? Date.parse(endedAt) : Number.NaN;
  if (Number.isFinite(stored) && Number.isFinite(ended) && stored >= ended) m.endToStored.observe((stored - ended) / 1000);
  m.quality.observe({ model }, record.quality_score);
  if (record.usage) {
    m.tokens.inc({ model, kind: 'prompt' }, record.usage.prompt_tokens);
    m.tokens.inc({ model, kind: 'completion' }, record.usage.completion_tokens);
  }
  if (record.cost_usd) m.cost.inc({ model }, record.cost_usd);
  if (record.repaired || record.stage_latency_ms['summarize.repair'] !== undefined) m.reasks.inc({ model });
  if (record.fallback) m.fallbacks.inc({ reason: record.fallback_reason?.code ?? 'unknown' });
  for (const [type, count] of Object.entries(record.redactions)) if (count > 0) m.redactions.inc({ type }, count);
}
