// Small node:http helpers of the simulator: Genesys ErrorBody, JSON responses, body reading.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Genesys platform ErrorBody. */
export function errorBody(status: number, code: string, message: string, contextId: string): Record<string, unknown> {
  return { message, code, status, contextId, details: [], errors: [] };
}

/** Writes a JSON response (or no body when `body` is undefined). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body === undefined) {
    res.statusCode = status;
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** A request body larger than Genesys' request.bytes.max. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body as UTF-8, rejecting bodies over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 512_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new BodyTooLargeError('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const STATUS_CODES: Record<number, string> = {
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'gateway.timeout',
};

/** ErrorBody code Genesys uses for a 5xx status. */
export function serverErrorCode(status: number): string {
  return STATUS_CODES[status] ?? 'internal.server.error';
}
