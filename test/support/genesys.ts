// Test-only loopback Genesys: an http server with per-test routes, an OAuth token endpoint, request and concurrency counters.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (to observe concurrency). */
  delayMs?: number;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeGenesys {
  url: string;
  port: number;
  requests: FakeRequest[];
  /** Number of POST /oauth/token requests answered. */
  logins(): number;
  /** Highest number of /api/v2 requests in flight at once. */
  maxInFlight(): number;
  /** Adds a route; later routes win. `pattern` matches the path (string = exact). */
  on(method: string, pattern: string | RegExp, handler: FakeHandler): void;
  /** Token lifetime handed out by /oauth/token. */
  setTokenTtlSeconds(seconds: number): void;
  /** Replace the token endpoint's answer (e.g. 401, 503). */
  onLogin(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Points $HOME at a fresh temp dir so the SDK never reads a developer's ~/.genesyscloudjavascript/config. */
export function isolateSdkHome(): void {
  // test/setup-home.ts already gives every test file its own temp HOME (and removes it); this only asserts it.
  if (!process.env.HOME?.startsWith(tmpdir())) throw new Error('HOME is not isolated: run tests through vitest.config.ts');
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** Starts the loopback server on 127.0.0.1, port 0. */
export async function startFakeGenesys(): Promise<FakeGenesys> {
  const routes: Array<{ method: string; pattern: string | RegExp; handler: FakeHandler }> = [];
  const requests: FakeRequest[] = [];
  let logins = 0;
  let ttl = 86_399;
  let inFlight = 0;
  let maxInFlight = 0;
  let login: FakeHandler = () => ({ body: { access_token: `tok-${logins}`, token_type: 'bearer', expires_in: ttl } });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fake: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: await readBody(req) };
    requests.push(fake);
    let answer: FakeResponse;
    if (fake.method === 'POST' && fake.path === '/oauth/token') {
      logins += 1;
      answer = await login(fake);
    } else {
      const route = [...routes].reverse().find((r) => r.method === fake.method && (typeof r.pattern === 'string' ? r.pattern === fake.path : r.pattern.test(fake.path)));
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        answer = route ? await route.handler(fake) : { status: 404, body: { status: 404, code: 'not.found', message: 'no route' } };
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      } finally {
        inFlight -= 1;
      }
    }
    const status = answer.status ?? 200;
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
    res.end(fake.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    logins: () => logins,
    maxInFlight: () => maxInFlight,
    on: (method, pattern, handler) => routes.push({ method, pattern, handler }),
    setTokenTtlSeconds: (s) => {
      ttl = s;
    },
    onLogin: (h) => {
      login = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Config['genesys'] aimed at the fake through the SDK gateway override. */
export function fakeGenesysConfig(port: number, overrides: Partial<Config['genesys']> = {}): Config['genesys'] {
  return {
    clientId: 'cid',
    clientSecret: 'secret',
    region: 'mypurecloud.com',
    gateway: { host: '127.0.0.1', protocol: 'http', port, pathParamsLogin: '', pathParamsApi: '' },
    maxConcurrentRequests: 4,
    requestTimeoutMs: 5000,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100 },
    tokenRefreshMarginMs: 60_000,
    transcriptRetryWindowMs: 60_000,
    transcriptRetryBaseMs: 1000,
    transcriptDownload: { allow: [], timeoutMs: 5000, maxBytes: 8 * 1024 * 1024, maxRedirects: 3 },
    endConfirmRetryMs: 1000,
    heartbeatTimeoutMs: 1000,
    reconnect: { baseDelayMs: 10, maxDelayMs: 50 },
    ...overrides,
  };
}
