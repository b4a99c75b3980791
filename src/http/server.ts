// Serves a Hono app on node:http via @hono/node-server; close() stops intake and ends keep-alive connections.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

export interface StartHttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** How long close() lets in-flight requests finish before cutting their connections. @default 5000 */
  shutdownGraceMs?: number;
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
export async function startHttpServer(app: Hono<any, any, any>, options: StartHttpServerOptions): Promise<RunningHttpServer> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
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
