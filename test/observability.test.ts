// Observability end to end over loopback: simulator → wrapup → OpenAI fake. GET /metrics names every metric and its
// counts move with a run; the dashboard's event stream carries a landed summary; the conversation lookup shows the
// summary beside its REDACTED transcript; the page is served; streams end on shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, startObservedRun, TEST_API_KEY, waitFor, type ObservedRun } from './support/observed-run.js';
import type { SimConversation } from '../src/sim/genesys-sim.js';

/** The value of the first sample of `name` whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

const NAMES = [
  'wrapup_events_total',
  'wrapup_tasks_total',
  'wrapup_tasks',
  'wrapup_worker_active_tasks',
  'wrapup_summaries_total',
  'wrapup_stage_duration_seconds',
  'wrapup_end_to_stored_seconds',
  'wrapup_summary_quality_score',
  'wrapup_llm_tokens_total',
  'wrapup_llm_cost_usd_total',
  'wrapup_llm_reasks_total',
  'wrapup_llm_fallbacks_total',
  'wrapup_redactions_total',
  'wrapup_genesys_requests_total',
  'wrapup_socket_state',
  'wrapup_socket_last_message_age_seconds',
  'wrapup_socket_reconnects_total',
  'wrapup_memory_tier_lookups_total',
  'wrapup_webhook_deliveries_total',
  'wrapup_dashboard_streams',
];

describe('metrics and the dashboard over a real run', () => {
  let run: ObservedRun;
  const ended: SimConversation[] = [];
  const scrape = async (): Promise<string> => {
    const res = await run.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    run = await startObservedRun();
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('GET /metrics needs an API key', async () => {
    expect((await fetch(`${run.wrapup.url}/metrics`)).status).toBe(401);
    expect((await run.get('/metrics', 'not-a-key-0123456789abcdef0123456789')).status).toBe(401);
    const text = await scrape();
    for (const name of NAMES) expect(text, name).toContain(`# TYPE ${name} `);
  });

  it('streams each summary as it lands, and the metrics count the run', async () => {
    const before = await scrape();
    expect(sample(before, 'wrapup_tasks_total', { outcome: 'completed' }) ?? 0).toBe(0);
    const stream = await run.get('/api/dashboard/events');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const landed: string[] = [];
    const reading = readSse(stream, (e) => {
      if (e.event === 'summary') landed.push(JSON.parse(e.data).conversation_id);
      return ended.length === 2 && ended.every((c) => landed.includes(c.id));
    });
    ended.push(await run.endConversation('voice'), await run.endConversation('message'));
    await expect(reading).resolves.toBe('matched');

    const text = await waitFor(async () => {
      const t = await scrape();
      return sample(t, 'wrapup_tasks_total', { outcome: 'completed' }) === 2 ? t : undefined;
    });
    const socketTopic = { source: 'socket', topic: 'v2.routing.queues.{id}.conversations', ended: 'true' };
    expect(sample(text, 'wrapup_events_total', socketTopic)).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'wrapup_summaries_total', { model: 'fake-model', fallback: 'none' })).toBeGreaterThanOrEqual(1);
    for (const stage of ['fetch_conversation', 'fetch_transcript', 'redact', 'llm', 'validate', 'store', 'total']) {
      expect(sample(text, 'wrapup_stage_duration_seconds_count', { stage }), stage).toBe(2);
    }
    expect(sample(text, 'wrapup_end_to_stored_seconds_count')).toBe(2);
    expect(sample(text, 'wrapup_summary_quality_score_count', { model: 'fake-model' })).toBe(2);
    expect(sample(text, 'wrapup_llm_tokens_total', { model: 'fake-model', kind: 'prompt' })).toBeGreaterThan(0);
    expect([...text.matchAll(/^wrapup_redactions_total\{type="\w+"\} (\d+)/gm)].length).toBeGreaterThan(0);
    expect(sample(text, 'wrapup_genesys_requests_total', { status: '2xx' })).toBeGreaterThan(0);
    expect(sample(text, 'wrapup_tasks', { state: 'completed' })).toBe(2);
    expect(sample(text, 'wrapup_socket_state', { channel: '0', state: 'open' })).toBe(1);
    // A CRM reading the same summary twice: the first read is filled on write (hit), and so is the second.
    const lookups = (t: string, result: string): number => sample(t, 'wrapup_memory_tier_lookups_total', { result }) ?? 0;
    const hitsBefore = lookups(text, 'hit') + lookups(text, 'miss');
    for (let i = 0; i < 2; i++) expect((await run.get(`/api/summary/${ended[0]!.id}`)).status).toBe(200);
    const after = await scrape();
    expect(lookups(after, 'hit') + lookups(after, 'miss') - hitsBefore).toBe(2);
    expect(lookups(after, 'hit')).toBeGreaterThanOrEqual(1);
    // The client went away: its stream's slot is free again.
    await waitFor(async () => sample(await scrape(), 'wrapup_dashboard_streams') === 0, 5000);
  });

  it('shows a summary beside its redacted transcript, never the planted personal data', async () => {
    for (const conversation of ended) {
      const res = await run.get(`/api/dashboard/conversations/${conversation.id}`);
      expect(res.status).toBe(200);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const body = (await res.json()) as any;
      expect(body.summary.conversation_id).toBe(conversation.id);
      expect(body.transcript.turns.length).toBeGreaterThan(1);
      const text = JSON.stringify(body).toLowerCase();
      for (const { value } of conversation.scenario.pii) expect(text).not.toContain(value.toLowerCase());
      // Redacted, not emptied: the placeholders are there, counted by type.
      expect(Object.keys(body.transcript.redactions).length).toBeGreaterThan(0);
      expect(text).toMatch(/\[[a-z_]+\]/);
    }
    expect((await run.get('/api/dashboard/conversations/not-a-uuid')).status).toBe(400);
    expect((await run.get('/api/dashboard/conversations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await fetch(`${run.wrapup.url}/api/dashboard/conversations/${ended[0]!.id}`)).status).toBe(401);
    expect((await fetch(`${run.wrapup.url}/api/dashboard/state`)).status).toBe(401);
  });

  it('serves the page without a key, with a strict content security policy', async () => {
    const page = await fetch(`${run.wrapup.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/dashboard/app.js');
    const script = await fetch(`${run.wrapup.url}/dashboard/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('sessionStorage');
  });

  it('ends open event streams on shutdown', async () => {
    const stream = await fetch(`${run.wrapup.url}/api/dashboard/events`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(stream.status).toBe(200);
    const reading = readSse(stream, () => false);
    await waitFor(async () => sample(await scrape(), 'wrapup_dashboard_streams') === 1);
    await run.stop();
    // A clean end of the stream (the feed closed it), not a connection cut at the server's grace period.
    await expect(reading).resolves.toBe('ended');
  });
});
