// REST faithfulness of the simulator, exercised through the real Genesys SDK (setGateway) and plain fetch.
import platformClient from 'purecloud-platform-client-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { startGenesysSim, type GenesysSim, type SimOptions } from './genesys-sim.js';
import { sdkClientFor } from '../../test/support/sim.js';

let sim: GenesysSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(options: SimOptions = {}) {
  sim = await startGenesysSim(options);
  const client = sdkClientFor(sim);
  await client.loginClientCredentialsGrant(sim.clientId, sim.clientSecret);
  return { sim, client };
}

interface Rejected { status?: number; code?: string; response?: { status: number; data: Record<string, unknown> } }
const rejection = (p: Promise<unknown>): Promise<Rejected> => p.then(() => { throw new Error('expected rejection'); }, (e: Rejected) => e);

describe('oauth and auth', () => {
  it('issues a bearer token through the SDK and rejects bad credentials with invalid_client', async () => {
    const { sim } = await setup();
    expect(sim.stats.tokensIssued).toBe(1);
    const bad = sdkClientFor(sim);
    const err = await rejection(bad.loginClientCredentialsGrant(sim.clientId, 'wrong'));
    expect(err.response?.status).toBe(401);
    expect(err.response?.data).toEqual({ error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' });
  });

  it('answers 401 ErrorBody for missing and unknown tokens, with correlation and rate-limit headers', async () => {
    const { sim } = await setup();
    const missing = await fetch(`${sim.url}/api/v2/routing/queues`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('inin-correlation-id')).toBeTruthy();
    expect(missing.headers.get('inin-ratelimit-allowed')).toBe('300');
    expect(await missing.json()).toMatchObject({ code: 'authentication.required', status: 401, details: [], errors: [] });
    const client = sdkClientFor(sim);
    client.setAccessToken('not-a-token');
    const err = await rejection(new platformClient.RoutingApi(client).getRoutingQueues());
    expect(err).toMatchObject({ status: 401, code: 'bad.credentials' });
  });

  it('expires tokens after tokenTtlSeconds', async () => {
    const { sim, client } = await setup({ tokenTtlSeconds: 0 });
    const err = await rejection(new platformClient.RoutingApi(client).getRoutingQueues());
    expect(err).toMatchObject({ status: 401, code: 'bad.credentials' });
    expect(sim.stats.requests.at(-1)).toEqual({ method: 'GET', path: '/api/v2/routing/queues', status: 401 });
  });

  it('answers 503 on /oauth/token while tokenDownFor is active', async () => {
    sim = await startGenesysSim();
    sim.faults.tokenDownFor(10_000);
    const err = await rejection(sdkClientFor(sim).loginClientCredentialsGrant(sim.clientId, sim.clientSecret));
    expect(err.response?.status).toBe(503);
  });
});

describe('routing', () => {
  it('lists queues with paging and wrap-up codes', async () => {
    const { sim, client } = await setup();
    const routing = new platformClient.RoutingApi(client);
    const page = await routing.getRoutingQueues({ pageSize: 2, pageNumber: 2 });
    expect(page).toMatchObject({ pageSize: 2, pageNumber: 2, total: 3, pageCount: 2 });
    expect(page.entities?.map((q) => q.id)).toEqual([sim.queues[2]?.id]);
    const queueId = sim.queues[0]?.id ?? '';
    const codes = await routing.getRoutingQueueWrapupcodes(queueId);
    expect(codes.entities?.map((c) => c.name)).toEqual(sim.queues[0]?.wrapupCodes.map((c) => c.name));
    expect(await rejection(routing.getRoutingQueueWrapupcodes('00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404, code: 'not.found' });
  });
});

describe('conversations', () => {
  it('serves a voice conversation whose endTime appears only once the last participant left', async () => {
    const { sim, client } = await setup();
    const api = new platformClient.ConversationsApi(client);
    const conv = sim.startConversation({ scenario: 'voice-billing-dispute' });
    const active = await api.getConversation(conv.id);
    expect(active.endTime).toBeUndefined();
    expect(active.participants.map((p) => p.purpose)).toEqual(['customer', 'ivr', 'acd', 'agent']);
    sim.endConversation(conv.id);
    const ended = await api.getConversation(conv.id);
    expect(ended.endTime).toBe(sim.getConversation(conv.id)?.endTime);
    const agent = ended.participants.find((p) => p.purpose === 'agent');
    expect(agent).toMatchObject({ wrapupRequired: true, queueId: conv.queueId, wrapup: { code: expect.any(String) } });
    expect(agent?.calls?.[0]).toMatchObject({ state: 'disconnected', disconnectType: 'peer' });
    expect(await rejection(api.getConversation('00000000-0000-4000-8000-000000000000'))).toMatchObject({ status: 404, code: 'not.found' });
  });

  it('hands out a pre-signed transcript URL only after the end, serving the STA document', async () => {
    const { sim, client } = await setup({ transcriptUrlTtlMs: 300 });
    const sta = new platformClient.SpeechTextAnalyticsApi(client);
    const conv = sim.startConversation({ scenario: 'voice-card-replacement' });
    const rest = await new platformClient.ConversationsApi(client).getConversation(conv.id);
    const commId = rest.participants.find((p) => p.purpose === 'customer')?.calls?.[0]?.id ?? '';
    expect(await rejection(sta.getSpeechandtextanalyticsConversationCommunicationTranscripturl(conv.id, commId))).toMatchObject({ status: 404, code: 'not.found' });
    sim.endConversation(conv.id);
    const { url } = await sta.getSpeechandtextanalyticsConversationCommunicationTranscripturl(conv.id, commId);
    expect(url).toMatch(/\/sta-transcripts\/[0-9a-f]+\.json\?.*X-Amz-Expires=1/);
    const doc = (await (await fetch(url ?? '')).json()) as { conversationId: string; communicationId: string; transcripts: Array<{ language: string; phrases: Array<{ participantPurpose: string; startTimeMs: number; text: string }> }> };
    expect(doc).toMatchObject({ conversationId: conv.id, communicationId: commId, mediaType: 'call' });
    const phrases = doc.transcripts[0]?.phrases ?? [];
    expect(phrases.map((p) => p.participantPurpose).slice(0, 3)).toEqual(['ivr', 'ivr', 'internal']);
    // As Speech & Text Analytics writes it: lower case, no punctuation, the card number spoken.
    const card = conv.scenario.pii.find((p) => p.type === 'card')?.value ?? '';
    expect(card).toMatch(/^five five (?:oh|zero)/);
    expect(phrases.some((p) => p.participantPurpose === 'external' && p.text.includes(card))).toBe(true);
    expect(phrases.every((p) => p.text === p.text.toLowerCase() && !/[.,?!:;]/.test(p.text))).toBe(true);
    expect(phrases.every((p, i) => i === 0 || p.startTimeMs > (phrases[i - 1]?.startTimeMs ?? 0))).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    expect((await fetch(url ?? '')).status).toBe(403);
  });

  it('serves the written text of a voice scenario when ASR is off (per simulator or per conversation)', async () => {
    const { sim, client } = await setup({ asrVoice: false });
    const sta = new platformClient.SpeechTextAnalyticsApi(client);
    const phrasesOf = async (conv: { id: string }): Promise<string[]> => {
      const rest = await new platformClient.ConversationsApi(client).getConversation(conv.id);
      const commId = rest.participants.find((p) => p.purpose === 'customer')?.calls?.[0]?.id ?? '';
      const { url } = await sta.getSpeechandtextanalyticsConversationCommunicationTranscripturl(conv.id, commId);
      const doc = (await (await fetch(url ?? '')).json()) as { transcripts: Array<{ phrases: Array<{ text: string }> }> };
      return (doc.transcripts[0]?.phrases ?? []).map((p) => p.text);
    };
    const literal = sim.startConversation({ scenario: 'voice-card-replacement' });
    sim.endConversation(literal.id);
    expect(await phrasesOf(literal)).toContain('I have a photo of it, it is 5500-0000-0000-0004.');
    expect(literal.scenario.pii.find((p) => p.type === 'card')?.value).toBe('5500-0000-0000-0004');
    const spoken = sim.startConversation({ scenario: 'voice-card-replacement', asr: true });
    sim.endConversation(spoken.id);
    expect(await phrasesOf(spoken)).toContain(`i have a photo of it it is ${spoken.scenario.pii.find((p) => p.type === 'card')?.value}`);
  });

  it('keeps the transcript 404 for transcriptDelayMs after the end', async () => {
    const { sim, client } = await setup({ transcriptDelayMs: 60_000 });
    const conv = await sim.playConversation({ scenario: 'voice-outage-short', durationMs: 0 });
    const rest = await new platformClient.ConversationsApi(client).getConversation(conv.id);
    const commId = rest.participants.find((p) => p.purpose === 'customer')?.calls?.[0]?.id ?? '';
    const sta = new platformClient.SpeechTextAnalyticsApi(client);
    expect(await rejection(sta.getSpeechandtextanalyticsConversationCommunicationTranscripturl(conv.id, commId))).toMatchObject({ status: 404 });
  });

  it('serves messaging conversations and message bodies in bulk', async () => {
    const { sim, client } = await setup();
    const api = new platformClient.ConversationsApi(client);
    const conv = await sim.playConversation({ scenario: 'message-refund', durationMs: 0 });
    const messaging = await api.getConversationsMessage(conv.id);
    const ids = messaging.participants?.flatMap((p) => (p.messages ?? []).map((m) => m.messageId ?? '')) ?? [];
    expect(ids).toHaveLength(conv.scenario.turns.length);
    // SDK 262's wrapper drops useNormalizedMessage: without it only textBody etc. come back (docs/genesys.md §7).
    const plain = await api.postConversationsMessageMessagesBulk(conv.id, { body: ids });
    expect(plain.entities?.every((m) => m.normalizedMessage === undefined && typeof (m as { textBody?: unknown }).textBody === 'string')).toBe(true);
    const bulk = (await client.callApi(
      '/api/v2/conversations/messages/{conversationId}/messages/bulk', 'POST', { conversationId: conv.id },
      { useNormalizedMessage: true } as unknown as Record<string, object>, {}, {}, ids, ['PureCloud OAuth'], ['application/json'], ['application/json'],
    )) as { entities?: Array<{ direction?: string; normalizedMessage?: { text?: string } }> };
    const first = bulk.entities?.find((m) => m.direction === 'inbound');
    expect(first).toMatchObject({ conversationId: conv.id, normalizedMessage: { type: 'Text', direction: 'Inbound' } });
    expect(bulk.entities?.map((m) => m.normalizedMessage?.text).join(' ')).toContain('j.whitfield77@example.org');
    const tooMany = Array.from({ length: 1001 }, (_, i) => String(i));
    expect(await rejection(api.postConversationsMessageMessagesBulk(conv.id, { body: tooMany }))).toMatchObject({ status: 400, code: 'bad.request' });
  });

  it('serves email previews and full email messages', async () => {
    const { sim, client } = await setup();
    const api = new platformClient.ConversationsApi(client);
    const conv = await sim.playConversation({ scenario: 'email-address-change', durationMs: 0 });
    const list = await api.getConversationsEmailMessages(conv.id);
    expect(list.entities).toHaveLength(3);
    const firstId = list.entities?.[0]?.id ?? '';
    const full = await api.getConversationsEmailMessage(conv.id, firstId);
    expect(full).toMatchObject({ subject: 'Please update my billing address', from: { email: 'customer@example.com' } });
    expect(full.textBody).toContain('9 Harbour View Terrace');
    expect(await rejection(api.getConversationsEmailMessages((await sim.playConversation({ scenario: 'voice-outage-short', durationMs: 0 })).id))).toMatchObject({ status: 404 });
  });
});

describe('analytics', () => {
  it('selects by start day touched, honours conversationEnd exists, segment filters and paging limits', async () => {
    const { sim, client } = await setup();
    const analytics = new platformClient.AnalyticsApi(client);
    const day = Date.UTC(2026, 0, 5);
    const morning = sim.startConversation({ scenario: 'voice-outage-short', startTime: new Date(day + 8 * 3600_000) });
    sim.endConversation(morning.id);
    const active = sim.startConversation({ scenario: 'message-hours-short', startTime: new Date(day + 9 * 3600_000) });
    sim.startConversation({ scenario: 'voice-outage-short', startTime: new Date(day - 3600_000) });
    const interval = '2026-01-05T20:00:00.000Z/2026-01-05T21:00:00.000Z';
    const all = await analytics.postAnalyticsConversationsDetailsQuery({ interval, order: 'asc', orderBy: 'conversationStart' });
    expect(all.conversations?.map((c) => c.conversationId)).toEqual([morning.id, active.id]);
    const ended = await analytics.postAnalyticsConversationsDetailsQuery({ interval, conversationFilters: [{ type: 'and', predicates: [{ dimension: 'conversationEnd', operator: 'exists' }] }] });
    expect(ended).toMatchObject({ totalHits: 1, conversations: [{ conversationId: morning.id }] });
    const messages = await analytics.postAnalyticsConversationsDetailsQuery({ interval, segmentFilters: [{ type: 'or', predicates: [{ dimension: 'mediaType', value: 'message' }] }] });
    expect(messages.conversations?.map((c) => c.conversationId)).toEqual([active.id]);
    const otherQueue = await analytics.postAnalyticsConversationsDetailsQuery({ interval, segmentFilters: [{ type: 'or', predicates: [{ dimension: 'queueId', value: sim.queues[2]?.id ?? '' }] }] });
    expect(otherQueue).toEqual({ totalHits: 0 });
    const page2 = await analytics.postAnalyticsConversationsDetailsQuery({ interval, paging: { pageSize: 1, pageNumber: 2 } });
    expect(page2).toMatchObject({ totalHits: 2, conversations: [{ conversationId: active.id }] });
    expect(await rejection(analytics.postAnalyticsConversationsDetailsQuery({ interval, paging: { pageSize: 101, pageNumber: 1 } }))).toMatchObject({ status: 400 });
    const detail = await analytics.getAnalyticsConversationDetails(morning.id);
    const agent = detail.participants?.find((p) => p.purpose === 'agent');
    expect(agent?.sessions?.[0]?.segments?.map((s) => s.segmentType)).toEqual(['alert', 'interact', 'wrapup']);
    expect(agent?.sessions?.[0]?.segments?.[2]?.wrapUpCode).toEqual(expect.any(String));
  });
});

describe('rate limits and faults', () => {
  it('answers 429 with Retry-After and inin-ratelimit headers, visible through extended responses', async () => {
    const { sim, client } = await setup();
    client.setReturnExtendedResponses(true);
    const routing = new platformClient.RoutingApi(client);
    sim.faults.rateLimitNext(1, 7);
    const err = (await rejection(routing.getRoutingQueues())) as unknown as { status: number; headers: Record<string, string>; body: Record<string, unknown> };
    expect(err.status).toBe(429);
    expect(err.headers['retry-after']).toBe('7');
    expect(err.body).toMatchObject({ code: 'too.many.requests.retry.after', message: 'Rate limit exceeded the maximum. Retry the request in [7] seconds' });
    const ok = (await routing.getRoutingQueues()) as unknown as { status: number; headers: Record<string, string> };
    expect(ok.status).toBe(200);
    expect(Number(ok.headers['inin-ratelimit-count'])).toBeGreaterThan(0);
  });

  it('enforces the per-token budget and injected 5xx', async () => {
    const { sim, client } = await setup({ rateLimitPerMinute: 2 });
    const routing = new platformClient.RoutingApi(client);
    sim.faults.failNext(1, 502, '/api/v2/routing');
    expect(await rejection(routing.getRoutingQueues())).toMatchObject({ status: 502, code: 'bad.gateway' });
    await routing.getRoutingQueues();
    const limited = await fetch(`${sim.url}/api/v2/routing/queues`, { headers: { authorization: `Bearer ${(client as unknown as { authData: { accessToken: string } }).authData.accessToken}` } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers malformed JSON with 400 bad.request and unknown routes with 404', async () => {
    const { sim, client } = await setup();
    const token = (client as unknown as { authData: { accessToken: string } }).authData.accessToken;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bad = await fetch(`${sim.url}/api/v2/analytics/conversations/details/query`, { method: 'POST', headers, body: '{"interval":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad.request', status: 400 });
    const unknown = await fetch(`${sim.url}/api/v2/nothing/here`, { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not.found' });
  });
});

describe('endTime and ACW', () => {
  async function endTimes(options: SimOptions) {
    const { sim, client } = await setup({ ...options, wrapupDelayMs: 150 });
    const api = new platformClient.ConversationsApi(client);
    const analytics = new platformClient.AnalyticsApi(client);
    const conv = sim.startConversation({ scenario: 'voice-outage-short' });
    sim.endConversation(conv.id);
    const during = { rest: (await api.getConversation(conv.id)).endTime, analytics: (await analytics.getAnalyticsConversationDetails(conv.id)).conversationEnd };
    await new Promise((r) => setTimeout(r, 250));
    const after = { rest: (await api.getConversation(conv.id)).endTime, analytics: (await analytics.getAnalyticsConversationDetails(conv.id)).conversationEnd };
    return { during, after, view: sim.getConversation(conv.id) };
  }

  it('by default endTime is set when the agent leaves, before the wrap-up', async () => {
    const { during, after } = await endTimes({});
    expect(during.rest).toEqual(expect.any(String));
    expect(during.analytics).toEqual(expect.any(String));
    expect(after.rest).toBe(during.rest);
  });

  it('with endTimeAfterAcw, endTime and conversationEnd appear only once the wrap-up is applied', async () => {
    const { during, after, view } = await endTimes({ endTimeAfterAcw: true });
    expect(during.rest).toBeUndefined();
    expect(during.analytics).toBeUndefined();
    expect(after.rest).toEqual(expect.any(String));
    expect(after.analytics).toBe(after.rest);
    expect(view?.endTime).toBe(after.rest);
  });
});
