// The one gateway for Genesys REST: token upkeep, bounded concurrency, 429/5xx retries and error mapping around the SDK.
import PQueue from 'p-queue';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { NOOP_METRICS, type Metrics } from '../../ports.js';
import { AppError, isAppError } from '../../errors.js';
import { realSleep, withRetry, type Sleep } from './backoff.js';
import { buildSdk, type GenesysApis, type GenesysSdk } from './sdk.js';
import { createTokenManager, type TokenManager } from './token-manager.js';
import { describeFailure, isTransient, retryAfterMs, toUpstreamAppError, type UpstreamFailure } from './upstream-error.js';

export type { GenesysApis } from './sdk.js';

export interface GenesysAuthState {
  ok: boolean;
  /** Epoch ms the current token expires. */
  expiresAt?: number;
  lastError?: string;
}

export interface GenesysClient {
  /** Logs in now (normally lazy); throws GENESYS_AUTH_FAILED or GENESYS_UNAVAILABLE. */
  login(): Promise<void>;
  /**
   * Runs one SDK call with a valid token, inside the concurrency bound, with retries. Resolves with the response
   * body. Throws AppError: NOT_FOUND (404, callers map), GENESYS_FORBIDDEN, GENESYS_AUTH_FAILED, RATE_LIMITED /
   * GENESYS_UNAVAILABLE (retryable, after retry.maxAttempts), INTERNAL (SDK misuse), SHUTTING_DOWN after close()
   * (retryable: the call may succeed in the next process; the worker leaves such a task for recovery).
   * @param label a short name for logs and errors, e.g. `getConversation`
   */
  call<T>(label: string, fn: (apis: GenesysApis) => Promise<T>): Promise<T>;
  authState(): GenesysAuthState;
  /**
   * Drops the current token: the next call logs in again. For `v2.system.token_revoked`, or whenever Genesys says
   * the token is no longer good without a 401 to tell us.
   */
  invalidateToken(): void;
  /** Rejects further calls and calls still queued behind the concurrency bound (SHUTTING_DOWN); in-flight calls finish. */
  close(): void;
}

export interface GenesysClientOptions {
  config: Config['genesys'];
  logger: Logger;
  /** The SDK module. @default the installed purecloud-platform-client-v2 */
  sdk?: GenesysSdk;
  /** @default setTimeout-based sleep */
  sleep?: Sleep;
  /** @default Date.now */
  now?: () => number;
  /** Jitter source in [0,1). @default Math.random */
  random?: () => number;
  /** Where each attempt's status is counted. @default NOOP_METRICS */
  metrics?: Metrics;
}

/** One client's parts and state. */
interface ClientRecord {
  readonly config: Config['genesys'];
  readonly logger: Logger;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: (() => number) | undefined;
  readonly metrics: Metrics;
  readonly apis: GenesysApis;
  readonly queue: PQueue;
  readonly tokens: TokenManager;
  closed: boolean;
  /** Rejecters of calls waiting in the p-queue (not started yet); close() rejects them. */
  readonly waiting: Set<(err: AppError) => void>;
  /** Errors from login already went through their own retry loop: never retry them again at call level. */
  readonly loginErrors: WeakSet<object>;
}

/** Creates the Genesys REST client around an independent SDK ApiClient. */
export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const c = createClientRecord(options);
  return {
    async login() {
      await c.tokens.ensure();
    },
    call: (label, fn) => callWithRetry(c, label, fn),
    authState: () => c.tokens.state(),
    invalidateToken() {
      c.tokens.invalidate();
      c.logger.info('genesys token dropped; the next call logs in again');
    },
    close: () => closeClient(c),
  };
}

/** The SDK, the concurrency bound and the token manager, built from the options and their defaults. */
function createClientRecord(options: GenesysClientOptions): ClientRecord {
  const { config } = options;
  const logger = options.logger.child({ module: 'genesys-client' });
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const { apiClient, apis } = buildSdk(config, options.sdk);
  const queue = new PQueue({ concurrency: config.maxConcurrentRequests });
  const tokens = createTokenManager({
    apiClient,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    refreshMarginMs: config.tokenRefreshMarginMs,
    retry: config.retry,
    sleep,
    now,
    ...(options.random ? { random: options.random } : {}),
    logger,
  });
  return { config, logger, sleep, now, random: options.random, metrics: options.metrics ?? NOOP_METRICS, apis, queue, tokens, closed: false, waiting: new Set(), loginErrors: new WeakSet() };
}

/** Retries 429/5xx/network failures of one call with backoff; login failures and calls after close() are not retried. */
function callWithRetry<T>(c: ClientRecord, label: string, fn: (a: GenesysApis) => Promise<T>): Promise<T> {
  const reauthed = { done: false };
  return withRetry(() => attempt(c, label, fn, reauthed), c.config.retry, {
    sleep: c.sleep,
    ...(c.random ? { random: c.random } : {}),
    shouldRetry: (err) => !(typeof err === 'object' && err !== null && c.loginErrors.has(err)) && !c.closed,
    onRetry: ({ attempt: n, delayMs, error }) =>
      c.logger.warn({ label, attempt: n, delayMs, upstreamStatus: isAppError(error) ? error.upstreamStatus : undefined }, 'genesys call failed; retrying'),
  });
}

/** One try: a valid token, the SDK call inside the concurrency bound, one fresh login on a 401, failures mapped to AppError. */
async function attempt<T>(c: ClientRecord, label: string, fn: (a: GenesysApis) => Promise<T>, reauthed: { done: boolean }): Promise<T> {
  if (c.closed) throw new AppError('SHUTTING_DOWN', 'Genesys client is closed', { retryable: true });
  const generation = await c.tokens.ensure().catch((err: unknown) => {
    if (typeof err === 'object' && err !== null) c.loginErrors.add(err);
    throw err;
  });
  try {
    const result = await enqueue(c, () => fn(c.apis));
    c.metrics.genesysCall(label, 200);
    return unwrap<T>(result);
  } catch (err) {
    if (isAppError(err)) throw err;
    const failure = describeFailure(err);
    c.metrics.genesysCall(label, failure.status);
    if (failure.status === 401 && !reauthed.done) {
      reauthed.done = true;
      c.tokens.invalidate(generation);
      c.logger.info({ label }, 'genesys 401; logging in again once');
      return attempt(c, label, fn, reauthed);
    }
    throw callError(label, failure, c.now);
  }
}

/** A failed SDK call as AppError; 429 and transient failures are retryable (429 with the wait Genesys asked for). */
function callError(label: string, failure: UpstreamFailure, now: () => number): AppError {
  const mapped = toUpstreamAppError(label, failure);
  if (failure.status !== 429 && !isTransient(failure)) return mapped;
  const wait = failure.status === 429 ? retryAfterMs(failure.headers, now()) : undefined;
  return new AppError(mapped.code, mapped.message, {
    retryable: true,
    upstreamStatus: failure.status,
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    ...(mapped.details ? { details: mapped.details } : {}),
  });
}

/** Runs `run` inside the concurrency bound; a call still queued when close() runs rejects with SHUTTING_DOWN. */
function enqueue<T>(c: ClientRecord, run: () => Promise<T>): Promise<T> {
  if (c.closed) return Promise.reject(new AppError('SHUTTING_DOWN', 'Genesys client is closed', { retryable: true }));
  return new Promise<T>((resolve, reject) => {
    c.waiting.add(reject);
    c.queue
      .add(() => {
        c.waiting.delete(reject);
        return Promise.resolve().then(run);
      })
      .then(resolve, reject);
  });
}

/** Extended responses come back as {status, headers, body, ...}; callers only want the body. */
function unwrap<T>(result: unknown): T {
  if (typeof result === 'object' && result !== null && 'status' in result && 'body' in result && 'headers' in result) {
    return (result as { body: T }).body;
  }
  return result as T;
}

/** Rejects further calls and those still queued; calls in flight finish. */
function closeClient(c: ClientRecord): void {
  c.closed = true;
  c.tokens.close();
  c.queue.clear();
  const shutdown = new AppError('SHUTTING_DOWN', 'Genesys client closed before the call started', { retryable: true });
  for (const reject of c.waiting) reject(shutdown);
  c.waiting.clear();
}
