// Notification channels and WebSockets of the simulator: SDK channel/subscription calls plus real `ws` clients.
import platformClient from 'purecloud-platform-client-v2';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGenesysSim, type GenesysSim, type SimOptions } from './genesys-sim.js';
import { sdkClientFor } from '../../test/support/sim.js';

interface Frame { topicName?: string; version?: string; eventBody?: Record<string, unknown>; metadata?: { CorrelationId?: string } }
interface Client { ws: WebSocket; frames: Frame[]; closed: Promise<number>; waitFor(pred: (f: Frame) => boolean, ms?: number): Promise<Frame> }

let sim: GenesysSim | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await sim?.close();
  sim = undefined;
});

function connect(uri: string): Promise<Client> {
  const ws = new WebSocket(uri);
  sockets.push(ws);
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const waitFor = (pred: (f: Frame) => boolean, ms = 2000): Promise<Frame> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('frame did not arrive')), ms);
      const check = (): void => {
        const hit = frames.find(pred);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed, waitFor }));
    ws.once('error', reject);
  });
}

async function setup(options: SimOptions = {}) {
  sim = await startGenesysSim(options);
  const client = sdkClientFor(sim);
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  const notifications = new platformClient.NotificationsApi(client);
  const channel = await notifications.postNotificationsChannels();
  const token = (client as unknown as { authData: { accessToken: string } }).authData.accessToken;
  const current = sim;
  // HEAD has no body, so the SDK rejects a 404 with `undefined`: check the status over plain fetch.
  const headStatus = async (id: string): Promise<number> => (await fetch(`${current.url}/api/v2/notifications/channels/${id}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } })).status;
  return { sim, client, notifications, channel, headStatus, queueTopic: `v2.routing.queues.${sim.queues[0]?.id ?? ''}.conversations` };
}

const settle = (ms = 50): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isConversation = (f: Frame): boolean => f.topicName?.startsWith('v2.routing.queues.') ?? false;

describe('channels and subscriptions', () => {
  it('creates channels with connectUri/id/expires and answers subscriptions per topic', async () => {
    const { sim, notifications, channel, queueTopic, headStatus } = await setup({ channelTtlMs: 3_600_000 });
    expect(channel.id).toMatch(/^streaming-\d-[0-9a-z]{26}$/);
    expect(channel.connectUri).toBe(`${sim.url.replace('http', 'ws')}/channels/${channel.id}`);
    expect(Date.parse(channel.expires ?? '') - Date.now()).toBeGreaterThan(3_590_000);
    const unknownQueue = 'v2.routing.queues.00000000-0000-4000-8000-000000000000.conversations';
    const put = await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }, { id: unknownQueue }]);
    expect(put.entities?.map((e) => [e.id, e.state])).toEqual([[queueTopic, 'Permitted'], [unknownQueue, 'Rejected']]);
    expect(put.entities?.[1]?.rejectionReason).toEqual(expect.any(String));
    const detail = 'v2.detail.events.conversation.7d4e2b9a-3f61-4c8e-9a12-5b0c6e1f8a01.customer.end';
    await notifications.postNotificationsChannelSubscriptions(channel.id ?? '', [{ id: detail }]);
    const listed = await notifications.getNotificationsChannelSubscriptions(channel.id ?? '');
    expect(listed.entities?.map((e) => e.id)).toEqual([queueTopic, detail]);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `v2.detail.events.conversation.7d4e2b9a-3f61-4c8e-9a12-${String(i).padStart(12, '0')}.acw` }));
    await expect(notifications.putNotificationsChannelSubscriptions(channel.id ?? '', tooMany)).rejects.toMatchObject({ status: 400 });
    await notifications.deleteNotificationsChannelSubscriptions(channel.id ?? '');
    expect((await notifications.getNotificationsChannelSubscriptions(channel.id ?? '')).entities).toEqual([]);
    await notifications.headNotificationsChannel(channel.id ?? '');
    expect(await headStatus('streaming-0-nope')).toBe(404);
  });

  it('keeps 20 channels per client, evicting the oldest unconnected one', async () => {
    const { notifications, channel, headStatus } = await setup();
    const connected = await connect(channel.connectUri ?? '');
    const created = [];
    for (let i = 0; i < 20; i++) created.push(await notifications.postNotificationsChannels());
    expect(await headStatus(channel.id ?? '')).toBe(200);
    expect(await headStatus(created[0]?.id ?? '')).toBe(404);
    expect(await headStatus(created[1]?.id ?? '')).toBe(200);
    expect(connected.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('websocket', () => {
  it('sends heartbeats and answers ping with pong, and stays silent when told to', async () => {
    const { sim, channel } = await setup({ heartbeatIntervalMs: 30 });
    const client = await connect(channel.connectUri ?? '');
    await client.waitFor((f) => f.topicName === 'channel.metadata' && f.eventBody?.message === 'WebSocket Heartbeat');
    client.ws.send(JSON.stringify({ message: 'ping' }));
    await client.waitFor((f) => f.eventBody?.message === 'pong');
    sim.faults.silenceHeartbeats(true);
    await settle(40);
    const count = client.frames.length;
    client.ws.send(JSON.stringify({ message: 'ping' }));
    await settle(100);
    expect(client.frames.length).toBe(count);
  });

  it('half-open (silence with dropEvents): no heartbeats, no pongs, no events; normal again afterwards', async () => {
    const { sim, notifications, channel, queueTopic } = await setup({ heartbeatIntervalMs: 30 });
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const client = await connect(channel.connectUri ?? '');
    await client.waitFor((f) => f.eventBody?.message === 'WebSocket Heartbeat');
    sim.faults.silenceHeartbeats(true, { dropEvents: true });
    await settle(40);
    const count = client.frames.length;
    sim.startConversation({ scenario: 'voice-billing-dispute' });
    client.ws.send(JSON.stringify({ message: 'ping' }));
    await settle(100);
    expect(client.frames.length).toBe(count);
    sim.faults.silenceHeartbeats(false);
    sim.startConversation({ scenario: 'voice-billing-dispute' });
    await client.waitFor((f) => client.frames.indexOf(f) >= count && isConversation(f));
  });

  it('delivers snapshots and detail events to subscribers, with duplicates after the end', async () => {
    const { sim, notifications, channel, queueTopic } = await setup();
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const client = await connect(channel.connectUri ?? '');
    const conv = sim.startConversation({ scenario: 'voice-billing-dispute' });
    await client.waitFor(isConversation);
    await notifications.postNotificationsChannelSubscriptions(channel.id ?? '', [{ id: `v2.detail.events.conversation.${conv.id}.customer.end` }]);
    sim.endConversation(conv.id);
    const customerEnd = await client.waitFor((f) => f.topicName?.endsWith('.customer.end') ?? false);
    expect(customerEnd).toMatchObject({ version: '2', eventBody: { conversationId: conv.id, mediaType: 'VOICE', disconnectType: 'ENDPOINT' } });
    await client.waitFor((f) => isConversation(f) && JSON.stringify(f.eventBody).includes('"wrapup"'));
    await settle();
    const snapshots = client.frames.filter(isConversation);
    expect(snapshots.length).toBe(7);
    expect(snapshots.every((f) => f.topicName === queueTopic && f.version === '2' && typeof f.metadata?.CorrelationId === 'string')).toBe(true);
    const bodies = snapshots.map((f) => JSON.stringify(f.eventBody));
    expect(bodies[3]).toBe(bodies[4]);
    expect(bodies[5]).toBe(bodies[6]);
    const first = snapshots[0]?.eventBody as { id: string; startTime?: string; participants: Array<{ purpose: string; calls: Array<{ state: string }> }> };
    expect(first.id).toBe(conv.id);
    expect(first.startTime).toBeUndefined();
    expect(first.participants.find((p) => p.purpose === 'agent')?.calls[0]?.state).toBe('alerting');
    const afterCustomer = snapshots[2]?.eventBody as { participants: Array<{ purpose: string; endTime?: string }> };
    expect(afterCustomer.participants.find((p) => p.purpose === 'customer')?.endTime).toEqual(expect.any(String));
    expect(afterCustomer.participants.find((p) => p.purpose === 'agent')?.endTime).toBeUndefined();
  });

  it('does not replay events published while no socket was open', async () => {
    const { sim, notifications, channel, queueTopic } = await setup();
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const first = await connect(channel.connectUri ?? '');
    first.ws.close();
    await first.closed;
    await settle(20);
    sim.startConversation();
    const second = await connect(channel.connectUri ?? '');
    await settle(100);
    expect(second.frames.filter(isConversation)).toEqual([]);
    sim.startConversation();
    await second.waitFor(isConversation);
  });

  it('kicks the first socket when a second one connects to the same channel (no credentials needed), which then gets the events', async () => {
    const { sim, channel, notifications, queueTopic } = await setup();
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const first = await connect(channel.connectUri ?? '');
    const second = await connect(channel.connectUri ?? ''); // a plain ws client: no token, only the channel's URI
    await first.closed;
    expect(sim.connectedSockets()).toBe(1);
    expect(sim.stats.socketsOpened).toBe(2);
    sim.startConversation({ queueId: sim.queues[0]!.id });
    await second.waitFor(isConversation);
    expect(first.frames.filter(isConversation)).toEqual([]);
  });

  it('stops sending events to a channel once its subscriptions are deleted (the socket stays open)', async () => {
    const { sim, channel, notifications, queueTopic } = await setup();
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const holder = await connect(channel.connectUri ?? '');
    await notifications.deleteNotificationsChannelSubscriptions(channel.id ?? '');
    sim.startConversation({ queueId: sim.queues[0]!.id });
    await settle(100);
    expect(holder.frames.filter(isConversation)).toEqual([]);
    expect(holder.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('announces socket_closing then closes after the grace period, and drops sockets abruptly', async () => {
    const { sim, notifications } = await setup();
    const a = await connect((await notifications.postNotificationsChannels()).connectUri ?? '');
    const b = await connect((await notifications.postNotificationsChannels()).connectUri ?? '');
    sim.faults.socketClosing(50);
    const closing = await a.waitFor((f) => f.topicName === 'v2.system.socket_closing');
    expect(closing).toMatchObject({ version: '2', eventBody: { message: expect.any(String) } });
    expect(await a.closed).toBe(1001);
    await b.closed;
    const c = await connect((await notifications.postNotificationsChannels()).connectUri ?? '');
    sim.faults.dropSockets();
    expect(await c.closed).toBe(1006);
  });

  it('expires channels: the socket closes and REST answers 404', async () => {
    const { sim, notifications, channel, queueTopic, headStatus } = await setup({ channelTtlMs: 150 });
    const client = await connect(channel.connectUri ?? '');
    await client.closed;
    await expect(notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }])).rejects.toMatchObject({ status: 404, code: 'not.found' });
    const fresh = await notifications.postNotificationsChannels();
    const other = await connect(fresh.connectUri ?? '');
    sim.faults.expireChannels();
    await other.closed;
    expect(await headStatus(fresh.id ?? '')).toBe(404);
    await expect(connect(fresh.connectUri ?? '')).rejects.toThrow(/404/);
  });

  it('noLongerSubscribed: sends the system message, then the channel delivers nothing and lists no subscriptions', async () => {
    const { sim, notifications, channel, queueTopic } = await setup();
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const client = await connect(channel.connectUri ?? '');
    sim.startConversation();
    await client.waitFor(isConversation);
    sim.faults.noLongerSubscribed();
    const frame = await client.waitFor((f) => f.topicName?.startsWith('v2.system.no_longer_subscribed') ?? false);
    expect(frame).toMatchObject({
      topicName: `v2.system.no_longer_subscribed.${channel.id ?? ''}`,
      version: '2',
      eventBody: { channelId: channel.id, systemTopicType: 'no_longer_subscribed', reason: 'another_channel_subscribed', message: expect.any(String) },
    });
    const count = client.frames.filter(isConversation).length;
    sim.startConversation();
    await settle(100);
    expect(client.frames.filter(isConversation)).toHaveLength(count);
    expect((await notifications.getNotificationsChannelSubscriptions(channel.id ?? '')).entities).toEqual([]);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('tokenRevoked: sends the system message and API calls with the old token get 401 until a new login', async () => {
    const { sim, client: api, notifications, channel } = await setup();
    const client = await connect(channel.connectUri ?? '');
    sim.faults.tokenRevoked();
    const frame = await client.waitFor((f) => f.topicName?.startsWith('v2.system.token_revoked') ?? false);
    expect(frame).toMatchObject({ topicName: `v2.system.token_revoked.${channel.id ?? ''}`, eventBody: { systemTopicType: 'token_revoked', reason: 'user_tokens_revoked' } });
    await expect(notifications.getNotificationsChannels()).rejects.toMatchObject({ status: 401, code: 'bad.credentials' });
    await api.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
    await expect(notifications.getNotificationsChannels()).resolves.toMatchObject({ entities: expect.any(Array) });
  });

  it('nullFields: snapshots carry explicit null for absent optional fields', async () => {
    const { sim, notifications, channel, queueTopic } = await setup({ nullFields: true });
    await notifications.putNotificationsChannelSubscriptions(channel.id ?? '', [{ id: queueTopic }]);
    const client = await connect(channel.connectUri ?? '');
    sim.startConversation({ scenario: 'voice-billing-dispute' });
    const frame = await client.waitFor(isConversation);
    const participants = (frame.eventBody as { participants: Array<Record<string, unknown>> }).participants;
    const customer = participants.find((p) => p.purpose === 'customer')!;
    expect(customer).toMatchObject({ endTime: null, userId: null, wrapup: null, endAcwTime: null });
    const agentCall = (participants.find((p) => p.purpose === 'agent')!.calls as Array<Record<string, unknown>>)[0];
    expect(agentCall).toMatchObject({ state: 'alerting', connectedTime: null, disconnectedTime: null, afterCallWork: null });
  });
});
