// The HTTP server's limits against misbehaving clients, over raw node:net sockets with small configured values.
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger, type Logger } from '../logger.js';
import { createHttpApp } from './app.js';
import type { SummaryApi } from './ports.js';
import { startHttpServer, type HttpLimits, type RunningHttpServer } from './server.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw client: everything it received, and whether the server closed it. */
interface RawClient {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
  isClosed(): boolean;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined); // a reset by the server shows as 'close'
    const closedPromise = new Promise<void>((r) => socket.once('close', () => ((closed = true), r())));
    socket.once('connect', () => resolve({ socket, received: () => data, closed: closedPromise, isClosed: () => closed }));
    socket.once('error', reject);
  });
}

/** Resolves when the client was closed, or rejects after `ms` (a limit that never fires fails the test). */
async function closedWithin(client: RawClient, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms)));
  try {
    await Promise.race([client.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await sleep(10);
  }
}

/** A raw response is a problem+json answer with this status and code. */
function expectProblem(raw: string, status: number, code: string): void {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  expect(head.toLowerCase()).toContain('content-type: application/problem+json');
  expect(JSON.parse(body)).toMatchObject({ status, code });
}

const REQUEST = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n';
const OK_BODY = '{"status":"ok"}';

const API_KEY = 'server-test-key-8b3e6a1f9c4d7025e1b8a4f6c3d9';

/** The real app; the summary API is never reached by these requests, so every call fails loudly. */
function wrapupApp(logger: Logger) {
  const unused = (): never => {
    throw new Error('the summary API is not used by these tests');
  };
  const api: SummaryApi = { getSummary: unused, request: unused, getTask: unused, waitForTask: unused };
  return createHttpApp({ api, readiness: [], apiKeys: [API_KEY], bodyLimitBytes: 65_536, maxWaitMs: 25_000, defaultMaxLength: 500, logger });
}

/** A logger that keeps every line (to show what a client-side failure logs). */
function capturingLogger(): { logger: Logger; lines: Array<{ level: number; msg: string }> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

function testApp(): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.post('/echo', async (c) => c.json({ bytes: (await c.req.text()).length }));
  // Like GET /api/summary/{id}?wait=: a complete request whose answer takes longer than the request timeout.
  app.get('/wait', async (c) => {
    await sleep(Number(c.req.query('ms') ?? 0));
    return c.json({ waited: true });
  });
  return app;
}

describe('HTTP server limits', () => {
  let server: RunningHttpServer | undefined;
  const clients: RawClient[] = [];

  async function start(limits: Partial<HttpLimits>, app: Hono<any, any, any> = testApp(), logger: Logger = silentLogger()): Promise<RunningHttpServer> {
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1', limits, shutdownGraceMs: 0, logger });
    return server;
  }
  async function client(): Promise<RawClient> {
    const c = await rawClient(server!.port);
    clients.push(c);
    return c;
  }
  async function stillServes(): Promise<void> {
    const res = await fetch(`${server!.url}/healthz`, { headers: { connection: 'close' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await server?.close(0);
    server = undefined;
  });

  it('cuts off a client that sends its headers slowly (slowloris) with 408, and keeps serving', async () => {
    await start({ headersTimeoutMs: 300, requestTimeoutMs: 2000 });
    const slow = await client();
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => !slow.isClosed() && slow.socket.write(`X-Drip-${Date.now()}: 1\r\n`), 50);
    try {
      await closedWithin(slow, 5000);
    } finally {
      clearInterval(drip);
    }
    expectProblem(slow.received(), 408, 'REQUEST_TIMEOUT');
    await stillServes();
  });

  it('answers a malformed request with a 400 problem, and keeps serving', async () => {
    await start({});
    const bad = await client();
    bad.socket.write('NOT AN HTTP REQUEST\r\n\r\n');
    await closedWithin(bad, 5000);
    expectProblem(bad.received(), 400, 'BAD_REQUEST');
    await stillServes();
  });

  it('cuts off an authenticated client that sends its body slowly with 408, and keeps serving', async () => {
    const { logger, lines } = capturingLogger();
    await start({ headersTimeoutMs: 300, requestTimeoutMs: 600 }, wrapupApp(logger), logger);
    const slow = await client();
    slow.socket.write(
      'POST /api/summary/submit HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${API_KEY}\r\nContent-Length: 1000\r\n\r\n{"conversation_id":"`,
    );
    const drip = setInterval(() => !slow.isClosed() && slow.socket.write('x'), 50);
    try {
      await closedWithin(slow, 5000);
    } finally {
      clearInterval(drip);
    }
    expectProblem(slow.received(), 408, 'REQUEST_TIMEOUT');
    await stillServes();
    await sleep(50);
    // A client that went away is not a server failure: nothing at error level.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('lets a complete request wait for its answer longer than the request timeout (long-polls)', async () => {
    await start({ headersTimeoutMs: 200, requestTimeoutMs: 300 });
    const res = await fetch(`${server!.url}/wait?ms=900`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ waited: true });
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    await start({ keepAliveTimeoutMs: 200 });
    const idle = await client();
    idle.socket.write(REQUEST);
    await until(() => idle.received().includes(OK_BODY));
    await closedWithin(idle, 4000);
  });

  it('refuses the connection beyond maxConnections while the others are held, then serves again', async () => {
    const { logger, lines } = capturingLogger();
    await start({ maxConnections: 3, keepAliveTimeoutMs: 30_000 }, testApp(), logger);
    const held: RawClient[] = [];
    for (let i = 0; i < 3; i += 1) {
      const c = await client();
      c.socket.write(REQUEST); // a served request proves the server counts this connection
      await until(() => c.received().includes(OK_BODY));
      held.push(c);
    }
    const extra = await client();
    extra.socket.write(REQUEST);
    await closedWithin(extra, 5000);
    expect(extra.received()).toBe('');
    for (const c of held) expect(c.isClosed()).toBe(false);
    expect(lines.find((l) => l.msg === 'connection limit reached: dropping new connections')).toMatchObject({ level: 40, maxConnections: 3, dropped: 1 });

    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // The server sees the closes asynchronously: poll until a fresh connection is served.
    const deadline = Date.now() + 5000;
    for (;;) {
      const ok = await fetch(`${server!.url}/healthz`, { headers: { connection: 'close' } }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the server did not serve again after the held connections closed');
      await sleep(20);
    }
    await stillServes();
  });
});
