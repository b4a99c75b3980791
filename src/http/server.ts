// Serves a Hono app on node:http via @hono/node-server (after the app's fast path, if any) with limits on slow and
// excess clients; close() stops intake and ends keep-alive connections.
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { problemBody, STATUS_BY_CODE } from './problem.js';
import type { FastPath } from './summary-fast-path.js';

/** A Hono app, with what to answer before it (createHttpApp's summary fast path). */
export type ServedApp = Hono<any, any, any> & { readonly serveFirst?: FastPath | undefined };

/** What one client may hold of the server (slowloris, slow bodies, connection floods). */
export interface HttpLimits {
  /** The request line and headers must arrive within this long, else 408 and the connection closes. @default 10000 */
  headersTimeoutMs: number;
  /**
   * The whole request (headers and body) must arrive within this long, else 408 and the connection closes. The
   * response is not bound by it: a `?wait=` long-poll is a complete request waiting for its answer. @default 30000
   */
  requestTimeoutMs: number;
  /** An idle keep-alive connection closes after this long. @default 5000 */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as soon as they are accepted. @default 1000 */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, maxConnections: 1000 };

export interface StartHttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** How long close() lets in-flight requests finish before cutting their connections. @default 5000 */
  shutdownGraceMs?: number;
  /** @default DEFAULT_HTTP_LIMITS */
  limits?: Partial<HttpLimits>;
  /** Warns (at most once a minute) when connections are dropped at the limit. */
  logger?: Logger;
  /** False: every request goes through Hono, even those the app's `serveFirst` would answer. @default true */
  serveFirst?: boolean;
}

export interface RunningHttpServer {
  /** Base URL, e.g. http://127.0.0.1:54321 */
  url: string;
  port: number;
  /**
   * Stops accepting, closes idle keep-alive connections now and busy ones after `graceMs` (default: the
   * shutdownGraceMs option), so a shutdown deadline bounds it. Idempotent (the first call's grace applies).
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens and resolves once bound; rejects on listen errors (EADDRINUSE, EACCES). */
export async function startHttpServer(app: ServedApp, options: StartHttpServerOptions): Promise<RunningHttpServer> {
  const first = options.serveFirst === false ? undefined : app.serveFirst;
  const server = createLimitedServer(app, first, { ...DEFAULT_HTTP_LIMITS, ...options.limits }, options.logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;

  function close(graceMs?: number): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), graceMs ?? options.shutdownGraceMs ?? 5000);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  }

  return { url: `http://${hostForUrl}:${port}`, port, close };
}

/** node:http with the limits applied; node checks the header and request timeouts every connectionsCheckingInterval. */
function createLimitedServer(app: ServedApp, first: FastPath | undefined, limits: HttpLimits, logger: Logger | undefined): Server {
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node's default (30 s) would let a slow client overstay a 10 s headers timeout by up to 30 s.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
  // What @hono/node-server's createAdaptorServer builds, with the fast path in front when there is one.
  const hono = getRequestListener(app.fetch);
  const server = createServer(serverOptions, first ? (req, res) => first(req, res) || hono(req, res) : hono);
  server.maxConnections = limits.maxConnections;
  server.on('clientError', answerClientError);
  let dropped = 0;
  let lastWarnAt = 0;
  server.on('drop', () => {
    dropped += 1;
    if (Date.now() - lastWarnAt < 60_000) return;
    logger?.warn({ dropped, maxConnections: limits.maxConnections }, 'connection limit reached: dropping new connections');
    lastWarnAt = Date.now();
    dropped = 0;
  });
  return server;
}

/**
 * Node's own answer to a request it gave up on (too slow: 408; headers too large: 431; unparsable: 400) as
 * problem+json like every other error, instead of node's bare status line. Mirrors node's default guard: nothing is
 * written to a client that is gone or already got (part of) a response.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [code, detail]: [ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['REQUEST_TIMEOUT', 'the request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['HEADERS_TOO_LARGE', 'request headers too large']
        : ['BAD_REQUEST', 'malformed HTTP request'];
  const status = STATUS_BY_CODE[code];
  const body = JSON.stringify(problemBody(code, detail));
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}
