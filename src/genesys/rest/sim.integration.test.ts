import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { startGenesysSim, type GenesysSim } from '../../sim/genesys-sim.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { isConversationOver } from '../notifications/end-detection.js';
import { createNotificationSubscriber, type NotificationSubscriber } from '../notifications/notifications.js';
import { discoverQueueIds } from './queues.js';
import type { QueueConversationSnapshot } from '../notifications/schemas.js';
import { createConversationSource } from './source.js';
import { fakeGenesysConfig, isolateSdkHome } from '../../../test/support/genesys.js';

let sim: GenesysSim | undefined;
let client: GenesysClient | undefined;
let subscriber: NotificationSubscriber | undefined;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  await subscriber?.stop();
  client?.close();
  await sim?.close();
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('against the Genesys simulator', () => {
  it('discovers queues, sees conversations end over the socket, and fetches their transcripts', async () => {
    sim = await startGenesysSim({ heartbeatIntervalMs: 100 });
    const port = Number(new URL(sim.url).port);
    client = createGenesysClient({
      config: fakeGenesysConfig(port, { clientId: sim.clientId, clientSecret: sim.clientSecret }),
      logger: silentLogger(),
    });
    const queueIds = await discoverQueueIds(client);
    expect(queueIds.sort()).toEqual(sim.queues.map((q) => q.id).sort());
    const ended = new Set<string>();
    subscriber = createNotificationSubscriber({
      client,
      logger: silentLogger(),
      queueIds,
      heartbeatTimeoutMs: 1000,
      reconnect: { baseDelayMs: 10, maxDelayMs: 50 },
      onSnapshot: (s: QueueConversationSnapshot) => {
        if (isConversationOver(s)) ended.add(s.id);
      },
    });
    await subscriber.start();
    expect(subscriber.isConnected()).toBe(true);
    const source = createConversationSource({ client, logger: silentLogger(), transcriptRetryWindowMs: 5000, transcriptRetryBaseMs: 50, transcriptDownload: { allow: [sim.url] } });
    const picks = (['voice', 'message', 'email'] as const).map((m) => sim!.scenarios.find((sc) => sc.mediaType === m)!);
    const seen: string[] = [];
    for (const scenario of picks) {
      const conv = await sim.playConversation({ scenario });
      await waitFor(() => ended.has(conv.id));
      const info = await source.getConversation(conv.id);
      expect(info.endTime).not.toBeNull();
      seen.push(info.mediaType);
      const transcript = await source.getTranscript(info);
      expect(transcript.turns.length).toBeGreaterThan(0);
      const speakers = new Set(transcript.turns.map((t) => t.speaker));
      expect(speakers.has('customer') && speakers.has('agent')).toBe(true);
    }
    expect(seen).toEqual(['voice', 'message', 'email']);
  });

  it('reads an email conversation once: getConversation, the message list and one GET per message', async () => {
    sim = await startGenesysSim();
    const port = Number(new URL(sim.url).port);
    client = createGenesysClient({ config: fakeGenesysConfig(port, { clientId: sim.clientId, clientSecret: sim.clientSecret }), logger: silentLogger() });
    const source = createConversationSource({ client, logger: silentLogger(), transcriptRetryWindowMs: 5000, transcriptRetryBaseMs: 50, transcriptDownload: { allow: [sim.url] } });
    const conv = await sim.playConversation({ scenario: sim.scenarios.find((sc) => sc.mediaType === 'email')! });
    const before = sim.stats.requests.length;
    const info = await source.getConversation(conv.id);
    const transcript = await source.getTranscript(info);
    expect(new Set(transcript.turns.map((t) => t.speaker))).toEqual(new Set(['customer', 'agent']));
    const rest = sim.stats.requests.slice(before).filter((r) => r.path.startsWith('/api/v2/'));
    const conversationReads = rest.filter((r) => r.path === `/api/v2/conversations/${conv.id}`);
    expect(conversationReads).toHaveLength(1);
    const messages = rest.filter((r) => r.path.startsWith(`/api/v2/conversations/emails/${conv.id}/messages/`));
    expect(messages.length).toBeGreaterThan(0);
    expect(rest).toHaveLength(2 + messages.length);
  });

  it('recovers from no_longer_subscribed and token_revoked with a backfill gap, and sees ends in null-field snapshots', async () => {
    sim = await startGenesysSim({ heartbeatIntervalMs: 100, nullFields: true, endTimeAfterAcw: true });
    const port = Number(new URL(sim.url).port);
    client = createGenesysClient({ config: fakeGenesysConfig(port, { clientId: sim.clientId, clientSecret: sim.clientSecret }), logger: silentLogger() });
    const ended = new Set<string>();
    const gaps: Array<{ channelId: string; downSinceMs: number }> = [];
    subscriber = createNotificationSubscriber({
      client,
      logger: silentLogger(),
      queueIds: sim.queues.map((q) => q.id),
      heartbeatTimeoutMs: 1000,
      reconnect: { baseDelayMs: 10, maxDelayMs: 50 },
      onSnapshot: (s: QueueConversationSnapshot) => {
        if (isConversationOver(s, { waitForWrapup: true })) ended.add(s.id);
      },
      onReconnected: (info) => gaps.push(info),
    });
    await subscriber.start();
    const first = subscriber.state()[0]!.channelId;
    sim.faults.noLongerSubscribed();
    await waitFor(() => gaps.length === 1 && subscriber!.isConnected());
    expect(gaps[0]!.channelId).not.toBe(first);
    const conv = await sim.playConversation();
    await waitFor(() => ended.has(conv.id));
    const issued = sim.stats.tokensIssued;
    sim.faults.tokenRevoked();
    await waitFor(() => gaps.length === 2 && subscriber!.isConnected());
    expect(sim.stats.tokensIssued).toBe(issued + 1);
    const again = await sim.playConversation();
    await waitFor(() => ended.has(again.id));
    const info = await createConversationSource({ client, logger: silentLogger(), transcriptRetryWindowMs: 5000, transcriptRetryBaseMs: 50, transcriptDownload: { allow: [sim.url] } }).getConversation(again.id);
    expect(info.endTime).not.toBeNull();
  });
});
