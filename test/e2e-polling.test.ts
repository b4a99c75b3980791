// A CRM that polls a failing conversation does not multiply the LLM bill: reads never run a task again, so the model
// is called exactly as often as the worker's retry policy allows, however long and often the CRM polls. Time is
// scaled down (a 3 s retry window, polls every 50 ms) so the run is short; the ratios are those of a CRM polling twice
// a second through an hour-long window.
import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startGenesysSim, type GenesysSim } from '../src/sim/genesys-sim.js';
import { startOpenAiFake, type OpenAiFake } from '../src/sim/openai-fake.js';
import { findScenario } from '../src/sim/scenarios.js';
import { startWrapup, type Wrapup } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { endAll, isolateHome, TEST_API_KEY, testConfig, waitFor } from './helpers.js';

const WINDOW_MS = 3000;
const POLL_EVERY_MS = 50;

describe('a CRM polling a failing conversation', () => {
  let home: ReturnType<typeof isolateHome> | undefined;
  let sim: GenesysSim | undefined;
  let fake: OpenAiFake | undefined;
  let wrapup: Wrapup | undefined;

  afterEach(() => endAll({ wrapup, fake, sim, home }));

  async function start(fakeOptions: Parameters<typeof startOpenAiFake>[0], env: Record<string, string>): Promise<string> {
    home = isolateHome();
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    fake = await startOpenAiFake(fakeOptions);
    const config = testConfig(sim, `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      GENESYS_QUEUE_IDS: sim.queues[0]!.id,
      WORKER_RETRY_WINDOW_MS: String(WINDOW_MS),
      ...env,
    });
    config.worker.retryBaseDelayMs = 100;
    config.worker.retryMaxDelayMs = 400;
    config.openai.maxRetries = 0;
    wrapup = await startWrapup(config, silentLogger());
    // Not watched: the conversation reaches wrapup only through the CRM's reads.
    const conversation = await sim.playConversation({ scenario: findScenario('message-refund')!, queueId: sim.queues[1]!.id });
    return conversation.id;
  }

  /** GETs the summary every POLL_EVERY_MS for `ms`, returning the statuses seen. */
  async function poll(id: string, ms: number): Promise<number[]> {
    const statuses: number[] = [];
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const res = await fetch(`${wrapup!.url}/api/summary/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
      statuses.push(res.status);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, POLL_EVERY_MS));
    }
    return statuses;
  }

  it('content failure (personal data every time, fallback off): 2 calls, then 422 with the reason on every poll', async () => {
    const id = await start({ mode: 'adversarial', adversarialFaults: ['leak-pii'] }, { LLM_FALLBACK: 'none' });
    const statuses = await poll(id, 2 * WINDOW_MS);
    expect(fake!.callCount).toBe(2);
    expect(statuses.length).toBeGreaterThan(60);
    expect(statuses.at(-1)).toBe(422);
    const res = await fetch(`${wrapup!.url}/api/summary/${id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(await res.json()).toMatchObject({
      code: 'PII_IN_OUTPUT',
      retryable: false,
      retry_at: null,
      error_details: { issues: expect.arrayContaining([expect.objectContaining({ check: 'pii', field: 'headline', types: ['card'] })]) },
    });
    expect(fake!.callCount).toBe(2);
  });

  it('an LLM outage outlasting the window (fallback off): one call per attempt the policy allows, none per poll', async () => {
    const id = await start({ mode: 'fail-500' }, { LLM_FALLBACK: 'none' });
    await poll(id, WINDOW_MS + 3000);
    const task = await waitFor(async () => {
      const found = await wrapup!.service.findTask(id);
      return found?.status === 'failed' ? found : undefined;
    }, 10_000);
    // maxRetries 0: one HTTP call per attempt; every call is an attempt of the worker, none a read's.
    expect(fake!.callCount).toBe(task.attempts);
    // The policy: at least maxAttempts (5), then only while the window lasts (≥ 100 ms apart), plus one last chance.
    expect(task.attempts).toBeGreaterThanOrEqual(5);
    expect(task.attempts).toBeLessThanOrEqual(5 + WINDOW_MS / 100 + 1);
    const calls = fake!.callCount;
    const after = await poll(id, 1500);
    expect(after.every((s) => s === 502)).toBe(true);
    expect(fake!.callCount).toBe(calls);
  });

  it('the same outage with the default fallback: the last chance serves the extractive summary, and polling ends', async () => {
    const id = await start({ mode: 'fail-500' }, {});
    const statuses = await poll(id, WINDOW_MS + 3000);
    expect(statuses.at(-1)).toBe(200);
    const served = await wrapup!.service.getSummary(id);
    expect(served).toMatchObject({ fallback: 'extractive', model: 'extractive', fallback_reason: { code: 'LLM_UNAVAILABLE' } });
    const task = await wrapup!.service.findTask(id);
    expect(task?.status).toBe('completed');
    expect(fake!.callCount).toBe(task!.attempts);
  });
});
