// Secrets and transcript text never reach logs: the whole flow at trace level, every line captured and searched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startGenesysSim, type GenesysSim, type SimConversation } from '../src/sim/genesys-sim.js';
import { FAKE_LEAKED_PII, startOpenAiFake, type OpenAiFake } from '../src/sim/openai-fake.js';
import { startWrapup, type Wrapup } from '../src/app.js';
import { createLogger } from '../src/logger.js';
import { testConfig, TEST_API_KEY, waitFor } from './helpers.js';

/** A named, read-only key: its name is logged, its secret never. */
const NAMED_KEY = 'logs-named-key-2f8b5e1a9c4d7063b2f8e5a1c9d4';

describe('logs', () => {
  let sim: GenesysSim;
  let fake: OpenAiFake;
  let wrapup: Wrapup | undefined;
  let dir: string;
  const lines: string[] = [];
  const ended: SimConversation[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wrapup-logs-'));
    sim = await startGenesysSim({ heartbeatIntervalMs: 300 });
    fake = await startOpenAiFake();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const config = testConfig(sim, `sqlite://${path.join(dir, 'w.sqlite')}`, {
      OPENAI_API_KEY: 'sk-secret-openai-key-123',
      OPENAI_BASE_URL: fake.url,
      WEBHOOK_TOKEN: 'test-webhook-token-5d8a2f7c1e9b4063c7a1e9f4b2',
      API_KEYS: `${TEST_API_KEY},crm-logs:read:${NAMED_KEY}`,
    });
    wrapup = await startWrapup(config, createLogger({ level: 'trace', destination: sink }));
  });

  afterAll(async () => {
    await wrapup?.stop(1000);
    await fake?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hold no secret, token, transcript text, PII or summary text at trace level', async () => {
    await waitFor(async () => sim.connectedSockets() > 0);
    for (const media of ['voice', 'message', 'email'] as const) {
      const scenario = sim.scenarios.find((s) => s.mediaType === media && s.pii.length > 0)!;
      ended.push(await sim.playConversation({ scenario }));
    }
    const summaries = [];
    for (const c of ended) summaries.push(await waitFor(() => wrapup!.service.getSummary(c.id)));
    // Exercise the HTTP and webhook paths too, with their credentials.
    await fetch(`${wrapup!.url}/api/summary/${ended[0]!.id}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    await fetch(`${wrapup!.url}/api/summary/${ended[1]!.id}`, { headers: { authorization: `Bearer ${NAMED_KEY}` } });
    await fetch(`${wrapup!.url}/webhooks/genesys`, {
      method: 'POST',
      headers: { 'x-api-key': 'test-webhook-token-5d8a2f7c1e9b4063c7a1e9f4b2', 'content-type': 'application/json' },
      body: '{"topicName":"v2.detail.events.conversation.x.customer.start","version":"2","eventBody":{},"metadata":{}}',
    });
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(log).toContain(ended[0]!.id); // conversation ids are logged: the search below is over real pipeline lines
    expect(log).toContain('"client":"crm-logs"'); // key names are logged, with the request
    const forbidden = [
      sim.clientSecret,
      TEST_API_KEY,
      NAMED_KEY,
      'sk-secret-openai-key-123',
      'test-webhook-token-5d8a2f7c1e9b4063c7a1e9f4b2',
      'Bearer ',
      'Basic ',
      ...ended.flatMap((c) => c.scenario.pii.map((p) => p.value)),
      ...ended.flatMap((c) => c.scenario.turns.filter((t) => t.text.length > 30).map((t) => t.text.slice(0, 30))),
      ...summaries.map((s) => s.summary.slice(0, 40)),
    ];
    for (const needle of forbidden) expect(log, `log contains ${JSON.stringify(needle.slice(0, 12))}…`).not.toContain(needle);
  });

  it('name the failed check and its figures (field, PII type), never the leaked text, when the model leaks', async () => {
    fake.setMode('leak-pii');
    const scenario = sim.scenarios.find((s) => s.mediaType === 'message' && s.pii.length > 0)!;
    const conversation = await sim.playConversation({ scenario });
    const record = await waitFor(() => wrapup!.service.getSummary(conversation.id));
    expect(record.fallback_reason).toMatchObject({ code: 'PII_IN_OUTPUT', details: { issues: expect.arrayContaining([expect.objectContaining({ check: 'pii', field: 'headline', types: ['card'] })]) } });
    const line = lines.map((l) => JSON.parse(l) as Record<string, any>).find((l) => l.msg === 'LLM failed for good; serving the extractive summary' && l.conversationId === conversation.id);
    expect(line).toMatchObject({ code: 'PII_IN_OUTPUT', details: { issues: expect.arrayContaining([expect.objectContaining({ field: 'headline', types: ['card'] })]) } });
    const log = lines.join('');
    for (const value of [...Object.values(FAKE_LEAKED_PII), ...scenario.pii.map((p) => p.value)]) expect(log).not.toContain(value);
  });
});
