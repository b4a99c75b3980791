// The summary read's fast path against Hono's route, byte for byte over raw sockets: the same app served twice, once
// with the fast path in front and once without, must write the same status line, headers (any order, but Date) and
// body for every request, whether the fast path answers it (tier hits, 304s, HEAD) or hands it on (misses, bad keys,
// scopes, rate limits, queries, doubled headers). Hono's fetch is counted to show which path answered.
import { EventEmitter } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, silentLogger } from '../logger.js';
import { NOOP_METRICS } from '../ports.js';
import { createKeyvBackend, createLocalSummaryChanges, createSummaryStore, createEmbeddedTaskQueue, type KeyvBackend } from '../store/index.js';
import { createSummaryService } from '../pipeline/index.js';
import { createTokenBuckets } from '../pipeline/token-buckets.js';
import { sampleRecord } from '../../test/support/summaries.js';
import { createHttpApp, type HttpApp } from './app.js';
import { startHttpServer, type RunningHttpServer } from './server.js';
import type { ApiKey } from './ports.js';

const READER: ApiKey = { name: 'crm', scopes: ['read'], secret: 'reader-key-5c0b7e2a9d4f1e8c3b6a' };
const WRITER: ApiKey = { name: 'ops', scopes: ['submit'], secret: 'writer-key-8e1d4a7c2b5f0e9d6c3a' };
const LIMITED: ApiKey = { name: 'slow', scopes: ['read'], secret: 'limited-key-2f7a1c9e4b8d3e6a0c5b' };
const ID = '5b0c8a0e-3c1f-4a55-9d57-1b8f6f7c2a10';
const UNKNOWN = '7d2eac20-5e3b-4c77-9f79-3dab8b9e4c32';

let backend: KeyvBackend;
let queue: ReturnType<typeof createEmbeddedTaskQueue>;
const servers: RunningHttpServer[] = [];

interface Served {
  /** Raw response text, header lines sorted, Date removed. */
  send(request: string): Promise<string>;
  /** Requests Hono's fetch handled. */
  honoCalls: () => number;
  /** Memory tier lookups counted (true: hit). */
  lookups: boolean[];
}

/** One app over the shared store, served with (`fast`) or without its fast path. */
async function serve(fast: boolean, build?: (deps: Parameters<typeof createHttpApp>[0]) => HttpApp): Promise<Served> {
  const changes = createLocalSummaryChanges();
  const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger(), changes });
  await summaries.put(sampleRecord({ conversation_id: ID }));
  const service = createSummaryService({ queue, summaries, events: new EventEmitter(), defaultMaxLength: 500, templateVersion: 'default@1', logger: silentLogger() });
  const lookups: boolean[] = [];
  // The limited key has a burst of 2 and then waits a minute; the others are not limited in practice.
  const buckets = createTokenBuckets({ ratePerMin: 1, burst: 2 });
  const deps = {
    api: service,
    readiness: [],
    apiKeys: [READER, WRITER, LIMITED],
    requestLimit: (client: string) => (client === 'slow' ? buckets.take(client) : 0),
    bodyLimitBytes: 1024,
    maxWaitMs: 0,
    defaultMaxLength: 500,
    logger: silentLogger(),
    memoryTier: { changes, maxEntries: 100, maxBytes: 1_000_000 },
    metrics: { ...NOOP_METRICS, memoryTierLookup: (hit: boolean) => void lookups.push(hit) },
  };
  const app = (build ?? createHttpApp)(deps);
  const fetch = vi.spyOn(app, 'fetch');
  // Fills the tier the way a first read does.
  await app.request(`/api/summary/${ID}`, { headers: { authorization: `Bearer ${READER.secret}` } });
  lookups.length = 0;
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', serveFirst: fast });
  servers.push(server);
  return { send: (request) => raw(server.port, request), honoCalls: () => fetch.mock.calls.length - 1, lookups };
}

/** Writes `request` on a new connection and reads until the server closes it. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(normalized(Buffer.concat(chunks).toString('latin1'))));
  });
}

/**
 * The response with its header lines sorted and Date dropped: the order of different fields carries no meaning
 * (RFC 9110 §5.3), and Hono's HEAD answer, rebuilt through a Headers object, lists them sorted.
 */
function normalized(response: string): string {
  const end = response.indexOf('\r\n\r\n');
  const [status, ...headers] = response.slice(0, end).split('\r\n');
  const kept = headers.filter((h) => !/^date:/i.test(h)).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return [status, ...kept].join('\r\n') + response.slice(end);
}

const get = (path: string, headers: string[] = [`Authorization: Bearer ${READER.secret}`], method = 'GET') =>
  `${method} ${path} HTTP/1.1\r\nHost: wrapup\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: silentLogger() });
});

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  queue.close();
  await backend.close();
});

describe('the summary read fast path', () => {
  it('answers tier hits itself, with exactly the bytes, headers and metrics of the Hono route', async () => {
    const [fast, hono] = [await serve(true), await serve(false)];
    const etag = /\r\nETag: ("[^"]+")/i.exec(await hono.send(get(`/api/summary/${ID}`)))![1]!;
    const requests = [
      get(`/api/summary/${ID}`),
      get(`/api/summary/${ID.toUpperCase()}`),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`], 'HEAD'),
      get(`/api/summary/${ID}`, [`Authorization: bearer  ${READER.secret} `, `If-None-Match: ${etag}`]),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`, `If-None-Match: "other", W/${etag}`]),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`, 'If-None-Match: *']),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`, 'If-None-Match: "other"']),
    ];
    hono.lookups.length = 0;
    for (const request of requests) {
      const answer = await fast.send(request);
      expect(answer, request).toBe(await hono.send(request));
      expect(answer).toMatch(/^HTTP\/1\.1 (200|304) /);
    }
    expect(fast.honoCalls(), 'every one answered before Hono').toBe(0);
    expect(hono.honoCalls()).toBe(requests.length + 1);
    expect(fast.lookups).toEqual(hono.lookups);
    expect(fast.lookups).toEqual(requests.map(() => true));
  });

  it('hands everything else to Hono, which answers it as it always did', async () => {
    const [fast, hono] = [await serve(true), await serve(false)];
    hono.lookups.length = 0;
    const requests = [
      get(`/api/summary/${UNKNOWN}`),
      get(`/api/summary/${ID}`, []),
      get(`/api/summary/${ID}`, ['Authorization: Bearer not-a-key']),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${WRITER.secret}`]),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`, `Authorization: Bearer ${READER.secret}`]),
      get(`/api/summary/${ID}`, [`X-Api-Key: ${READER.secret}`]),
      get(`/api/summary/${ID}?max_length=100`),
      get(`/api/summary/${ID}?wait=abc`),
      get(`/api/summary/${ID}/`),
      get(`/api/summary/${ID.slice(0, 35)}`),
      get(`/api/summary/${ID.slice(0, 14)}0${ID.slice(15)}`),
      get('/api/summary/status/' + ID),
      get(`/api/summary/${ID}`, [`Authorization: Bearer ${READER.secret}`], 'POST'),
    ];
    for (const request of requests) expect(await fast.send(request), request).toBe(await hono.send(request));
    expect(fast.honoCalls(), 'none answered before Hono').toBe(requests.length);
    expect(fast.lookups, 'a miss is counted once').toEqual(hono.lookups);
  });

  it('spends a limited key one request per read, and leaves its 429 to Hono', async () => {
    const [fast, hono] = [await serve(true), await serve(false)];
    const request = get(`/api/summary/${ID}`, [`Authorization: Bearer ${LIMITED.secret}`]);
    const answers = async (served: Served) => [await served.send(request), await served.send(request), await served.send(request)];
    const [viaFast, viaHono] = [await answers(fast), await answers(hono)];
    expect(viaFast.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 429']);
    expect(viaFast).toEqual(viaHono);
    expect(fast.honoCalls(), 'two hits before Hono, the refused one through it').toBe(1);
  });

  it('is off while requests are logged at debug, so each one still writes its line', async () => {
    const debug = await serve(true, (deps) => createHttpApp({ ...deps, logger: createLogger({ level: 'debug', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }) }));
    await debug.send(get(`/api/summary/${ID}`));
    expect(debug.honoCalls()).toBe(1);
  });
});
