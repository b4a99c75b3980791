// Outbound webhooks against a real receiver on loopback that verifies every signature with `standardwebhooks`:
// delivery, a receiver that goes DOWN mid-run (503s, then connection refused) and comes back, a restart of the
// queue and dispatcher over the same SQLite file mid-retry, the backoff schedule, 410/redirect/timeout handling.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/domain.js';
import { deliveryRetryDelay, resolveDeliveryRetry, type Dispatcher, type DispatcherOptions } from '../../src/deliveries/index.js';
import { silentLogger } from '../../src/logger.js';
import { createEmbeddedDeliveryQueue, createKeyvBackend, type EmbeddedDeliveryQueue, type KeyvBackend } from '../../src/store/index.js';
import { isolateHome, waitFor } from '../helpers.js';
import { FAST_RETRY, startTestDispatcher } from '../support/dispatcher.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

interface Side {
  backend: KeyvBackend;
  queue: EmbeddedDeliveryQueue;
  dispatcher: Dispatcher;
}

let home: { dir: string; cleanup: () => void };
let receiver: WebhookReceiver;
const open: Side[] = [];

beforeEach(async () => {
  home = isolateHome();
  receiver = await startWebhookReceiver();
});

afterEach(async () => {
  for (const side of open.splice(0)) await stopSide(side);
  await receiver.close();
  home.cleanup();
});

async function startSide(extra: Partial<DispatcherOptions> = {}, file = 'w.sqlite'): Promise<Side> {
  const backend = await createKeyvBackend(`sqlite://${path.join(home.dir, file)}`);
  const queue = createEmbeddedDeliveryQueue({ keyv: backend.keyv('deliveries'), logger: silentLogger(), ttlMs: 3600_000 });
  await queue.recover();
  const dispatcher = startTestDispatcher(queue, receiver, extra);
  const side = { backend, queue, dispatcher };
  open.push(side);
  return side;
}

async function stopSide(side: Side): Promise<void> {
  const i = open.indexOf(side);
  if (i >= 0) open.splice(i, 1);
  await side.dispatcher.stop(1000);
  side.queue.close();
  await side.backend.close();
}

const conversationId = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function enqueueEvents(queue: EmbeddedDeliveryQueue, from: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + count; i += 1) {
    const eventId = `msg_event${i}`;
    const payload = JSON.stringify({ type: 'summary.completed', timestamp: new Date().toISOString(), data: { conversation_id: conversationId(i), n: i } });
    await queue.enqueue({ eventId, eventType: 'summary.completed', conversationId: conversationId(i), endpoint: 'crm', payload });
    ids.push(eventId);
  }
  return ids;
}

async function allDelivered(queue: EmbeddedDeliveryQueue, ids: string[]): Promise<DeliveryRecord[]> {
  return waitFor(async () => {
    const records = (await Promise.all(ids.map(async (id) => queue.byEvent(id)))).flat();
    return records.length === ids.length && records.every((r) => r.status === 'completed') ? records : undefined;
  }, 20_000);
}

/** True when every event's delivery has an attempt matching `test` in its log. */
async function everyLogged(queue: EmbeddedDeliveryQueue, ids: string[], test: (a: DeliveryRecord['attempt_log'][number]) => boolean): Promise<boolean> {
  const records = (await Promise.all(ids.map(async (id) => queue.byEvent(id)))).flat();
  return records.length === ids.length && records.every((r) => r.attempt_log.some(test));
}

/** Every event reached the receiver with a valid signature, each id accepted (2xx) exactly once, none missing. */
function expectReceivedOncePerId(ids: string[]): void {
  expect(receiver.rejected, 'requests whose signature failed').toBe(0);
  expect([...receiver.accepted.keys()].sort()).toEqual([...ids].sort());
  for (const [id, times] of receiver.accepted) expect(times, `accepted ${id}`).toBe(1);
}

describe('outbound webhooks: delivery and signatures', () => {
  it('POSTs the stored payload signed per Standard Webhooks (the receiver verifies with the standardwebhooks package)', async () => {
    const { queue } = await startSide();
    const [id] = await enqueueEvents(queue, 1, 1);
    const [delivered] = await allDelivered(queue, [id as string]);
    expect(receiver.verified).toHaveLength(1);
    const got = receiver.verified[0];
    expect(got?.id).toBe(id);
    expect(Math.abs((got?.timestamp ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect(got?.body).toBe(delivered?.payload);
    expect(delivered).toMatchObject({ status: 'completed', attempts: 1, attempt_log: [{ status_code: 204 }] });
    expect(delivered?.delivered_at).toBeDefined();
  });

  it('a receiver that goes DOWN mid-run (503s, then connection refused) and comes back gets every event once per id', async () => {
    const { queue } = await startSide();
    const first = await enqueueEvents(queue, 1, 5);
    await allDelivered(queue, first);
    receiver.mode = '503';
    const during503 = await enqueueEvents(queue, 6, 5);
    await waitFor(async () => everyLogged(queue, during503, (a) => a.status_code === 503));
    await receiver.down();
    const whileDown = await enqueueEvents(queue, 11, 5);
    // Attempts keep failing while it is down (connection refused), recorded per attempt.
    await waitFor(async () => everyLogged(queue, whileDown, (a) => a.error === 'CONNECTION_REFUSED'));
    await receiver.up();
    receiver.mode = 'ok';
    const all = [...first, ...during503, ...whileDown];
    const records = await allDelivered(queue, all);
    expectReceivedOncePerId(all);
    const retried = records.filter((r) => r.attempts > 1);
    expect(retried.length).toBeGreaterThanOrEqual(10);
    const log = retried.flatMap((r) => r.attempt_log);
    expect(log.some((a) => a.status_code === 503)).toBe(true);
    expect(log.some((a) => a.error === 'CONNECTION_REFUSED')).toBe(true);
  });

  it('a restart of queue and dispatcher over the same SQLite file mid-retry loses nothing', async () => {
    const before = await startSide();
    await receiver.down();
    const ids = await enqueueEvents(before.queue, 1, 8);
    await waitFor(async () => ((await before.queue.byEvent('msg_event8'))[0]?.attempts ?? 0) >= 2);
    await stopSide(before); // the "process" goes away with every delivery pending a retry
    const after = await startSide();
    await receiver.up();
    const records = await allDelivered(after.queue, ids);
    expectReceivedOncePerId(ids);
    expect(records.every((r) => r.attempts >= 2)).toBe(true);
  });

  it('a delivery left in flight by a killed process is sent again on the next start, with the same webhook-id', async () => {
    const backend = await createKeyvBackend(`sqlite://${path.join(home.dir, 'w.sqlite')}`);
    const crashed = createEmbeddedDeliveryQueue({ keyv: backend.keyv('deliveries'), logger: silentLogger() });
    const ids = await enqueueEvents(crashed, 1, 2);
    const inFlight = await crashed.claim(); // claimed, then the process "dies": no settle, no stop
    expect(inFlight?.status).toBe('processing');
    crashed.close();
    await backend.close();
    const after = await startSide();
    await allDelivered(after.queue, ids);
    expectReceivedOncePerId(ids);
    expect(receiver.verified.map((e) => e.id)).toContain(inFlight?.event_id);
  });

  it('retries follow the backoff: each gap at least the jittered delay for that attempt', async () => {
    const { queue } = await startSide({ random: () => 1 }); // no jitter: delays are exactly 40, 80, 160, 200 ms
    receiver.mode = '503';
    const [id] = await enqueueEvents(queue, 1, 1);
    await waitFor(async () => ((await queue.byEvent(id as string))[0]?.attempts ?? 0) >= 5);
    receiver.mode = 'ok';
    const [record] = await allDelivered(queue, [id as string]);
    const times = (record?.attempt_log ?? []).map((a) => Date.parse(a.at));
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    const expected = [40, 80, 160, 200];
    expected.forEach((ms, i) => expect(gaps[i], `gap after attempt ${i + 1}`).toBeGreaterThanOrEqual(ms - 5));
  });
});

describe('outbound webhooks: what stops a delivery', () => {
  it('410 Gone gives up at once and disables the endpoint: later events fail ENDPOINT_DISABLED without a request', async () => {
    const { queue } = await startSide();
    receiver.mode = '410';
    const [gone] = await enqueueEvents(queue, 1, 1);
    const first = await waitFor(async () => (await queue.byEvent(gone as string)).find((r) => r.status === 'failed'));
    expect(first).toMatchObject({ attempts: 1, error: { code: 'ENDPOINT_GONE' }, attempt_log: [{ status_code: 410 }] });
    receiver.mode = 'ok';
    const [later] = await enqueueEvents(queue, 2, 1);
    const second = await waitFor(async () => (await queue.byEvent(later as string)).find((r) => r.status === 'failed'));
    expect(second?.error?.code).toBe('ENDPOINT_DISABLED');
    expect(receiver.verified).toHaveLength(1);
  });

  it('a 400 is retried (the integrator fixes the receiver and gets the event); a redirect is never followed', async () => {
    const { queue } = await startSide();
    receiver.mode = '400';
    const [bad] = await enqueueEvents(queue, 1, 1);
    await waitFor(async () => ((await queue.byEvent(bad as string))[0]?.attempts ?? 0) >= 2);
    receiver.mode = 'redirect';
    await waitFor(async () => (await queue.byEvent(bad as string))[0]?.attempt_log.some((a) => a.error === 'REDIRECT_NOT_FOLLOWED'));
    receiver.mode = 'ok';
    const [record] = await allDelivered(queue, [bad as string]);
    expect(record?.attempt_log.map((a) => a.status_code)).toEqual(expect.arrayContaining([400, 302, 204]));
    // The redirect target was never requested: every verified request went to the configured path.
    expectReceivedOncePerId([bad as string]);
  });

  it('an attempt with no answer is abandoned at the timeout and retried', async () => {
    const { queue } = await startSide({ timeoutMs: 150 });
    receiver.mode = 'hang';
    const [slow] = await enqueueEvents(queue, 1, 1);
    await waitFor(async () => (await queue.byEvent(slow as string))[0]?.attempt_log.some((a) => a.error === 'TIMEOUT'));
    receiver.mode = 'ok';
    await allDelivered(queue, [slow as string]);
    expectReceivedOncePerId([slow as string]);
  });

  it('gives up once the retry window is over and the minimum attempts are made', async () => {
    const { queue } = await startSide({ retry: { ...FAST_RETRY, windowMs: 1, minAttempts: 2 } });
    await receiver.down();
    const [lost] = await enqueueEvents(queue, 1, 1);
    const record = await waitFor(async () => (await queue.byEvent(lost as string)).find((r) => r.status === 'failed'));
    expect(record).toMatchObject({ attempts: 2, error: { code: 'CONNECTION_REFUSED', retryable: true } });
  });
});

describe('delivery retry schedule (fixed clock)', () => {
  it('grows from 5 s to a 1 h cap and keeps going for at least 24 h', () => {
    const policy = resolveDeliveryRetry();
    const created = Date.UTC(2026, 0, 1);
    let at = created;
    let attempts = 1;
    const delays: number[] = [];
    for (;;) {
      const delay = deliveryRetryDelay({ attempts, created_at: new Date(created).toISOString() }, undefined, policy, at, () => 1);
      if (delay === undefined) break;
      delays.push(delay);
      at += delay;
      attempts += 1;
    }
    expect(delays.slice(0, 4)).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(Math.max(...delays)).toBe(3600_000);
    expect(at - created).toBeGreaterThanOrEqual(24 * 3600_000);
    // Retry-After is a floor, capped at the longest delay.
    expect(deliveryRetryDelay({ attempts: 1, created_at: new Date(created).toISOString() }, 7200_000, policy, created, () => 1)).toBe(3600_000);
  });
});
