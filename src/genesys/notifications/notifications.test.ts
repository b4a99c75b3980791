import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../../logger.js';
import { createGenesysClient, type GenesysClient } from '../rest/client.js';
import { createNotificationSubscriber, type NotificationSubscriber } from './notifications.js';
import type { QueueConversationSnapshot } from './schemas.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';

const Q1 = 'a6f03f8d-bb75-4bcf-8304-2d73a0f21572';
const HEARTBEAT = JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } });

interface Conn {
  channelId: string;
  ws: WebSocket;
  received: string[];
}

let fake: FakeGenesys;
let wss: WebSocketServer;
let client: GenesysClient;
let subscriber: NotificationSubscriber | undefined;
let conns: Conn[];
let channels: Map<string, { topics: string[] }>;
let channelSeq: number;
let expiresInMs: number;
let answerPings: boolean;
let connectUriFor: (id: string, wsPort: number) => string;
let failCreate: boolean;
let rejectTopics: Set<string>;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  await subscriber?.stop();
  subscriber = undefined;
  client?.close();
  for (const c of wss?.clients ?? []) c.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  await fake?.close();
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function setup(): Promise<void> {
  conns = [];
  channels = new Map();
  channelSeq = 0;
  expiresInMs = 86_400_000;
  answerPings = true;
  connectUriFor = (id, port) => `ws://127.0.0.1:${port}/channels/${id}`;
  failCreate = false;
  rejectTopics = new Set();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const wsPort = (wss.address() as AddressInfo).port;
  wss.on('connection', (ws, req) => {
    const conn: Conn = { channelId: (req.url ?? '').split('/').pop() ?? '', ws, received: [] };
    conns.push(conn);
    ws.on('message', (data) => {
      const text = data.toString();
      conn.received.push(text);
      if (answerPings && text === '{"message":"ping"}') ws.send(JSON.stringify({ topicName: 'channel.metadata', eventBody: { message: 'pong' } }));
    });
  });
  fake = await startFakeGenesys();
  fake.on('POST', '/api/v2/notifications/channels', () => {
    if (failCreate) return { status: 400, body: { status: 400, code: 'bad.request', message: 'no' } };
    const id = `streaming-${++channelSeq}`;
    channels.set(id, { topics: [] });
    return { body: { id, connectUri: connectUriFor(id, wsPort), expires: new Date(Date.now() + expiresInMs).toISOString() } };
  });
  const subscribe = (mode: 'PUT' | 'POST') => (req: { path: string; body: string }) => {
    const id = req.path.split('/')[5] ?? '';
    const requested = (JSON.parse(req.body) as Array<{ id: string }>).map((t) => t.id);
    const permitted = requested.filter((t) => !rejectTopics.has(t));
    channels.set(id, { topics: mode === 'PUT' ? permitted : [...(channels.get(id)?.topics ?? []), ...permitted] });
    return { body: { entities: requested.map((t) => (rejectTopics.has(t) ? { id: t, state: 'Rejected', rejectionReason: 'missing permission' } : { id: t, state: 'Permitted' })) } };
  };
  fake.on('PUT', /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/, subscribe('PUT'));
  fake.on('POST', /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/, subscribe('POST'));
  fake.on('DELETE', /^\/api\/v2\/notifications\/channels\/[^/]+\/subscriptions$/, (req) => {
    const channel = channels.get(req.path.split('/')[5] ?? '');
    if (!channel) return { status: 404, body: { status: 404, code: 'not.found', message: 'no channel' } };
    channel.topics = [];
    return { status: 200 };
  });
  fake.on('HEAD', /^\/api\/v2\/notifications\/channels\/[^/]+$/, (req) => ({ status: channels.has(req.path.split('/').pop() ?? '') ? 200 : 404 }));
  client = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger() });
}

function makeSubscriber(extra: Partial<Parameters<typeof createNotificationSubscriber>[0]> = {}) {
  const snapshots: Array<{ snapshot: QueueConversationSnapshot; queueId: string }> = [];
  const reconnects: Array<{ channelId: string; downSinceMs: number }> = [];
  subscriber = createNotificationSubscriber({
    client,
    logger: silentLogger(),
    queueIds: [Q1],
    heartbeatTimeoutMs: 300,
    reconnect: { baseDelayMs: 10, maxDelayMs: 40 },
    onSnapshot: (snapshot, meta) => {
      snapshots.push({ snapshot, queueId: meta.queueId });
    },
    onReconnected: (info) => reconnects.push(info),
    ...extra,
  });
  return { subscriber, snapshots, reconnects };
}

const open = (c: Conn | undefined) => c !== undefined && c.ws.readyState === c.ws.OPEN;

describe('createNotificationSubscriber', () => {
  it('subscribes queue topics, delivers parsed snapshots and drops everything else', async () => {
    await setup();
    const delivered: string[] = [];
    subscriber = createNotificationSubscriber({
      client,
      logger: silentLogger(),
      queueIds: [Q1, Q1],
      heartbeatTimeoutMs: 300,
      reconnect: { baseDelayMs: 10, maxDelayMs: 40 },
      onSnapshot: (snap, meta) => {
        delivered.push(`${meta.queueId}/${snap.id}/${snap.participants.length}`);
        if (delivered.length === 1) throw new Error('consumer bug must not kill the socket');
      },
    });
    await subscriber.start();
    expect(channels.get('streaming-1')?.topics).toEqual([`v2.routing.queues.${Q1}.conversations`]);
    await waitFor(() => conns.length === 1);
    const ws = conns[0]!.ws;
    const snapshotFrame = (id: string) =>
      JSON.stringify({ topicName: `v2.routing.queues.${Q1}.conversations`, version: '2', eventBody: { id, participants: [{ purpose: 'customer', calls: [{ state: 'connected' }] }] }, metadata: { CorrelationId: 'x' } });
    ws.send(HEARTBEAT);
    ws.send(JSON.stringify({ result: '200', status: 'subscribed' })); // no topicName
    ws.send(JSON.stringify({ topicName: 'v2.users.u1.conversations', eventBody: {} })); // unknown topic
    ws.send(JSON.stringify({ topicName: `v2.routing.queues.${Q1}.conversations`, eventBody: { participants: 'nope' } })); // invalid
    ws.send('not json');
    ws.send(snapshotFrame('c1'));
    ws.send(snapshotFrame('c2'));
    await waitFor(() => delivered.length === 2);
    expect(delivered).toEqual([`${Q1}/c1/1`, `${Q1}/c2/1`]);
    expect(subscriber.isConnected()).toBe(true);
    expect(subscriber.state()).toEqual([
      { channelId: 'streaming-1', state: 'open', topics: 1, expires: expect.any(String), lastMessageAt: expect.any(Number), rejectedTopics: 0, rejectedTopicIds: [] },
    ]);
  });

  it('sends {"message":"ping"} and stays up while pongs arrive', async () => {
    await setup();
    const { subscriber: s } = makeSubscriber();
    await s.start();
    await waitFor(() => (conns[0]?.received.filter((m) => m === '{"message":"ping"}').length ?? 0) >= 4);
    expect(conns).toHaveLength(1);
    expect(s.isConnected()).toBe(true);
  });

  it('drops a silent socket after heartbeatTimeoutMs and reconnects to the same channel', async () => {
    await setup();
    answerPings = false;
    const { subscriber: s, reconnects } = makeSubscriber();
    const before = Date.now();
    await s.start();
    await waitFor(() => conns.length >= 2 && open(conns[1]));
    expect(conns[1]!.channelId).toBe('streaming-1');
    expect(fake.requests.filter((r) => r.method === 'HEAD')).not.toHaveLength(0);
    await waitFor(() => reconnects.length >= 1);
    expect(reconnects[0]!.channelId).toBe('streaming-1');
    expect(reconnects[0]!.downSinceMs).toBeGreaterThanOrEqual(before);
  });

  it('when Genesys closes the socket (another socket took the channel?), moves to a new channel and unsubscribes the old', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1 && open(conns[0]));
    // What a second socket on the channel does to the first (docs/genesys.md §4; no documented close code).
    conns[0]!.ws.close(1000, 'Another WebSocket connected to this channel');
    await waitFor(() => conns.length === 2 && open(conns[1]));
    expect(conns[1]!.channelId).toBe('streaming-2');
    await waitFor(() => reconnects.length === 1);
    expect(reconnects[0]!.channelId).toBe('streaming-2');
    expect(s.state()[0]).toMatchObject({ channelId: 'streaming-2', state: 'open' });
    // The old channel delivers nothing more to whoever holds it; wrapup never went back to it.
    await waitFor(() => fake.requests.some((r) => r.method === 'DELETE' && r.path === '/api/v2/notifications/channels/streaming-1/subscriptions'));
    expect(channels.get('streaming-1')?.topics).toEqual([]);
    expect(channels.get('streaming-2')?.topics).toEqual([`v2.routing.queues.${Q1}.conversations`]);
    await new Promise((r) => setTimeout(r, 100));
    expect(conns.map((c) => c.channelId)).toEqual(['streaming-1', 'streaming-2']);
  });

  it('on socket_closing opens the replacement before the old socket closes', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1);
    let oldOpenWhenNewConnected: boolean | undefined;
    wss.once('connection', () => {
      oldOpenWhenNewConnected = open(conns[0]);
    });
    conns[0]!.ws.send(JSON.stringify({ topicName: 'v2.system.socket_closing', eventBody: { message: 'bye' } }));
    await waitFor(() => conns.length === 2 && conns[0]!.ws.readyState === conns[0]!.ws.CLOSED);
    expect(oldOpenWhenNewConnected).toBe(true);
    expect(conns[1]!.channelId).toBe('streaming-1');
    expect(open(conns[1])).toBe(true);
    expect(s.isConnected()).toBe(true);
    expect(reconnects).toEqual([]); // no gap
  });

  it('creates a new channel and resubscribes when the old one is gone (HEAD 404)', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1);
    channels.delete('streaming-1');
    conns[0]!.ws.terminate();
    await waitFor(() => conns.length === 2 && open(conns[1]));
    expect(conns[1]!.channelId).toBe('streaming-2');
    expect(channels.get('streaming-2')?.topics).toEqual([`v2.routing.queues.${Q1}.conversations`]);
    await waitFor(() => reconnects.length === 1);
    expect(s.state()[0]).toMatchObject({ channelId: 'streaming-2', state: 'open' });
  });

  it('moves to a new channel on no_longer_subscribed and before expiry', async () => {
    await setup();
    const { subscriber: s } = makeSubscriber({ rotateAheadMs: 150 });
    expiresInMs = 300; // rotation due 150 ms before expiry
    await s.start();
    expiresInMs = 86_400_000;
    await waitFor(() => conns.length === 2 && open(conns[1]));
    expect(conns[1]!.channelId).toBe('streaming-2');
    await waitFor(() => conns[0]!.ws.readyState === conns[0]!.ws.CLOSED);
    conns[1]!.ws.send(JSON.stringify({ topicName: 'v2.system.no_longer_subscribed.streaming-2', eventBody: { systemTopicType: 'no_longer_subscribed' } }));
    await waitFor(() => conns.length === 3 && open(conns[2]));
    expect(conns[2]!.channelId).toBe('streaming-3');
    await waitFor(() => conns[1]!.ws.readyState === conns[1]!.ws.CLOSED);
    expect(s.state()).toMatchObject([{ channelId: 'streaming-3', state: 'open' }]);
  });

  it('no_longer_subscribed records a gap from the last healthy frame and reports it once the new channel is open', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1);
    conns[0]!.ws.send(HEARTBEAT);
    await waitFor(() => s.state()[0]?.lastMessageAt !== undefined);
    const healthyAt = s.state()[0]!.lastMessageAt!;
    await new Promise((r) => setTimeout(r, 30));
    channels.set('streaming-1', { topics: [] }); // Genesys dropped the subscriptions
    conns[0]!.ws.send(JSON.stringify({ topicName: 'v2.system.no_longer_subscribed.streaming-1', eventBody: { channelId: 'streaming-1', systemTopicType: 'no_longer_subscribed' } }));
    await waitFor(() => reconnects.length === 1);
    expect(reconnects[0]).toEqual({ channelId: 'streaming-2', downSinceMs: healthyAt });
    expect(channels.get('streaming-2')?.topics).toEqual([`v2.routing.queues.${Q1}.conversations`]);
    expect(s.state()[0]).toMatchObject({ channelId: 'streaming-2', state: 'open' });
  });

  it('token_revoked logs in again, moves to a new channel and reports the gap', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1);
    expect(fake.logins()).toBe(1);
    const before = Date.now();
    conns[0]!.ws.send(JSON.stringify({ topicName: 'v2.system.token_revoked.abc', eventBody: { systemTopicType: 'token_revoked', reason: 'user_tokens_revoked' } }));
    await waitFor(() => reconnects.length === 1);
    expect(fake.logins()).toBe(2);
    expect(reconnects[0]!.channelId).toBe('streaming-2');
    expect(reconnects[0]!.downSinceMs).toBeLessThanOrEqual(Date.now());
    expect(reconnects[0]!.downSinceMs).toBeGreaterThanOrEqual(before - 1000);
    const newChannelCall = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels')[1];
    expect(newChannelCall?.headers.authorization).toBe('Bearer tok-2');
  });

  it('a failed rotation keeps the old channel and socket, then retries with backoff', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber({ rotateAheadMs: 500 });
    expiresInMs = 1000;
    let unreachable = true; // sockets to new channels fail until this flips
    connectUriFor = (id, port) => (unreachable && id !== 'streaming-1' ? `ws://127.0.0.1:1/channels/${id}` : `ws://127.0.0.1:${port}/channels/${id}`);
    await s.start();
    await waitFor(() => channelSeq >= 3); // the first rotation failed and was retried
    expect(s.state()[0]).toMatchObject({ channelId: 'streaming-1', state: 'open' });
    expect(open(conns[0])).toBe(true);
    expect(conns).toHaveLength(1);
    expiresInMs = 86_400_000;
    unreachable = false;
    await waitFor(() => conns.length === 2 && open(conns[1]) && s.state()[0]?.channelId === conns[1]!.channelId);
    expect(conns[1]!.channelId).not.toBe('streaming-1');
    await waitFor(() => conns[0]!.ws.readyState === conns[0]!.ws.CLOSED);
    expect(reconnects).toEqual([]); // the old channel delivered until the new socket was open
  });

  it('falls back to reconnecting (with a gap) when the old channel expires before a rotation succeeds', async () => {
    await setup();
    const { subscriber: s, reconnects } = makeSubscriber({ rotateAheadMs: 150 });
    expiresInMs = 300;
    await s.start();
    const expiry = Date.parse(s.state()[0]!.expires);
    failCreate = true;
    await waitFor(() => Date.now() > expiry + 50 && s.state()[0]?.state === 'reconnecting');
    expiresInMs = 86_400_000;
    failCreate = false;
    await waitFor(() => reconnects.length === 1);
    expect(reconnects[0]!.channelId).toBe('streaming-2');
    expect(reconnects[0]!.downSinceMs).toBeLessThanOrEqual(expiry);
    expect(s.state()[0]).toMatchObject({ channelId: 'streaming-2', state: 'open' });
  });

  it('exposes rejected topics in state() and re-subscribes them with backoff', async () => {
    await setup();
    const Q2 = 'b7e14e9e-cc86-4cdf-9415-3e84b1f32683';
    const rejectedTopic = `v2.routing.queues.${Q2}.conversations`;
    rejectTopics.add(rejectedTopic);
    const { subscriber: s } = makeSubscriber({ queueIds: [Q1, Q2], rejectedTopicRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 40 } });
    await s.start();
    expect(s.state()[0]).toMatchObject({ rejectedTopics: 1, rejectedTopicIds: [rejectedTopic] });
    expect(s.rejectedTopics()).toEqual([rejectedTopic]);
    await waitFor(() => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/subscriptions')).length >= 1);
    rejectTopics.clear(); // the permission was granted
    await waitFor(() => s.state()[0]?.rejectedTopics === 0);
    expect(channels.get('streaming-1')?.topics).toContain(rejectedTopic);
    expect(s.rejectedTopics()).toEqual([]);
  });

  it('gives up re-subscribing rejected topics after maxAttempts', async () => {
    await setup();
    const Q2 = 'b7e14e9e-cc86-4cdf-9415-3e84b1f32683';
    rejectTopics.add(`v2.routing.queues.${Q2}.conversations`);
    const { subscriber: s } = makeSubscriber({ queueIds: [Q1, Q2], rejectedTopicRetry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    await s.start();
    await waitFor(() => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/subscriptions')).length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/subscriptions'))).toHaveLength(2);
    expect(s.state()[0]?.rejectedTopics).toBe(1);
  });

  it('rotates a short-lived channel halfway through its life, not in a tight loop', async () => {
    await setup();
    const { subscriber: s } = makeSubscriber({ rotateAheadMs: 600_000 });
    expiresInMs = 400;
    await s.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(channelSeq).toBe(1);
    await waitFor(() => channelSeq >= 2);
  });

  it('splits more than 1,000 topics over several channels', async () => {
    await setup();
    const queueIds = Array.from({ length: 1500 }, (_, i) => `q${i}`);
    const { subscriber: s } = makeSubscriber({ queueIds });
    await s.start();
    expect([...channels.values()].map((c) => c.topics.length)).toEqual([1000, 500]);
    await waitFor(() => conns.filter(open).length === 2);
    expect(s.state().map((c) => c.topics)).toEqual([1000, 500]);
  });

  it('stop() closes every socket and stops reconnecting', async () => {
    await setup();
    const { subscriber: s } = makeSubscriber();
    await s.start();
    await waitFor(() => conns.length === 1);
    await s.stop();
    await waitFor(() => conns[0]!.ws.readyState === conns[0]!.ws.CLOSED);
    await new Promise((r) => setTimeout(r, 400));
    expect(conns).toHaveLength(1);
    expect(s.state()[0]?.state).toBe('closed');
    expect(s.isConnected()).toBe(false);
  });

  it('start() rejects when Genesys refuses the login', async () => {
    await setup();
    fake.onLogin(() => ({ status: 401, body: { error: 'invalid_client' } }));
    const { subscriber: s } = makeSubscriber();
    await expect(s.start()).rejects.toMatchObject({ code: 'GENESYS_AUTH_FAILED' });
  });
});
