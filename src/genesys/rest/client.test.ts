import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../logger.js';
import { isAppError } from '../../errors.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { discoverQueueIds } from './queues.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';

const CONV = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
const CONV_PATH = `/api/v2/conversations/${CONV}`;

let fake: FakeGenesys;
let client: GenesysClient | undefined;
let sleeps: number[];

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  vi.useRealTimers();
  client?.close();
  client = undefined;
  await fake?.close();
});

async function setup(overrides: Parameters<typeof fakeGenesysConfig>[1] = {}, now?: () => number): Promise<GenesysClient> {
  fake = await startFakeGenesys();
  sleeps = [];
  client = createGenesysClient({
    config: fakeGenesysConfig(fake.port, overrides),
    logger: silentLogger(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...(now ? { now } : {}),
  });
  return client;
}

/** Lets real I/O run (setImmediate is never faked here). */
const settleIo = async (rounds = 20): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

async function until(cond: () => boolean, rounds = 5000): Promise<void> {
  for (let i = 0; i < rounds && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition not met');
}

const getConv = (c: GenesysClient) => c.call('getConversation', (apis) => apis.conversations.getConversation(CONV));

/** Answers with `failures` in order, then 200 with the conversation. */
function failThenSucceed(failures: Array<{ status: number; headers?: Record<string, string> }>): void {
  let n = 0;
  fake.on('GET', CONV_PATH, () => {
    const f = failures[n++];
    return f ? { status: f.status, headers: f.headers, body: { status: f.status, code: 'x', message: 'x' } } : { body: { id: CONV, startTime: '2026-01-01T00:00:00Z' } };
  });
}

describe('createGenesysClient', () => {
  it('logs in with client credentials and returns the unwrapped body', async () => {
    const c = await setup();
    fake.on('GET', CONV_PATH, (req) => ({ body: { id: CONV, auth: req.headers.authorization } }));
    const body = (await getConv(c)) as unknown as { id: string; auth: string };
    expect(body).toEqual({ id: CONV, auth: 'Bearer tok-1' });
    const login = fake.requests.find((r) => r.path === '/oauth/token');
    expect(login?.headers.authorization).toBe(`Basic ${Buffer.from('cid:secret').toString('base64')}`);
    expect(login?.body).toBe('grant_type=client_credentials');
    expect(c.authState().ok).toBe(true);
  });

  it('honours Retry-After seconds on 429 and then succeeds', async () => {
    const c = await setup();
    failThenSucceed([{ status: 429, headers: { 'retry-after': '3', 'inin-ratelimit-reset': '9' } }]);
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    expect(sleeps).toEqual([3000]);
  });

  it('falls back to inin-ratelimit-reset, then to exponential backoff', async () => {
    const c = await setup();
    failThenSucceed([{ status: 429, headers: { 'inin-ratelimit-reset': '7' } }, { status: 429 }]);
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    // second retry: min(100, 10*2^1)=20 → equal jitter with random 0.5 → 15
    expect(sleeps).toEqual([7000, 15]);
  });

  it('retries 5xx with capped backoff, then succeeds', async () => {
    const c = await setup();
    failThenSucceed([{ status: 503 }, { status: 500 }, { status: 502 }]);
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    expect(sleeps).toEqual([8, 15, 30]);
  });

  it('gives up after maxAttempts with a retryable GENESYS_UNAVAILABLE', async () => {
    const c = await setup();
    failThenSucceed([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    const err = await getConv(c).catch((e: unknown) => e);
    expect(isAppError(err, 'GENESYS_UNAVAILABLE')).toBe(true);
    expect(isAppError(err) && err.retryable).toBe(true);
    expect(fake.requests.filter((r) => r.path === CONV_PATH)).toHaveLength(4);
  });

  it('maps a persistent 429 to retryable RATE_LIMITED with retryAfterMs', async () => {
    const c = await setup({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100 } });
    failThenSucceed([{ status: 429, headers: { 'retry-after': '2' } }, { status: 429, headers: { 'retry-after': '5' } }]);
    const err = await getConv(c).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 5000, upstreamStatus: 429 });
  });

  it('retries network failures', async () => {
    const c = await setup();
    let n = 0;
    fake.on('GET', CONV_PATH, () => {
      n += 1;
      if (n === 1) throw new Error('boom'); // the fake answers 500
      return { body: { id: CONV } };
    });
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    await fake.close();
    const err = await getConv(c).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GENESYS_UNAVAILABLE', retryable: true });
    expect(sleeps.length).toBe(1 + 3);
  });

  it('does not retry 404 and maps 403', async () => {
    const c = await setup();
    failThenSucceed([{ status: 404 }]);
    await expect(getConv(c)).rejects.toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404, retryable: false });
    expect(fake.requests.filter((r) => r.path === CONV_PATH)).toHaveLength(1);
    failThenSucceed([{ status: 403 }]);
    await expect(getConv(c)).rejects.toMatchObject({ code: 'GENESYS_FORBIDDEN' });
    expect(sleeps).toEqual([]);
  });

  it('turns SDK missing-parameter string throws into INTERNAL without a request', async () => {
    const c = await setup();
    await expect(c.call('getConversation', (apis) => apis.conversations.getConversation(''))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(fake.requests.filter((r) => r.path.startsWith('/api/'))).toHaveLength(0);
  });

  it('bounds concurrent Genesys calls', async () => {
    const c = await setup({ maxConcurrentRequests: 3 });
    fake.on('GET', CONV_PATH, () => ({ body: { id: CONV }, delayMs: 30 }));
    await Promise.all(Array.from({ length: 12 }, () => getConv(c)));
    expect(fake.maxInFlight()).toBe(3);
    expect(fake.logins()).toBe(1); // concurrent callers share one login
  });

  it('re-logs in only when the token is within the refresh margin', async () => {
    let t = 1_000_000;
    const c = await setup({ tokenRefreshMarginMs: 60_000 }, () => t);
    fake.setTokenTtlSeconds(3600);
    fake.on('GET', CONV_PATH, () => ({ body: { id: CONV } }));
    await getConv(c);
    await getConv(c);
    expect(fake.logins()).toBe(1);
    // The SDK stamps expiry with the real clock; move our clock to 61 s before it.
    t = (c.authState().expiresAt ?? 0) - 59_000;
    await getConv(c);
    expect(fake.logins()).toBe(2);
  });

  it('logs in again exactly once on a 401, then gives up with GENESYS_AUTH_FAILED', async () => {
    const c = await setup();
    failThenSucceed([{ status: 401 }]);
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    expect(fake.logins()).toBe(2);
    fake.on('GET', CONV_PATH, () => ({ status: 401, body: { status: 401, code: 'bad.credentials' } }));
    await expect(getConv(c)).rejects.toMatchObject({ code: 'GENESYS_AUTH_FAILED', upstreamStatus: 401 });
    expect(fake.logins()).toBe(3);
  });

  it('fails login with 401 as non-retryable GENESYS_AUTH_FAILED', async () => {
    const c = await setup();
    fake.onLogin(() => ({ status: 401, body: { error: 'invalid_client', description: 'authentication failed' } }));
    await expect(c.login()).rejects.toMatchObject({ code: 'GENESYS_AUTH_FAILED', retryable: false });
    expect(fake.logins()).toBe(1);
    expect(c.authState()).toMatchObject({ ok: false, lastError: expect.stringContaining('rejected') });
  });

  it('retries a login 5xx with backoff and does not stack a second retry loop in call()', async () => {
    const c = await setup();
    let n = 0;
    fake.onLogin(() => (++n <= 2 ? { status: 503 } : { body: { access_token: 't', token_type: 'bearer', expires_in: 3600 } }));
    fake.on('GET', CONV_PATH, () => ({ body: { id: CONV } }));
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV });
    expect(sleeps).toEqual([8, 15]);
    fake.onLogin(() => ({ status: 503 }));
    const c2 = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger(), sleep: async () => {} });
    await expect(c2.call('x', (apis) => apis.conversations.getConversation(CONV))).rejects.toMatchObject({ code: 'GENESYS_UNAVAILABLE', retryable: true });
    expect(fake.logins()).toBe(3 + 4);
    c2.close();
  });

  it('honours Retry-After on a login 429 (AxiosError with .status)', async () => {
    const c = await setup();
    let n = 0;
    fake.onLogin(() => (++n === 1 ? { status: 429, headers: { 'retry-after': '2' }, body: { error: 'rate limited' } } : { body: { access_token: 't', token_type: 'bearer', expires_in: 3600 } }));
    await c.login();
    expect(sleeps).toEqual([2000]);
  });

  it('rejects calls still queued behind the concurrency bound when close() is called', async () => {
    const c = await setup({ maxConcurrentRequests: 1 });
    fake.on('GET', CONV_PATH, () => ({ body: { id: CONV }, delayMs: 150 }));
    await c.login();
    const running = getConv(c);
    await until(() => fake.requests.some((r) => r.path === CONV_PATH));
    const queued = getConv(c);
    c.close();
    await expect(queued).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await expect(running).resolves.toMatchObject({ id: CONV }); // in-flight calls finish
    expect(fake.requests.filter((r) => r.path === CONV_PATH)).toHaveLength(1);
  });

  it('invalidateToken() makes the next call log in again', async () => {
    const c = await setup();
    fake.on('GET', CONV_PATH, (req) => ({ body: { id: CONV, auth: req.headers.authorization } }));
    await getConv(c);
    c.invalidateToken();
    await expect(getConv(c)).resolves.toMatchObject({ auth: 'Bearer tok-2' });
    expect(fake.logins()).toBe(2);
  });

  it('stays ok inside the refresh margin and renews the token proactively without any call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let skew = 0;
    const c = await setup({ tokenRefreshMarginMs: 60_000 }, () => Date.now() + skew);
    fake.setTokenTtlSeconds(3600);
    await c.login();
    const firstExpiry = c.authState().expiresAt ?? 0;
    skew = firstExpiry - Date.now() - 30_000; // our clock: 30 s before expiry, inside the margin
    expect(c.authState()).toMatchObject({ ok: true });
    skew = 0;
    vi.advanceTimersByTime(3_600_000 - 60_000 - 1_000);
    await settleIo();
    expect(fake.logins()).toBe(1);
    vi.advanceTimersByTime(2_000);
    await until(() => fake.logins() === 2);
    await until(() => (c.authState().expiresAt ?? 0) > firstExpiry);
    expect(c.authState().ok).toBe(true);
  });

  it('keeps the current token after a failed renewal until it expires, then reports ok:false', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let skew = 0;
    const c = await setup({ tokenRefreshMarginMs: 60_000, retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 100 } }, () => Date.now() + skew);
    fake.setTokenTtlSeconds(3600);
    fake.on('GET', CONV_PATH, () => ({ body: { id: CONV } }));
    await c.login();
    const expiry = c.authState().expiresAt ?? 0;
    fake.onLogin(() => ({ status: 503 }));
    vi.advanceTimersByTime(3_600_000 - 60_000 + 1_000);
    await until(() => fake.logins() === 2);
    await until(() => c.authState().lastError !== undefined);
    expect(c.authState().ok).toBe(true);
    skew = expiry - Date.now() - 10_000;
    await expect(getConv(c)).resolves.toMatchObject({ id: CONV }); // the old token still works
    skew = expiry - Date.now() + 1;
    expect(c.authState()).toMatchObject({ ok: false, lastError: expect.any(String) });
  });

  it('rejects calls after close()', async () => {
    const c = await setup();
    c.close();
    await expect(getConv(c)).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});

describe('discoverQueueIds', () => {
  it('prefers the configured list', async () => {
    const c = await setup();
    await expect(discoverQueueIds(c, ['a', 'b', 'a'])).resolves.toEqual(['a', 'b']);
    expect(fake.requests).toHaveLength(0);
  });

  it('pages through /api/v2/routing/queues', async () => {
    const c = await setup();
    fake.on('GET', '/api/v2/routing/queues', (req) => {
      const page = Number(req.query.get('pageNumber'));
      expect(req.query.get('pageSize')).toBe('100');
      const ids = page === 1 ? ['q1', 'q2'] : page === 2 ? ['q3'] : [];
      return { body: { entities: ids.map((id) => ({ id, name: id })), pageNumber: page, pageSize: 100, pageCount: 3 } };
    });
    await expect(discoverQueueIds(c)).resolves.toEqual(['q1', 'q2', 'q3']);
    expect(fake.requests.filter((r) => r.path === '/api/v2/routing/queues')).toHaveLength(3);
  });
});
