// End to end under models that behave like real ones (src/sim/openai-fake.ts profiles): voice, messaging and email
// conversations reported by the socket, by a webhook delivery and by a CRM's submit are each served exactly once, with
// their LLM calls counted per conversation, and CRM polling adds none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { startGenesysSim, type GenesysSim, type SimConversation } from '../src/sim/genesys-sim.js';
import { startOpenAiFake, type AdversarialFault, type FakeMode, type OpenAiFake } from '../src/sim/openai-fake.js';
import { findScenario } from '../src/sim/scenarios.js';
import type { Scenario } from '../src/sim/sim-types.js';
import { startWrapup, type Wrapup } from '../src/app.js';
import { silentLogger } from '../src/logger.js';
import { endAll, isolateHome, TEST_API_KEY, testConfig, waitFor } from './helpers.js';

const WEBHOOK_TOKEN = 'profile-webhook-token-3c8e1a9f5d2b7064e1c9a3f7';
const SCENARIOS = {
  voice: ['voice-billing-dispute', 'voice-card-replacement', 'voice-appointment'],
  message: ['message-refund', 'message-subscription-cancel', 'message-delivery-bot-handoff'],
  email: ['email-refund-request', 'email-address-change', 'email-refund-request'],
} as const;
const INTAKES = ['socket', 'webhook', 'submit'] as const;
type Intake = (typeof INTAKES)[number];

interface Profile {
  name: string;
  mode: FakeMode;
  faults?: AdversarialFault[];
  /** LLM summary calls each conversation may cost. */
  calls: number;
  /** What every stored summary must show. */
  expect: (record: Record<string, unknown>) => void;
}

const PROFILES: Profile[] = [
  { name: 'overshoot (limits exceeded by 10–40 %)', mode: 'overshoot', calls: 1, expect: (r) => expect(r.fallback).toBeUndefined() },
  {
    name: 'chatty (fences, prose, casing, N/A, strings)',
    mode: 'chatty',
    calls: 1,
    expect: (r) => expect(r.adjustments).toEqual(expect.arrayContaining(['json_extracted', 'enums_normalized', 'extra_keys_dropped'])),
  },
  { name: 'truncated (cut off at the output cap on the first try)', mode: 'truncated', calls: 2, expect: (r) => expect(r.fallback).toBeUndefined() },
  {
    name: 'too-long every time',
    mode: 'adversarial',
    faults: ['too-long'],
    calls: 2,
    expect: (r) => expect(r.adjustments).toContain('summary_shortened'),
  },
  {
    name: 'leaks personal data every time',
    mode: 'adversarial',
    faults: ['leak-pii'],
    calls: 2,
    expect: (r) => expect(r).toMatchObject({ fallback: 'extractive', model: 'extractive', fallback_reason: { code: 'PII_IN_OUTPUT' } }),
  },
  {
    name: 'broken JSON every time',
    mode: 'adversarial',
    faults: ['broken-json'],
    calls: 2,
    expect: (r) => expect(r).toMatchObject({ fallback: 'extractive', fallback_reason: { code: 'SCHEMA_INVALID' } }),
  },
];

/** A scenario made unique (its own order reference), so the fake's calls can be attributed to one conversation. */
function uniqueScenario(key: string, n: number): Scenario {
  const base = findScenario(key);
  if (!base) throw new Error(`no scenario ${key}`);
  const ref = `ORD-${7100 + n}`;
  return { ...base, key: `${key}-${n}`, turns: [...base.turns, { speaker: 'customer', text: `Please note it under order ${ref} as well.` }] };
}

describe.each(PROFILES)('a model that is $name', (profile) => {
  let home: ReturnType<typeof isolateHome>;
  let sim: GenesysSim;
  let fake: OpenAiFake;
  let wrapup: Wrapup;
  const played: Array<{ conversation: SimConversation; intake: Intake; media: string }> = [];

  const api = (p: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${wrapup.url}${p}`, { ...init, headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json', ...init.headers } });

  async function report(conversation: SimConversation, intake: Intake): Promise<void> {
    if (intake === 'submit') {
      const res = await api('/api/summary/submit', { method: 'POST', body: JSON.stringify({ conversation_id: conversation.id }) });
      expect(res.status).toBe(202);
    } else if (intake === 'webhook') {
      const event = {
        version: '0', id: `evt-${conversation.id}`, 'detail-type': 'v2.detail.events.conversation.{id}.customer.end',
        source: 'aws.partner/genesys.com/cloud/org/wrapup', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [],
        detail: { topicName: `v2.detail.events.conversation.${conversation.id}.customer.end`, version: '2', eventBody: { conversationId: conversation.id, mediaType: 'VOICE', disconnectType: 'PEER' }, metadata: { CorrelationId: 'c1' } },
      };
      const res = await fetch(`${wrapup.url}/webhooks/genesys`, { method: 'POST', headers: { 'x-api-key': WEBHOOK_TOKEN, 'content-type': 'application/json' }, body: JSON.stringify(event) });
      expect(res.status).toBe(202);
    }
  }

  beforeAll(async () => {
    home = isolateHome();
    sim = await startGenesysSim({ heartbeatIntervalMs: 500 });
    fake = await startOpenAiFake({ mode: profile.mode, ...(profile.faults ? { adversarialFaults: profile.faults } : {}) });
    const config = testConfig(sim, `sqlite://${path.join(home.dir, 'wrapup.sqlite')}`, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_MODEL: 'fake-model',
      WEBHOOK_TOKEN,
      // The third queue is not watched: its conversations reach wrapup by webhook or submit only.
      GENESYS_QUEUE_IDS: sim.queues.slice(0, 2).map((q) => q.id).join(','),
    });
    wrapup = await startWrapup(config, silentLogger());
    await waitFor(async () => sim.connectedSockets() > 0);
    let n = 0;
    for (const [media, keys] of Object.entries(SCENARIOS)) {
      for (const [i, intake] of INTAKES.entries()) {
        const queueId = intake === 'socket' ? sim.queues[0]!.id : sim.queues[2]!.id;
        const conversation = await sim.playConversation({ scenario: uniqueScenario(keys[i]!, (n += 1)), queueId });
        await report(conversation, intake);
        played.push({ conversation, intake, media });
      }
    }
    for (const { conversation } of played) await waitFor(() => wrapup.service.getSummary(conversation.id), 30_000);
  }, 90_000);

  afterAll(() => endAll({ wrapup, fake, sim, home }));

  it(`serves every conversation (voice, message, email × socket, webhook, submit) with ${profile.calls} LLM call(s) each`, async () => {
    expect(played).toHaveLength(9);
    const calls = fake.callsByTranscript();
    expect(calls.size, 'one transcript per conversation').toBe(9);
    for (const [key, count] of calls) expect(count, key.slice(0, 60)).toBe(profile.calls);
    expect(fake.callCount, 'no call outside the nine conversations').toBe(9 * profile.calls);
    for (const { conversation, intake, media } of played) {
      const res = await api(`/api/summary/${conversation.id}`);
      expect(res.status, `${media} by ${intake}`).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect((body.summary as string).length).toBeLessThanOrEqual(500);
      expect((body.headline as string).length).toBeLessThanOrEqual(80);
      profile.expect(body);
    }
  });

  /** Planted values of the played conversations of the given media that reached the fake or a served summary. */
  async function leaked(media: (m: string) => boolean): Promise<string[]> {
    const sent = JSON.stringify(fake.requests.map((r) => r.body)).toLowerCase();
    const out: string[] = [];
    for (const { conversation } of played.filter((p) => media(p.media))) {
      const served = JSON.stringify(await wrapup.service.getSummary(conversation.id)).toLowerCase();
      for (const { type, value } of conversation.scenario.pii) {
        if (sent.includes(value.toLowerCase()) || served.includes(value.toLowerCase())) out.push(`${conversation.scenario.key} ${type}`);
      }
    }
    return out;
  }

  it('never sends or serves the planted personal data of written media (message, email)', async () => {
    expect(played.filter((p) => p.media !== 'voice').flatMap((p) => p.conversation.scenario.pii).length).toBeGreaterThan(0);
    expect(await leaked((m) => m !== 'voice')).toEqual([]);
  });

  it(`never sends or serves the planted personal data of voice calls, as ASR writes it`, async () => {
    expect(played.filter((p) => p.media === 'voice').flatMap((p) => p.conversation.scenario.pii).length).toBeGreaterThan(0);
    expect(await leaked((m) => m === 'voice')).toEqual([]);
  });

  it('a CRM polling every conversation, and resubmitting, costs no further LLM call', async () => {
    const before = fake.callCount;
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        played.map(async ({ conversation }) => {
          expect((await api(`/api/summary/${conversation.id}?max_length=200`)).status).toBe(200);
          expect((await api('/api/summary/submit', { method: 'POST', body: JSON.stringify({ conversation_id: conversation.id }) })).status).toBe(200);
        }),
      );
    }
    expect(fake.callCount).toBe(before);
  });
});
