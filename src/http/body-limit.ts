// The one request-body limit (API and webhook): over the limit → 413 problem+json that the client can read. The rest of
// the body is read and discarded first (up to a bound), so a client that writes its whole body before reading the
// response gets the 413 instead of a reset connection. GET and HEAD carry no body and are not touched.
import type { Context, MiddlewareHandler } from 'hono';
import { problemResponse } from './problem.js';

export interface BodyLimitOptions {
  /** Largest accepted body, in bytes. */
  maxBytes: number;
  /** Most bytes read and discarded after the limit before the connection is cut instead. @default 64 MiB */
  drainBytes?: number;
  /** Longest time spent discarding before the connection is cut instead. @default 10000 */
  drainMs?: number;
}

const DEFAULT_DRAIN_BYTES = 64 * 1024 * 1024;

/** Reads and discards the rest of a body, within the bounds; true when it ended. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number, maxMs: number): Promise<boolean> {
  let read = 0;
  const deadline = Date.now() + maxMs;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      read += value.byteLength;
      if (read > maxBytes || Date.now() > deadline) break;
    }
  } catch {
    return false;
  }
  // Too much, or too slow: stop reading; the adapter then closes the connection.
  await reader.cancel().catch(() => undefined);
  return false;
}

function tooLarge(c: Context, maxBytes: number, drained: boolean): Response {
  const res = problemResponse(c, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`);
  // The connection is not reused: the client may still be writing, and a cut body leaves no framing to trust.
  if (!drained) res.headers.set('connection', 'close');
  return res;
}

/** Middleware enforcing `maxBytes` on POST/PUT/PATCH/DELETE bodies (declared or chunked). */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const { maxBytes } = options;
  const drainBytes = options.drainBytes ?? DEFAULT_DRAIN_BYTES;
  const drainMs = options.drainMs ?? 10_000;
  return async (c, next) => {
    // The method first: reading `body` makes the node adapter build a full Request (and its AbortSignal).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.has('transfer-encoding') ? undefined : c.req.raw.headers.get('content-length');
    if (declared !== null && declared !== undefined) {
      if (Number(declared) <= maxBytes) return next();
      return tooLarge(c, maxBytes, await drain(body.getReader(), drainBytes, drainMs));
    }
    // No declared length (chunked): count while buffering, up to the limit.
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return tooLarge(c, maxBytes, await drain(reader, drainBytes, drainMs));
      chunks.push(value);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks) });
    return next();
  };
}
