import { describe, expect, it } from 'vitest';
import { createPromMetrics, stageName, statusLabel, topicPattern } from './index.js';
import type { SummaryRecord } from '../domain.js';

describe('metric labels stay bounded', () => {
  it('turns topic names into their pattern and anything unknown into other', () => {
    expect(topicPattern('v2.routing.queues.5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10.conversations')).toBe('v2.routing.queues.{id}.conversations');
    expect(topicPattern('v2.detail.events.conversation.5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10.customer.end')).toBe('v2.detail.events.conversation.{id}.customer.end');
    expect(topicPattern('v2.users.5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10.presence')).toBe('other');
    expect(topicPattern('anything a sender likes')).toBe('other');
  });

  it('keeps the statuses worth telling apart and classes the rest', () => {
    expect([200, 204, 401, 404, 429, 418, 503, undefined].map(statusLabel)).toEqual(['2xx', '2xx', '401', '404', '429', '4xx', '5xx', 'network']);
  });

  it('reports summarizer steps by their inner name and drops unknown ones', () => {
    expect(stageName('summarize.llm')).toBe('llm');
    expect(stageName('fetch_transcript')).toBe('fetch_transcript');
    expect(stageName('summarize.made_up')).toBeUndefined();
  });
});

describe('prom-client adapter', () => {
  it('counts what a stored summary tells, in its own registry', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false });
    const other = createPromMetrics({ defaultMetrics: false });
    const record = {
      model: 'gpt-x', media_type: 'voice', quality_score: 0.82, latency_ms: 2500, created_at: '2026-12-05T10:00:30.000Z', repaired: true,
      stage_latency_ms: { fetch_transcript: 200, 'summarize.llm': 1500, 'summarize.repair': 400 }, redactions: { CARD: 2, EMAIL: 0 },
      usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020 }, cost_usd: 0.002,
      fallback: 'extractive', fallback_reason: { code: 'PII_IN_OUTPUT', message: 'x' },
    } as unknown as SummaryRecord;
    metrics.summaryStored(record, { store: 12 }, '2026-12-05T10:00:00.000Z');
    metrics.taskSettled('retry', 'LLM_UNAVAILABLE');
    metrics.genesysCall('getConversation', 429);
    metrics.memoryTierLookup(true);
    metrics.webhookDelivery('delivered');
    metrics.eventReceived('webhook', 'v2.detail.events.conversation.5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10.acw', true);
    const text = await metrics.render();
    for (const line of [
      'wrapup_summaries_total{model="gpt-x",media_type="voice",fallback="extractive"} 1',
      'wrapup_stage_duration_seconds_count{stage="llm"} 1',
      'wrapup_stage_duration_seconds_count{stage="store"} 1',
      'wrapup_stage_duration_seconds_sum{stage="total"} 2.5',
      'wrapup_end_to_stored_seconds_sum 30',
      'wrapup_llm_tokens_total{model="gpt-x",kind="completion"} 120',
      'wrapup_llm_reasks_total{model="gpt-x"} 1',
      'wrapup_llm_fallbacks_total{reason="PII_IN_OUTPUT"} 1',
      'wrapup_redactions_total{type="CARD"} 2',
      'wrapup_tasks_total{outcome="retry",reason="LLM_UNAVAILABLE"} 1',
      'wrapup_genesys_requests_total{operation="getConversation",status="429"} 1',
      'wrapup_memory_tier_lookups_total{result="hit"} 1',
      'wrapup_webhook_deliveries_total{outcome="delivered"} 1',
      'wrapup_events_total{source="webhook",topic="v2.detail.events.conversation.{id}.acw",ended="true"} 1',
    ]) expect(text).toContain(line);
    expect(text).not.toContain('type="EMAIL"');
    expect(await other.render()).not.toContain('wrapup_summaries_total{');
  });

  it('drops a value prom-client would throw on, never failing the caller', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false });
    const broken = { model: 'm', media_type: 'voice', quality_score: Number.NaN, latency_ms: Number.NaN, created_at: 'x', stage_latency_ms: {}, redactions: { CARD: -1 } } as unknown as SummaryRecord;
    expect(() => metrics.summaryStored(broken, {}, null)).not.toThrow();
    expect(await metrics.render()).toContain('wrapup_summaries_total{model="m",media_type="voice",fallback="none"} 1');
  });

  it('labels every series with the replica when given one (several replicas, one Prometheus)', async () => {
    const metrics = createPromMetrics({ labels: { replica: 'wrapup-2' } });
    metrics.summaryStored({ model: 'm', media_type: 'chat', quality_score: 0.9, latency_ms: 10, created_at: 'x', stage_latency_ms: {}, redactions: {} } as unknown as SummaryRecord, {}, null);
    metrics.observe({ taskCounts: async () => ({ pending: 1 }), activeTasks: () => 0, channels: () => [], now: () => 0 });
    const text = await metrics.render();
    expect(text).toContain('wrapup_summaries_total{model="m",media_type="chat",fallback="none",replica="wrapup-2"} 1');
    expect(text).toContain('wrapup_tasks{state="pending",replica="wrapup-2"} 1');
    expect(text).toMatch(/process_resident_memory_bytes\{replica="wrapup-2"\} \d+/);
    const series = text.split('\n').filter((line) => line && !line.startsWith('#'));
    expect(series.filter((line) => !line.includes('replica="wrapup-2"'))).toEqual([]);
  });

  it('reads the scrape-time gauges from the sources it is given', async () => {
    const metrics = createPromMetrics({ defaultMetrics: false });
    metrics.observe({
      taskCounts: async () => ({ pending: 3, failed: 1 }),
      activeTasks: () => 2,
      channels: () => [{ state: 'open', lastMessageAt: 1000 }, { state: 'reconnecting' }],
      now: () => 31_000,
    });
    const text = await metrics.render();
    for (const line of [
      'wrapup_tasks{state="pending"} 3',
      'wrapup_worker_active_tasks 2',
      'wrapup_socket_state{channel="0",state="open"} 1',
      'wrapup_socket_state{channel="1",state="reconnecting"} 1',
      'wrapup_socket_state{channel="1",state="open"} 0',
      'wrapup_socket_last_message_age_seconds{channel="0"} 30',
    ]) expect(text).toContain(line);
  });
});
