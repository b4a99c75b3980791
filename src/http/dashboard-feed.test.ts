import { describe, expect, it } from 'vitest';
import { createDashboardFeed, type FeedEvent } from './dashboard-feed.js';
import type { SummaryRecord, TaskRecord } from '../domain.js';

const record = (id: string): SummaryRecord =>
  ({ conversation_id: id, headline: `h ${id}`, resolution: { status: 'resolved', text: 't' }, quality_score: 0.8, latency_ms: 1200, model: 'm', media_type: 'voice', created_at: '2026-12-05T10:00:10.000Z' }) as SummaryRecord;
const task = (status: TaskRecord['status']): TaskRecord =>
  ({ task_id: 't1', conversation_id: 'c1', status, updated_at: '2026-12-05T10:00:00.000Z', error: { code: 'PII_IN_OUTPUT', message: 'personal data in the answer' } }) as TaskRecord;

describe('dashboard feed', () => {
  it('pushes landed summaries and failures to every open stream and keeps the latest for a later page', () => {
    const feed = createDashboardFeed({ keep: 2 });
    const got: FeedEvent[] = [];
    feed.subscribe((e) => got.push(e), () => undefined);
    feed.summaryLanded(record('a'), '2026-12-05T10:00:00.000Z');
    feed.summaryLanded(record('b'));
    feed.summaryLanded(record('c'));
    feed.taskSettled(task('completed'));
    feed.taskSettled(task('failed'));
    expect(got.map((e) => e.type)).toEqual(['summary', 'summary', 'summary', 'failure']);
    expect(got[0]).toMatchObject({ data: { conversation_id: 'a', end_to_stored_ms: 10_000 } });
    expect(feed.recent().summaries.map((s) => s.conversation_id)).toEqual(['b', 'c']);
    expect(feed.recent().failures).toEqual([expect.objectContaining({ conversation_id: 'c1', code: 'PII_IN_OUTPUT', status: 'failed' })]);
  });

  it('refuses streams beyond its bound, frees a slot on unsubscribe, and ends every stream on close', () => {
    const feed = createDashboardFeed({ maxStreams: 2 });
    let ended = 0;
    const first = feed.subscribe(() => undefined, () => (ended += 1));
    feed.subscribe(() => undefined, () => (ended += 1));
    expect(feed.subscribe(() => undefined, () => undefined)).toBeUndefined();
    first!();
    expect(feed.streams()).toBe(1);
    expect(feed.subscribe(() => undefined, () => (ended += 1))).toBeTypeOf('function');
    feed.close();
    expect(ended).toBe(2);
    expect(feed.streams()).toBe(0);
    expect(feed.subscribe(() => undefined, () => undefined)).toBeUndefined();
  });

  it('drops a stream whose send throws, without stopping the others', () => {
    const feed = createDashboardFeed();
    const got: string[] = [];
    feed.subscribe(() => {
      throw new Error('socket gone');
    }, () => undefined);
    feed.subscribe((e) => got.push(e.type), () => undefined);
    feed.summaryLanded(record('a'));
    expect(got).toEqual(['summary']);
    expect(feed.streams()).toBe(1);
  });
});
