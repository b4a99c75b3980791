// One client's lengths never change what everyone reads: over real HTTP against the simulator and the OpenAI fake, a
// client forcing ever shorter summaries gets them, and a plain GET keeps serving the default-length summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY, waitFor } from './helpers.js';
import { SUMMARY_TIMEOUT_MS, startRig, waitConnected, type Rig } from './faults/rig.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = any;

describe('summary lengths', () => {
  let rig: Rig;
  const call = async (path: string, body?: unknown): Promise<{ status: number; body: Body }> => {
    const res = await fetch(`${rig.wrapup.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    // Forces are limited per conversation (once a minute by default): this client may force as often as it likes.
    rig = await startRig({ tweak: (config) => void (config.limits.forceIntervalMs = 0) });
    await waitConnected(rig);
  });
  afterAll(async () => rig?.close());

  it('forcing shorter and shorter lengths never changes what a plain GET returns', async () => {
    const conversation = await rig.play(50, rig.sim.scenarios.find((s) => s.mediaType === 'message')!.key);
    await waitFor(() => rig.wrapup.service.getSummary(conversation.id), SUMMARY_TIMEOUT_MS);
    const plain = await call(`/api/summary/${conversation.id}`);
    expect(plain.status).toBe(200);
    expect(plain.body.max_length).toBe(500);

    for (const length of [400, 300, 200, 120, 60]) {
      const forced = await call('/api/summary/submit', { conversation_id: conversation.id, max_length: length, force: true });
      expect(forced.status, JSON.stringify(forced.body)).toBe(202);
      const done = await waitFor(async () => {
        const status = await call(`/api/summary/status/${forced.body.task_id}`);
        return status.body.status === 'completed' ? status.body : undefined;
      }, SUMMARY_TIMEOUT_MS);
      // The client that asked gets its summary, at its length, made by its task...
      expect(done.max_length).toBe(length);
      expect(done.summary.length).toBeLessThanOrEqual(length);
      const asked = await call(`/api/summary/${conversation.id}?max_length=${length}`);
      expect(asked.body).toMatchObject({ task_id: forced.body.task_id, max_length: length, summary: done.summary });
      // ...and everyone else still reads the default-length summary, unchanged.
      const again = await call(`/api/summary/${conversation.id}`);
      expect(again.status).toBe(200);
      expect(again.body, `after forcing ${length}`).toMatchObject({ task_id: plain.body.task_id, max_length: 500, summary: plain.body.summary });
      const submitted = await call('/api/summary/submit', { conversation_id: conversation.id });
      expect(submitted.body).toMatchObject({ task_id: plain.body.task_id, summary: plain.body.summary });
    }
    // A length nobody forced is derived from the default summary, never generated.
    const calls = rig.fake.callCount;
    const derived = await call(`/api/summary/${conversation.id}?max_length=250`);
    expect(derived.body.task_id).toBe(plain.body.task_id);
    expect(derived.body.summary.length).toBeLessThanOrEqual(250);
    expect(rig.fake.callCount).toBe(calls);
  });
});
