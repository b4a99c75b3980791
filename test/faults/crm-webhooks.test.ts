// Push to CRMs end to end: wrapup (simulated Genesys, fake LLM, SQLite) sends a signed event for every settled
// summary to a receiver that verifies it with `standardwebhooks`. The receiver answers 503, then goes DOWN
// (connection refused); wrapup is restarted on the same store while deliveries wait for their retry; the receiver
// comes back and holds every event, once per webhook-id. Slow deliveries never hold up summaries.
import { afterEach, describe, expect, it } from 'vitest';
import { startWrapup, type Wrapup } from '../../src/app.js';
import type { SimConversation } from '../../src/sim/genesys-sim.js';
import { TEST_API_KEY, waitFor } from '../helpers.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { rigLogger, startRig, SUMMARY_TIMEOUT_MS, waitConnected, type Rig } from './rig.js';

let rig: Rig | undefined;
let receiver: WebhookReceiver | undefined;
let second: Wrapup | undefined;

afterEach(async () => {
  await second?.stop(1000).catch(() => undefined);
  await rig?.close();
  await receiver?.close();
  rig = receiver = second = undefined;
});

async function start(hook: WebhookReceiver, tweak: (config: Rig['config']) => void = () => undefined): Promise<Rig> {
  const started = await startRig({
    env: {
      CRM_WEBHOOKS: JSON.stringify([{ name: 'crm', url: hook.url, secret: hook.secret }]),
      CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
    },
    tweak: (config) => {
      Object.assign(config.crmWebhooks, { retryBaseDelayMs: 50, retryMaxDelayMs: 300 });
      tweak(config);
    },
  });
  await waitConnected(started);
  return started;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(wrapup: Wrapup, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${wrapup.url}${path}`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
  return { status: res.status, body: await res.json() };
}

/** Event ids of the conversations' summary.completed events, as the delivery log lists them. */
async function eventIds(wrapup: Wrapup, conversations: SimConversation[]): Promise<string[]> {
  const ids: string[] = [];
  for (const c of conversations) {
    const { body } = await api(wrapup, `/api/deliveries?conversation_id=${c.id}`);
    for (const d of body.deliveries) ids.push(d.event_id);
  }
  return ids;
}

describe('push to CRMs: outbound webhooks end to end', () => {
  it('a CRM that goes down (503, then refused) across a wrapup restart receives every event once per id', async () => {
    receiver = await startWebhookReceiver();
    rig = await start(receiver);
    const played: SimConversation[] = [];
    played.push(await rig.play(), await rig.play());
    await waitFor(async () => receiver!.accepted.size === 2, SUMMARY_TIMEOUT_MS);

    receiver.mode = '503';
    played.push(await rig.play(), await rig.play());
    await waitFor(async () => receiver!.refused >= 2, SUMMARY_TIMEOUT_MS);
    await receiver.down();
    played.push(await rig.play(), await rig.play());
    // Every event is queued and waiting for a retry before the restart.
    const waiting = await waitFor(async () => {
      const ids = await eventIds(rig!.wrapup, played);
      return ids.length === played.length ? ids : undefined;
    }, SUMMARY_TIMEOUT_MS);
    const last = played[played.length - 1] as SimConversation;
    await waitFor(async () => (await api(rig!.wrapup, `/api/deliveries?conversation_id=${last.id}`)).body.deliveries[0]?.attempts >= 2, SUMMARY_TIMEOUT_MS);

    await rig.wrapup.stop(2000);
    second = await startWrapup(rig.config, rigLogger());
    await receiver.up();
    receiver.mode = 'ok';
    await waitFor(async () => receiver!.accepted.size === played.length, SUMMARY_TIMEOUT_MS);

    expect(receiver.rejected, 'signatures that failed').toBe(0);
    expect([...receiver.accepted.keys()].sort()).toEqual([...waiting].sort());
    for (const times of receiver.accepted.values()) expect(times).toBe(1);
    const events = receiver.verified.filter((e, i, all) => all.findIndex((o) => o.id === e.id) === i);
    expect(events.map((e) => e.payload.data.conversation_id).sort()).toEqual(played.map((c) => c.id).sort());

    // The log through the API: delivered after failed attempts with their status codes; no URL, secret or payload.
    const { status, body } = await api(second, `/api/deliveries?conversation_id=${last.id}`);
    expect(status).toBe(200);
    const [delivery] = body.deliveries;
    expect(delivery).toMatchObject({ status: 'delivered', endpoint: 'crm', event_type: 'summary.completed', next_attempt_at: null });
    expect(delivery.attempt_log.some((a: { error?: string }) => a.error === 'CONNECTION_REFUSED')).toBe(true);
    const text = JSON.stringify(body);
    expect(text).not.toContain(receiver.secret);
    expect(text).not.toContain(receiver.url);
    const byEvent = await api(second, `/api/webhooks/deliveries/${delivery.event_id}`);
    expect(byEvent.body.deliveries).toHaveLength(1);
  }, 120_000);

  it('the payload is GET /api/summary\'s body under {type, timestamp, data}, with no transcript text or personal data', async () => {
    receiver = await startWebhookReceiver();
    rig = await start(receiver);
    const conversation = await rig.play();
    await waitFor(async () => receiver!.accepted.size === 1, SUMMARY_TIMEOUT_MS);
    const [event] = receiver.verified;
    expect(event?.payload).toMatchObject({ type: 'summary.completed', data: { conversation_id: conversation.id, status: 'completed' } });
    expect(Date.parse(event?.payload.timestamp)).not.toBeNaN();
    const { body: served } = await api(rig.wrapup, `/api/summary/${conversation.id}`);
    const { source: _source, ...expected } = served;
    expect(event?.payload.data).toEqual(expected);
    for (const pii of conversation.scenario.pii) expect(event?.body).not.toContain(pii.value);
    for (const turn of conversation.scenario.turns.filter((t) => t.text.length > 60)) expect(event?.body).not.toContain(turn.text);
  }, 60_000);

  it('deliveries that hang never hold up summaries (their own concurrency)', async () => {
    receiver = await startWebhookReceiver();
    receiver.mode = 'hang';
    rig = await start(receiver, (config) => {
      config.crmWebhooks.concurrency = 1;
      config.crmWebhooks.timeoutMs = 60_000;
      config.worker.concurrency = 1;
    });
    const conversations = [await rig.play(), await rig.play(), await rig.play()];
    await waitFor(async () => receiver!.refused >= 1, SUMMARY_TIMEOUT_MS);
    for (const c of conversations) {
      await waitFor(async () => (await rig!.wrapup.service.getSummary(c.id)) !== undefined, SUMMARY_TIMEOUT_MS);
    }
    // One delivery is stuck in its first attempt; the rest are queued behind it, not in the summary workers' way.
    expect(receiver.refused).toBe(1);
  }, 60_000);
});
