import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from './body-limit.js';
import { startHttpServer, type RunningHttpServer } from './server.js';

const LIMIT = 64 * 1024;

/** Posts `size` bytes, writing the whole body before it reads anything; resolves with the response or the socket error. */
function postWholeBody(url: string, size: number, chunked: boolean): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = size;
    const req = httpRequest(`${url}/api/echo`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    const piece = Buffer.alloc(256 * 1024, 0x61);
    for (let sent = 0; sent < size; sent += piece.length) req.write(piece.subarray(0, Math.min(piece.length, size - sent)));
    req.end();
  });
}

describe('body limit on the wire', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    const app = new OpenAPIHono();
    app.use('/api/*', bodyLimit({ maxBytes: LIMIT }));
    app.post('/api/echo', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    app.get('/api/echo', (c) => c.json({ ok: true }));
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => server.close(0));

  for (const chunked of [false, true]) {
    for (const mb of [2, 10]) {
      it(`answers a ${mb} MB ${chunked ? 'chunked' : 'declared'} body with a readable 413 problem, not a reset`, async () => {
        const result = await postWholeBody(server.url, mb * 1024 * 1024, chunked);
        expect(result).toMatchObject({ status: 413 });
        expect(JSON.parse((result as { body: string }).body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
      });
    }
  }

  it('passes bodies within the limit (declared and chunked) and leaves GET alone; the server stays healthy', async () => {
    expect(await postWholeBody(server.url, LIMIT, false)).toEqual({ status: 200, body: JSON.stringify({ bytes: LIMIT }) });
    expect(await postWholeBody(server.url, 1000, true)).toEqual({ status: 200, body: JSON.stringify({ bytes: 1000 }) });
    expect((await fetch(`${server.url}/api/echo`)).status).toBe(200);
  });
});
