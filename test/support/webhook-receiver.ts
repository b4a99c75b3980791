// A CRM's webhook receiver on loopback for tests: verifies every request with the `standardwebhooks` package (as a
// receiver would), de-duplicates by webhook-id, and can be switched to answer 503, 410, 400, a redirect, hang, or go
// DOWN (its port closed: connection refused) and come back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceiverMode = 'ok' | '503' | '410' | '400' | 'redirect' | 'hang';

export interface ReceivedEvent {
  id: string;
  timestamp: number;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly secret: string;
  mode: ReceiverMode;
  /** Every request that verified, in arrival order (duplicates included). */
  readonly verified: ReceivedEvent[];
  /** Requests whose signature did not verify. */
  readonly rejected: number;
  /** Requests answered with the mode's failure (503, 410, …). */
  readonly refused: number;
  /** Distinct webhook-ids accepted with a 2xx (what a de-duplicating CRM keeps), with how often each came. */
  readonly accepted: Map<string, number>;
  /** Closes the port: connections are refused until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** A random Standard Webhooks secret: whsec_ + base64 of 32 bytes. */
export function newSecret(): string {
  return `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

/** Starts a receiver on 127.0.0.1 (port 0 the first time, the same port after down()/up()). */
export async function startWebhookReceiver(secret: string = newSecret()): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  let server: Server | undefined;
  let port = 0;
  const receiver = {
    url: '',
    secret,
    mode: 'ok' as ReceiverMode,
    verified: [] as ReceivedEvent[],
    rejected: 0,
    refused: 0,
    accepted: new Map<string, number>(),
    down,
    up,
    close: down,
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      try {
        verifier.verify(body, headers);
      } catch {
        receiver.rejected += 1;
        res.writeHead(401).end();
        return;
      }
      const id = headers['webhook-id'] ?? '';
      receiver.verified.push({ id, timestamp: Number(headers['webhook-timestamp']), body, payload: JSON.parse(body) });
      answer(id, res);
    });
  }

  function answer(id: string, res: ServerResponse): void {
    const { mode } = receiver;
    if (mode === 'ok') {
      receiver.accepted.set(id, (receiver.accepted.get(id) ?? 0) + 1);
      res.writeHead(204).end();
      return;
    }
    receiver.refused += 1;
    if (mode === 'hang') hanging.add(res);
    else if (mode === 'redirect') res.writeHead(302, { location: `${receiver.url}/elsewhere` }).end();
    else res.writeHead(Number(mode), mode === '503' ? { 'retry-after': '0' } : {}).end();
  }

  async function up(): Promise<void> {
    if (server) return;
    const s = createServer(handle);
    s.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    receiver.url = `http://127.0.0.1:${port}/hooks/wrapup`;
    server = s;
  }

  async function down(): Promise<void> {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const res of hanging) res.destroy();
    hanging.clear();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await up();
  return receiver;
}
