import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import type { ConversationInfo } from '../../domain.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { createConversationSource } from './source.js';
import { AppError } from '../../errors.js';
import { stripQuotedHistory } from './transcript-email.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';

const CONV = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
const CUST_CALL = '778a72f3-4d31-48fc-8adc-bd52c0939e37';
const END = '2026-01-01T10:05:00.000Z';

let fake: FakeGenesys;
let client: GenesysClient;
let clock: number;
let sleeps: number[];

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  client?.close();
  await fake?.close();
});

async function setup(opts: { windowMs?: number; maxWaitMs?: number } = {}) {
  fake = await startFakeGenesys();
  client = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger(), sleep: async () => {} });
  clock = Date.parse(END);
  sleeps = [];
  return createConversationSource({
    client,
    logger: silentLogger(),
    transcriptRetryWindowMs: opts.windowMs ?? 60_000,
    transcriptRetryBaseMs: 5_000,
    transcriptDownload: { allow: [fake.url] },
    ...(opts.maxWaitMs !== undefined ? { maxTranscriptWaitMs: opts.maxWaitMs } : {}),
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
  });
}

const voiceConversation = {
  id: CONV,
  startTime: '2026-01-01T10:00:00.000Z',
  endTime: END,
  participants: [
    { id: 'p1', purpose: 'customer', address: 'tel:+15551234567', calls: [{ id: CUST_CALL, state: 'disconnected' }] },
    { id: 'p2', purpose: 'ivr', calls: [{ id: 'ivr-call', state: 'disconnected' }] },
    { id: 'p3', purpose: 'agent', queueId: 'q1', calls: [{ id: 'agent-call', state: 'disconnected' }] },
  ],
};

const staJson = {
  conversationId: CONV,
  communicationId: CUST_CALL,
  transcripts: [
    {
      language: 'en-US',
      phrases: [
        { text: "i'm fine how about you", startTimeMs: 1610679614866, participantPurpose: 'external', words: [] },
        { text: 'hello Jane Doe', startTimeMs: 1610679608966, participantPurpose: 'internal', words: [] },
        { text: 'press one for sales', startTimeMs: 1610679600000, participantPurpose: 'ivr' },
        { text: '   ', startTimeMs: 1610679609000, participantPurpose: 'internal' },
      ],
    },
  ],
  participants: [],
};

function serveVoice(notReadyTimes: number): void {
  let calls = 0;
  fake.on('GET', `/api/v2/conversations/${CONV}`, () => ({ body: voiceConversation }));
  fake.on('GET', `/api/v2/speechandtextanalytics/conversations/${CONV}/communications/${CUST_CALL}/transcripturl`, () =>
    ++calls <= notReadyTimes ? { status: 404, body: { status: 404, code: 'not.found' } } : { body: { url: `${fake.url}/s3/transcript.json?X-Amz-Expires=600` } },
  );
  fake.on('GET', '/s3/transcript.json', () => ({ body: staJson }));
}

describe('getConversation', () => {
  it('maps media type, queues and communications', async () => {
    const source = await setup();
    serveVoice(0);
    const info = await source.getConversation(CONV);
    expect(info).toEqual({
      conversationId: CONV,
      startTime: '2026-01-01T10:00:00.000Z',
      endTime: END,
      mediaType: 'voice',
      queueIds: ['q1'],
      participantCount: 3,
      communications: [
        { id: CUST_CALL, mediaType: 'voice', participantPurpose: 'customer' },
        { id: 'ivr-call', mediaType: 'voice', participantPurpose: 'ivr' },
        { id: 'agent-call', mediaType: 'voice', participantPurpose: 'agent' },
      ],
      customerAddresses: ['tel:+15551234567'],
    });
  });

  it('maps 404 to CONVERSATION_NOT_FOUND', async () => {
    const source = await setup();
    await expect(source.getConversation(CONV)).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND', upstreamStatus: 404 });
  });
});

describe('getTranscript: voice', () => {
  it('downloads the STA transcript without auth and normalizes turns', async () => {
    const source = await setup();
    serveVoice(0);
    const transcript = await source.getTranscript(await source.getConversation(CONV));
    expect(transcript).toEqual({
      conversationId: CONV,
      mediaType: 'voice',
      language: 'en-US',
      turns: [
        { speaker: 'ivr', text: 'press one for sales', at: new Date(1610679600000).toISOString() },
        { speaker: 'agent', text: 'hello Jane Doe', at: new Date(1610679608966).toISOString() },
        { speaker: 'customer', text: "i'm fine how about you", at: new Date(1610679614866).toISOString() },
      ],
    });
    expect(fake.requests.find((r) => r.path === '/s3/transcript.json')?.headers.authorization).toBeUndefined();
  });

  it('retries a not-yet-processed transcript (404) with backoff, then succeeds', async () => {
    const source = await setup();
    serveVoice(2);
    const transcript = await source.getTranscript(await source.getConversation(CONV));
    expect(transcript.turns).toHaveLength(3);
    expect(sleeps).toEqual([5_000, 10_000]);
  });

  it('fails non-retryably once the window after endTime is used up', async () => {
    const source = await setup({ windowMs: 30_000 });
    serveVoice(100);
    const info = await source.getConversation(CONV);
    await expect(source.getTranscript(info)).rejects.toMatchObject({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: false });
    expect(sleeps).toEqual([5_000, 10_000]); // a third wait (20 s) would pass end + 30 s
  });

  it('an aborted run stops waiting for the transcript at once, with the abort reason', async () => {
    const source = await setup({ windowMs: 600_000 });
    serveVoice(100);
    const info = await source.getConversation(CONV);
    const controller = new AbortController();
    const reason = new AppError('INTERNAL', 'task exceeded 1000 ms', { retryable: true });
    let waiting!: () => void;
    const waited = new Promise<void>((resolve) => (waiting = resolve));
    const hanging = createConversationSource({
      client,
      logger: silentLogger(),
      transcriptRetryWindowMs: 600_000,
      transcriptRetryBaseMs: 5_000,
      transcriptDownload: { allow: [fake.url] },
      now: () => clock,
      // A sleep that never ends by itself: only the abort can end the wait.
      sleep: () => (waiting(), new Promise<void>(() => undefined)),
    });
    const transcript = hanging.getTranscript(info, controller.signal);
    await waited;
    controller.abort(reason);
    await expect(transcript).rejects.toBe(reason);
  });

  it('hands back a retryable error when its own wait budget ends before the window', async () => {
    const source = await setup({ windowMs: 600_000, maxWaitMs: 12_000 });
    serveVoice(100);
    const err = await source.getTranscript(await source.getConversation(CONV)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: true, retryAfterMs: 10_000 });
  });
});

describe('getTranscript: messaging', () => {
  it('fetches bodies in bulk with useNormalizedMessage and orders turns', async () => {
    const source = await setup();
    fake.on('GET', `/api/v2/conversations/${CONV}`, () => ({
      body: { id: CONV, startTime: END, endTime: END, participants: [{ purpose: 'customer', messages: [{ id: 'm-comm', state: 'disconnected' }] }] },
    }));
    fake.on('GET', `/api/v2/conversations/messages/${CONV}`, () => ({
      body: {
        id: CONV,
        participants: [
          { purpose: 'customer', messages: [{ messageId: 'm1' }, { messageId: 'm3' }] },
          { purpose: 'workflow', messages: [{ messageId: 'm0' }] },
          { purpose: 'agent', messages: [{ messageId: 'm2' }] },
        ],
      },
    }));
    let bulkQuery = '';
    let bulkBody: unknown;
    fake.on('POST', `/api/v2/conversations/messages/${CONV}/messages/bulk`, (req) => {
      bulkQuery = req.query.toString();
      bulkBody = JSON.parse(req.body);
      return {
        body: {
          entities: [
            { id: 'm2', timestamp: '2026-01-01T10:02:00Z', direction: 'outbound', textBody: 'old', normalizedMessage: { text: 'How can I help?' } },
            { id: 'm1', timestamp: '2026-01-01T10:01:00Z', direction: 'inbound', textBody: 'My order is late' },
            { id: 'm3', timestamp: '2026-01-01T10:03:00Z', direction: 'inbound', normalizedMessage: { text: '' } },
            { id: 'm0', timestamp: '2026-01-01T10:00:00Z', direction: 'outbound', normalizedMessage: { text: 'Hi, I am a bot' } },
          ],
        },
      };
    });
    const info = await source.getConversation(CONV);
    expect(info.mediaType).toBe('message');
    const transcript = await source.getTranscript(info);
    expect(bulkQuery).toBe('useNormalizedMessage=true');
    expect(bulkBody).toEqual(['m1', 'm3', 'm0', 'm2']);
    expect(transcript.turns).toEqual([
      { speaker: 'bot', text: 'Hi, I am a bot', at: '2026-01-01T10:00:00Z' },
      { speaker: 'customer', text: 'My order is late', at: '2026-01-01T10:01:00Z' },
      { speaker: 'agent', text: 'How can I help?', at: '2026-01-01T10:02:00Z' },
    ]);
  });
});

describe('getTranscript: email', () => {
  it('orders messages, attributes senders and strips quoted history', async () => {
    const source = await setup();
    fake.on('GET', `/api/v2/conversations/${CONV}`, () => ({
      body: {
        id: CONV,
        startTime: END,
        endTime: END,
        participants: [
          { purpose: 'customer', address: 'Jane@Example.com', emails: [{ id: 'e1', state: 'disconnected' }] },
          { purpose: 'agent', emails: [{ id: 'e2', state: 'disconnected' }] },
        ],
      },
    }));
    fake.on('GET', `/api/v2/conversations/emails/${CONV}/messages`, () => ({
      body: { entities: [{ id: 'reply', time: '2026-01-01T11:00:00Z' }, { id: 'first', time: '2026-01-01T10:00:00Z' }] },
    }));
    fake.on('GET', `/api/v2/conversations/emails/${CONV}/messages/first`, () => ({
      body: { from: { email: 'jane@example.com' }, to: [], subject: 'Refund', textBody: 'Where is my refund?', time: '2026-01-01T10:00:00Z' },
    }));
    fake.on('GET', `/api/v2/conversations/emails/${CONV}/messages/reply`, () => ({
      body: {
        from: { email: 'support@acme.com' },
        to: [],
        subject: 'Re: Refund',
        textBody: 'It was sent today.\n\nOn Mon, Jan 1, 2026 at 10:00 AM Jane <jane@example.com> wrote:\n> Where is my refund?',
        time: '2026-01-01T11:00:00Z',
      },
    }));
    const info = await source.getConversation(CONV);
    expect(info.mediaType).toBe('email');
    const transcript = await source.getTranscript(info);
    expect(transcript.turns).toEqual([
      { speaker: 'customer', text: 'Refund\n\nWhere is my refund?', at: '2026-01-01T10:00:00Z' },
      { speaker: 'agent', text: 'It was sent today.', at: '2026-01-01T11:00:00Z' },
    ]);
  });

  it('stripQuotedHistory handles > lines, wrapped "On … wrote:" and Original Message', () => {
    expect(stripQuotedHistory('Thanks!\n> old line\nmore')).toBe('Thanks!\nmore');
    expect(stripQuotedHistory('Ok\nOn Mon, Jan 1, 2026 at 10:00 AM Jane Doe <\njane@x.com> wrote:\nold')).toBe('Ok');
    expect(stripQuotedHistory('Done\r\n-----Original Message-----\r\nFrom: x')).toBe('Done');
  });
});

describe('getTranscript: other media', () => {
  it('rejects chat/callback with UNSUPPORTED_MEDIA', async () => {
    const source = await setup();
    const info: ConversationInfo = { conversationId: CONV, startTime: END, endTime: END, mediaType: 'callback', queueIds: [], participantCount: 1, communications: [] };
    await expect(source.getTranscript(info)).rejects.toMatchObject({ code: 'UNSUPPORTED_MEDIA' });
  });
});
