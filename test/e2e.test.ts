// End to end over real sockets: simulator (real SDK + ws) → wrapup → OpenAI-compatible fake → Keyv SQLite → Hono.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startGenesysSim, type GenesysSim, type SimConversation } from '../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../src/sim/openai-fake.js';
import { startWrapup, type Wrapup } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { endAll, isolateHome, TEST_API_KEY, testConfig, waitFor } from './helpers.js';

const MEDIA = ['voice', 'message', 'email'] as const;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();

describe('a conversation ends in Genesys → its summary is served from the cache', () => {
  let home: ReturnType<typeof isolateHome>;
  let sim: GenesysSim;
  let fake: OpenAiFake;
  let wrapup: Wrapup | undefined;
  let storeUrl: string;
  const ended: SimConversation[] = [];

  const start = async (): Promise<Wrapup> => {
    const config = testConfig(sim, storeUrl, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      // The third queue is not watched: its conversations reach wrapup only when a CRM asks.
      GENESYS_QUEUE_IDS: sim.queues.slice(0, 2).map((q) => q.id).join(','),
    });
    return startWrapup(config, silentLogger());
  };
  const get = (w: Wrapup, p: string, key = TEST_API_KEY): Promise<Response> =>
    fetch(`${w.url}${p}`, { headers: { authorization: `Bearer ${key}` } });

  beforeAll(async () => {
    home = isolateHome();
    storeUrl = `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`;
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    fake = await startOpenAiFake();
    wrapup = await start();
  });

  afterAll(() => endAll({ wrapup, fake, sim, home }));

  it('summarizes one conversation of each media type exactly once', async () => {
    await waitFor(async () => sim.connectedSockets() > 0);
    for (const media of MEDIA) {
      const scenario = sim.scenarios.find((s) => s.mediaType === media && s.pii.length > 0);
      expect(scenario, `a ${media} scenario with PII`).toBeDefined();
      ended.push(await sim.playConversation({ scenario: scenario!, queueId: sim.queues[0]!.id }));
    }
    for (const conversation of ended) {
      await waitFor(() => wrapup!.service.getSummary(conversation.id), 20_000);
    }
    // Give duplicate/late snapshots time to arrive: they must not start a second summarization.
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.callCount).toBe(MEDIA.length);
  });

  it('serves each summary from the cache with its structured fields', async () => {
    for (const conversation of ended) {
      const res = await get(wrapup!, `/api/summary/${conversation.id}`);
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body).toMatchObject({ conversation_id: conversation.id, source: 'cache' });
      expect(body.summary.length).toBeGreaterThan(0);
      expect(body.summary.length).toBeLessThanOrEqual(500);
      expect(body.quality_score).toBeGreaterThanOrEqual(0);
      expect(body.quality_score).toBeLessThanOrEqual(1);
      for (const field of ['intent', 'resolution', 'follow_up_actions', 'sentiment']) expect(body).toHaveProperty(field);
    }
  });

  /** Planted values of the ended conversations of the given media that reached the fake's requests or the store. */
  async function leaked(media: (m: string) => boolean): Promise<string[]> {
    const requests = JSON.stringify(fake.requests.map((r) => r.body)).toLowerCase();
    const out: string[] = [];
    for (const conversation of ended.filter((c) => media(c.mediaType))) {
      const stored = JSON.stringify(await wrapup!.service.getSummary(conversation.id)).toLowerCase();
      for (const { type, value } of conversation.scenario.pii) {
        if (requests.includes(value.toLowerCase()) || stored.includes(value.toLowerCase())) out.push(`${conversation.mediaType} ${type}`);
      }
    }
    return out;
  }

  it('never sends planted PII of written media (message, email) to the LLM nor stores it', async () => {
    expect(await leaked((m) => m !== 'voice')).toEqual([]);
    // The transcripts did reach the model, redacted: each planted type shows up as its placeholder, so the check
    // above is not vacuous (an empty or missing transcript would pass it too).
    const requests = JSON.stringify(fake.requests.map((r) => r.body)).toLowerCase();
    const planted = new Set(ended.filter((c) => c.mediaType !== 'voice').flatMap((c) => c.scenario.pii.map((p) => p.type)));
    expect(planted.size).toBeGreaterThan(2);
    for (const type of planted) expect(requests, `placeholder for ${type}`).toContain(`[${type}]`);
  });

  it(`never sends planted PII of voice calls, as ASR writes it, to the LLM nor stores it`, async () => {
    const voice = ended.filter((c) => c.mediaType === 'voice');
    expect(voice.flatMap((c) => c.scenario.pii).length).toBeGreaterThan(0);
    expect(await leaked((m) => m === 'voice')).toEqual([]);
  });

  it('still serves the summaries after a restart on the same store', async () => {
    await wrapup!.stop(1000);
    wrapup = await start();
    for (const conversation of ended) {
      const res = await get(wrapup, `/api/summary/${conversation.id}`);
      expect(res.status).toBe(200);
      expect((await json(res)).source).toBe('cache');
    }
    expect(fake.callCount).toBe(MEDIA.length);
  });

  it('answers a CRM request for a conversation it does not watch: 202, then the summary', async () => {
    const scenario = sim.scenarios.find((s) => s.mediaType === 'message')!;
    const missed = await sim.playConversation({ scenario, queueId: sim.queues[2]!.id });
    const res = await fetch(`${wrapup!.url}/api/summary/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ conversation_id: missed.id }),
    });
    expect(res.status).toBe(202);
    const { task_id: taskId } = await json(res);
    const done = await waitFor(async () => {
      const status = await json(await get(wrapup!, `/api/summary/status/${taskId}`));
      return status.status === 'completed' ? status : undefined;
    });
    expect(done.summary.length).toBeGreaterThan(0);
    const live = await get(wrapup!, `/api/summary/${missed.id}`);
    expect(live.status).toBe(200);
  });

  it('answers 404 for an unknown conversation and 401 without a key', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await get(wrapup!, `/api/summary/${unknown}?wait=5000`);
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe('CONVERSATION_NOT_FOUND');
    expect((await get(wrapup!, `/api/summary/${unknown}`, 'wrong-key-0123456789')).status).toBe(401);
    expect((await fetch(`${wrapup!.url}/healthz`)).status).toBe(200);
  });
});
