// The transcript download against real loopback servers: allow-list, redirects, abort/timeout and the byte cap.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../logger.js';
import { AppError } from '../../errors.js';
import type { ConversationSource } from '../../ports.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { createConversationSource } from './source.js';
import type { TranscriptDownloadOptions } from './transcript-download.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';

const CONV = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
const CALL = '778a72f3-4d31-48fc-8adc-bd52c0939e37';
const MiB = 1024 * 1024;
const STA_JSON = JSON.stringify({
  conversationId: CONV,
  communicationId: CALL,
  transcripts: [{ language: 'en-US', phrases: [{ text: 'hello there', startTimeMs: 1610679608966, participantPurpose: 'internal' }] }],
});

/** A loopback HTTP peer: counts requests, bytes written and closed connections. */
interface Peer {
  url: string;
  requests: number;
  written: number;
  /** Resolves when the socket of the first request closes. */
  closed: Promise<void>;
  close(): Promise<void>;
}

const peers: Peer[] = [];
let fake: FakeGenesys;
let client: GenesysClient;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  client?.close();
  await fake?.close();
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function startPeer(handle: (req: IncomingMessage, res: ServerResponse, peer: Peer) => void): Promise<Peer> {
  let onClosed: () => void = () => undefined;
  const server = createServer((req, res) => {
    peer.requests += 1;
    if (peer.requests === 1) req.socket.once('close', onClosed);
    handle(req, res, peer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const peer: Peer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    written: 0,
    closed: new Promise<void>((resolve) => (onClosed = resolve)),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
  peers.push(peer);
  return peer;
}

const servesTranscript = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(STA_JSON);
};

/** Streams `total` bytes of a JSON-looking body, honouring backpressure, counting what the socket accepted. */
const streams = (total: number, headers: Record<string, string> = {}) => (_req: IncomingMessage, res: ServerResponse, peer: Peer): void => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  const pump = (): void => {
    while (peer.written < total && !res.destroyed) {
      peer.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  res.on('error', () => undefined);
  pump();
};

/** A server that answers with headers and the start of a body, then never another byte. */
const hangs = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"transcripts":[');
};

const redirectsTo = (location: string, status = 302) => (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(status, { location }).end();
};

/** A source whose STA transcripturl answers `url`; `download.allow` is given explicitly by each test. */
async function sourceFor(url: string, download: TranscriptDownloadOptions, logger = silentLogger()): Promise<ConversationSource> {
  fake = await startFakeGenesys();
  client = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger(), sleep: async () => {} });
  fake.on('GET', `/api/v2/conversations/${CONV}`, () => ({
    body: { id: CONV, startTime: '2026-01-01T10:00:00Z', endTime: '2026-01-01T10:05:00Z', participants: [{ purpose: 'customer', calls: [{ id: CALL }] }] },
  }));
  fake.on('GET', `/api/v2/speechandtextanalytics/conversations/${CONV}/communications/${CALL}/transcripturl`, () => ({ body: { url } }));
  return createConversationSource({ client, logger, transcriptRetryWindowMs: 60_000, transcriptRetryBaseMs: 1_000, transcriptDownload: download });
}

async function fetchTranscript(source: ConversationSource, signal?: AbortSignal): Promise<unknown> {
  return source.getTranscript(await source.getConversation(CONV), signal).catch((err: unknown) => err);
}

describe('transcript URL allow-list', () => {
  const refused = (refusal: string) => ({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: false, details: expect.objectContaining({ reason: 'url_not_allowed', refusal }) });

  it('refuses data: and file: URLs without reading them', async () => {
    const data = `data:application/json;base64,${Buffer.from(STA_JSON).toString('base64')}`;
    expect(await fetchTranscript(await sourceFor(data, { allow: ['*.s3.amazonaws.com'] }))).toMatchObject(refused('scheme_not_allowed'));
    client.close();
    await fake.close();
    expect(await fetchTranscript(await sourceFor('file:///etc/passwd', { allow: ['*.s3.amazonaws.com'] }))).toMatchObject(refused('scheme_not_allowed'));
  });

  it('refuses http to a host that is not listed as an origin, and userinfo even on a listed one', async () => {
    const other = await startPeer(servesTranscript);
    const listed = await startPeer(servesTranscript);
    expect(await fetchTranscript(await sourceFor(`${other.url}/t.json`, { allow: [listed.url] }))).toMatchObject(refused('scheme_not_allowed'));
    client.close();
    await fake.close();
    const withUser = `http://user:pw@${listed.url.slice('http://'.length)}/t.json`;
    expect(await fetchTranscript(await sourceFor(withUser, { allow: [listed.url] }))).toMatchObject(refused('credentials_in_url'));
    expect(other.requests + listed.requests).toBe(0);
  });

  it('logs the refused host, never the signed URL', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString('utf8')), done()) });
    const signed = 'http://127.0.0.1:9/sta/t.json?X-Amz-Signature=deadbeefcafe';
    const source = await sourceFor(signed, { allow: ['*.s3.amazonaws.com'] }, createLogger({ level: 'info', destination: sink }));
    await fetchTranscript(source);
    const refusal = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'transcript URL refused');
    expect(refusal).toMatchObject({ conversationId: CONV, host: '127.0.0.1', refusal: 'scheme_not_allowed' });
    expect(lines.join('')).not.toContain('deadbeefcafe');
  });
});

describe('redirects', () => {
  it('re-checks every redirect: follows one to a listed origin, refuses one to an unlisted loopback origin unrequested', async () => {
    const target = await startPeer(servesTranscript);
    const start = await startPeer(redirectsTo(`${target.url}/t.json`, 307));
    const transcript = await fetchTranscript(await sourceFor(`${start.url}/t.json`, { allow: [start.url, target.url] }));
    expect(transcript).toMatchObject({ turns: [{ speaker: 'agent', text: 'hello there' }] });
    expect(target.requests).toBe(1);
    client.close();
    await fake.close();
    const err = await fetchTranscript(await sourceFor(`${start.url}/t.json`, { allow: [start.url] }));
    expect(err).toMatchObject({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: false, details: { reason: 'url_not_allowed', host: '127.0.0.1', hop: 1 } });
    expect(target.requests).toBe(1);
  });

  it('refuses a redirect to a host off the list without resolving it', async () => {
    // `.invalid` never resolves: had the redirect been followed, the error would be a retryable network failure.
    const offList = await startPeer(redirectsTo('https://transcripts.invalid/t.json'));
    const err = await fetchTranscript(await sourceFor(`${offList.url}/t.json`, { allow: [offList.url] }));
    expect(err).toMatchObject({ retryable: false, details: { reason: 'url_not_allowed', refusal: 'host_not_allowed', host: 'transcripts.invalid' } });
  });

  it('gives up after three hops', async () => {
    const loop = await startPeer((req, res) => redirectsTo(`/hop${Number(req.url?.slice(4) ?? 0) + 1}`)(req, res));
    const err = await fetchTranscript(await sourceFor(`${loop.url}/hop0`, { allow: [loop.url] }));
    expect(err).toMatchObject({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: false, details: { reason: 'too_many_redirects' } });
    expect(loop.requests).toBe(4);
  });
});

describe('a hung transcript server', () => {
  it("is abandoned when the task is aborted, with the task's reason, and the connection is closed", async () => {
    const hung = await startPeer(hangs);
    const source = await sourceFor(`${hung.url}/t.json`, { allow: [hung.url] });
    const controller = new AbortController();
    const reason = new AppError('INTERNAL', 'task exceeded its time', { retryable: true });
    const result = fetchTranscript(source, controller.signal);
    while (hung.requests === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort(reason);
    expect(await result).toBe(reason);
    await hung.closed;
  }, 10_000);

  it('is abandoned at the download timeout with a retryable error, and the connection is closed', async () => {
    const hung = await startPeer(hangs);
    const err = await fetchTranscript(await sourceFor(`${hung.url}/t.json`, { allow: [hung.url], timeoutMs: 300 }));
    expect(err).toMatchObject({ code: 'TRANSCRIPT_UNAVAILABLE', retryable: true, details: { reason: 'timeout' } });
    await hung.closed;
  }, 10_000);
});

describe('the byte cap', () => {
  it('stops reading a 20 MiB transcript at the default 8 MiB cap (TRANSCRIPT_TOO_LARGE, final)', async () => {
    const big = await startPeer(streams(20 * MiB));
    const err = await fetchTranscript(await sourceFor(`${big.url}/t.json`, { allow: [big.url] }));
    expect(err).toMatchObject({ code: 'TRANSCRIPT_TOO_LARGE', retryable: false, details: { maxBytes: 8 * MiB } });
    await big.closed;
    expect(big.written).toBeLessThan(20 * MiB);
  }, 20_000);

  it('refuses a too-large Content-Length before reading the body', async () => {
    const big = await startPeer(streams(20 * MiB, { 'content-length': String(20 * MiB) }));
    const err = await fetchTranscript(await sourceFor(`${big.url}/t.json`, { allow: [big.url], maxBytes: MiB }));
    expect(err).toMatchObject({ code: 'TRANSCRIPT_TOO_LARGE', retryable: false, details: { maxBytes: MiB, declaredBytes: 20 * MiB } });
    await big.closed;
    expect(big.written).toBeLessThan(20 * MiB);
  }, 20_000);
});
