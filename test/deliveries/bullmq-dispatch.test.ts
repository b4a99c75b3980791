// Outbound webhooks with several replicas on one Redis: each replica's delivery queue is the one the service builds on
// a redis:// store (app/replicas.ts buildDeliveryQueue: BullMQ), each with its own dispatcher, against a real receiver
// on loopback that verifies every signature. Every delivery has one dispatcher at a time: N events reach the receiver
// once per webhook-id; a dispatcher that dies mid-attempt loses its delivery to the other once its lock expires.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { buildDeliveryQueue, type ClosableDeliveryQueue } from '../../src/app/replicas.js';
import { loadConfig } from '../../src/config.js';
import type { DeliveryRecord } from '../../src/domain.js';
import type { Dispatcher } from '../../src/deliveries/index.js';
import { silentLogger } from '../../src/logger.js';
import { createKeyvBackend, type KeyvBackend } from '../../src/store/index.js';
import { waitFor } from '../helpers.js';
import { describeWithRedis, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startTestDispatcher } from '../support/dispatcher.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

interface Replica {
  backend: KeyvBackend;
  queue: ClosableDeliveryQueue;
  dispatcher: Dispatcher;
}

let redis: RedisServer;
let receiver: WebhookReceiver;
let db = 0;
const replicas: Replica[] = [];

/** One replica's delivery side on the test's database, as the service builds it (QUEUE_LOCK_MS short for the test). */
async function replica(timeoutMs = 5000): Promise<Replica> {
  const config = loadConfig({
    GENESYS_CLIENT_ID: 'id',
    GENESYS_CLIENT_SECRET: 'secret',
    API_KEYS: 'deliveries-api-key-5f1c8a3e7b9d2046a8c3e1f7b5d9',
    STORE_URL: `${redis.url}/${db}`,
    QUEUE_LOCK_MS: '600',
    REPLICA_ID: `replica-${replicas.length + 1}`,
  });
  const backend = await createKeyvBackend(config.store.url);
  const queue = await buildDeliveryQueue(config, silentLogger(), backend);
  await queue.recover();
  const dispatcher = startTestDispatcher(queue, receiver, { timeoutMs, pollIntervalMs: 50 });
  const side = { backend, queue, dispatcher };
  replicas.push(side);
  return side;
}

const conversationId = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function request(i: number) {
  const payload = JSON.stringify({ type: 'summary.completed', timestamp: new Date().toISOString(), data: { conversation_id: conversationId(i), n: i } });
  return { eventId: `msg_event${i}`, eventType: 'summary.completed' as const, conversationId: conversationId(i), endpoint: 'crm', payload };
}

async function allDelivered(queue: ClosableDeliveryQueue, ids: string[]): Promise<DeliveryRecord[]> {
  return waitFor(async () => {
    const records = (await Promise.all(ids.map(async (id) => queue.byEvent(id)))).flat();
    return records.length === ids.length && records.every((r) => r.status === 'completed') ? records : undefined;
  }, 20_000);
}

describeWithRedis('outbound webhooks on Redis: one dispatcher per delivery across replicas', () => {
  beforeAll(async () => {
    redis = await startRedisServer({ persistent: false });
  });
  afterAll(async () => redis?.stop());
  beforeEach(async () => {
    db += 1;
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    for (const side of replicas.splice(0)) {
      await side.dispatcher.stop(0);
      await side.queue.close();
      await side.backend.close();
    }
    await receiver.close();
  });

  it('two dispatchers on one Redis: N events, each enqueued by both replicas, reach the receiver exactly once per webhook-id', async () => {
    const [a, b] = [await replica(), await replica()];
    const n = 40;
    // Both replicas enqueue every event (as two outboxes reporting the same settle would): one delivery each.
    const made = await Promise.all(Array.from({ length: n }, (_, i) => [a.queue.enqueue(request(i)), b.queue.enqueue(request(i))]).flat());
    expect(made.filter((r) => r.created)).toHaveLength(n);
    const ids = Array.from({ length: n }, (_, i) => `msg_event${i}`);
    const records = await allDelivered(a.queue, ids);
    expect(records.every((r) => r.attempts === 1)).toBe(true);
    expect(receiver.rejected).toBe(0);
    // Every request the receiver verified, duplicates included: one per id.
    expect(receiver.verified.map((e) => e.id).sort()).toEqual([...ids].sort());
    // A delivery's record is written delivered just before its job leaves BullMQ's active list: the counts follow.
    const settled = await waitFor(async () => {
      const counts = await b.queue.counts();
      return counts.processing === 0 ? counts : undefined;
    }, 5000, 20);
    expect(settled).toMatchObject({ pending: 0, processing: 0, completed: n });
    expect((await b.queue.byConversation(conversationId(3))).map((r) => r.event_id)).toEqual(['msg_event3']);
  });

  it('a receiver answering 503 gets the delivery again after backoff, from whichever replica; delivered once', async () => {
    const [a] = [await replica(), await replica()];
    receiver.mode = '503';
    await a!.queue.enqueue(request(1));
    await waitFor(async () => ((await a!.queue.byEvent('msg_event1'))[0]?.attempts ?? 0) >= 2);
    receiver.mode = 'ok';
    const [record] = await allDelivered(a!.queue, ['msg_event1']);
    expect(record?.attempt_log.some((attempt) => attempt.status_code === 503)).toBe(true);
    expect(receiver.accepted.get('msg_event1')).toBe(1);
  });

  it('a dispatcher that dies mid-attempt loses its delivery to the other once its lock expires, never before', async () => {
    receiver.mode = 'hang';
    const dying = await replica(60_000);
    await dying.queue.enqueue(request(7));
    await waitFor(async () => receiver.verified.length === 1 || undefined);
    const survivor = await replica();
    // While its holder lives (and renews its lock), the other replica leaves the delivery alone, past several lock terms.
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.verified).toHaveLength(1);
    expect((await survivor.queue.byEvent('msg_event7'))[0]).toMatchObject({ status: 'processing', attempts: 1 });
    // Dies mid-attempt: its lock renewals stop and its connections go, nothing is released or recorded.
    await dying.queue.close();
    receiver.mode = 'ok';
    const [record] = await allDelivered(survivor.queue, ['msg_event7']);
    expect(record).toMatchObject({ status: 'completed', attempts: 2 });
    // The receiver saw the first attempt (never answered) and the survivor's, under the same webhook-id.
    expect(receiver.verified.map((e) => e.id)).toEqual(['msg_event7', 'msg_event7']);
    expect(receiver.accepted.get('msg_event7')).toBe(1);
  });
});
