// The one gateway for Genesys REST: token upkeep, bounded concurrency, 429/5xx retries and error mapping around the SDK.
import PQueue from 'p-queue';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { AppError, isAppError } from '../../errors.js';
import { realSleep, withRetry, type Sleep } from './backoff.js';
import { buildSdk, type GenesysApis, type GenesysSdk } from './sdk.js';
import { createTokenManager } from './token-manager.js';
import { describeFailure, isTransient, retryAfterMs, toUpstreamAppError } from './upstream-error.js';

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
}

/** Extended responses come back as {status, headers, body, ...}; callers only want the body. */
function unwrap<T>(result: unknown): T {
  if (typeof result === 'object' && result !== null && 'status' in result && 'body' in result && 'headers' in result) {
    return (result as { body: T }).body;
  }
  return result as T;
}

/** Creates the Genesys REST client around an independent SDK ApiClient. */
export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
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
  let closed = false;
  /** Rejecters of calls waiting in the p-queue (not started yet); close() rejects them. */
  const waiting = new Set<(err: AppError) => void>();
  // Errors from login already went through their own retry loop: never retry them again at call level.
  const loginErrors = new WeakSet<object>();

  /** Runs `run` inside the concurrency bound; a call still queued when close() runs rejects with SHUTTING_DOWN. */
  function enqueue<T>(run: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new AppError('SHUTTING_DOWN', 'Genesys client is closed', { retryable: true }));
    return new Promise<T>((resolve, reject) => {
      waiting.add(reject);
      queue
        .add(() => {
          waiting.delete(reject);
          return Promise.resolve().then(run);
        })
        .then(resolve, reject);
    });
  }

  async function attempt<T>(label: string, fn: (a: GenesysApis) => Promise<T>, reauthed: { done: boolean }): Promise<T> {
    if (closed) throw new AppError('SHUTTING_DOWN', 'Genesys client is closed', { retryable: true });
    const generation = await tokens.ensure().catch((err: unknown) => {
      if (typeof err === 'object' && err !== null) loginErrors.add(err);
      throw err;
    });
    try {
      const result = await enqueue(() => fn(apis));
      return unwrap<T>(result);
    } catch (err) {
      if (isAppError(err)) throw err;
      const failure = describeFailure(err);
      if (failure.status === 401 && !reauthed.done) {
        reauthed.done = true;
        tokens.invalidate(generation);
        logger.info({ label }, 'genesys 401; logging in again once');
        return attempt(label, fn, reauthed);
      }
      const mapped = toUpstreamAppError(label, failure);
      if (failure.status === 429 || isTransient(failure)) {
        const wait = failure.status === 429 ? retryAfterMs(failure.headers, now()) : undefined;
        throw new AppError(mapped.code, mapped.message, {
          retryable: true,
          upstreamStatus: failure.status,
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
          ...(mapped.details ? { details: mapped.details } : {}),
        });
      }
      throw mapped;
    }
  }

  return {
    async login() {
      await tokens.ensure();
    },
    call<T>(label: string, fn: (a: GenesysApis) => Promise<T>): Promise<T> {
      const reauthed = { done: false };
      return withRetry(() => attempt(label, fn, reauthed), config.retry, {
        sleep,
        ...(options.random ? { random: options.random } : {}),
        shouldRetry: (err) => !(typeof err === 'object' && err !== null && loginErrors.has(err)) && !closed,
        onRetry: ({ attempt: n, delayMs, error }) =>
          logger.warn({ label, attempt: n, delayMs, upstreamStatus: isAppError(error) ? error.upstreamStatus : undefined }, 'genesys call failed; retrying'),
      });
    },
    authState: () => tokens.state(),
    invalidateToken() {
      tokens.invalidate();
      logger.info('genesys token dropped; the next call logs in again');
    },
    close() {
      closed = true;
      tokens.close();
      queue.clear();
      const shutdown = new AppError('SHUTTING_DOWN', 'Genesys client closed before the call started', { retryable: true });
      for (const reject of waiting) reject(shutdown);
      waiting.clear();
    },
  };
}
