// OAuth client-credentials token lifecycle: reuse until the refresh margin, proactive renewal, single-flight login, invalidate on 401.
import type { Logger } from '../../logger.js';
import { AppError } from '../../errors.js';
import { backoffDelay, withRetry, type BackoffPolicy, type Sleep } from './backoff.js';
import { describeFailure, isTransient, retryAfterMs } from './upstream-error.js';
import type { SdkApiClient } from './sdk.js';

export interface TokenManagerOptions {
  apiClient: SdkApiClient;
  clientId: string;
  clientSecret: string;
  /** Re-login this long before the token expires. */
  refreshMarginMs: number;
  retry: BackoffPolicy;
  sleep: Sleep;
  now: () => number;
  random?: () => number;
  logger: Logger;
}

export interface TokenManager {
  /** Ensures a usable token; resolves with its generation (bumped by every login). */
  ensure(): Promise<number>;
  /**
   * Forces the next ensure() to log in again, unless a newer token than `generation` already exists.
   * Without `generation`, the current token is dropped unconditionally (e.g. after v2.system.token_revoked).
   */
  invalidate(generation?: number): void;
  /** ok: a token exists and has not expired (a failed renewal inside the refresh margin keeps ok true until expiry). */
  state(): { ok: boolean; expiresAt?: number; lastError?: string };
  /** Stops the renewal timer. */
  close(): void;
}

/** Maps a failed login (AxiosError) to AppError: 400/401/403 → GENESYS_AUTH_FAILED, transient → GENESYS_UNAVAILABLE (retryable). */
export function loginError(err: unknown): AppError {
  const f = describeFailure(err);
  if (isTransient(f)) {
    const what = f.network ? `network failure (${f.code ?? 'no response'})` : `HTTP ${f.status}`;
    const wait = f.status === 429 ? retryAfterMs(f.headers) : undefined;
    return new AppError('GENESYS_UNAVAILABLE', `Genesys login unavailable: ${what}`, {
      retryable: true,
      upstreamStatus: f.status,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      cause: err,
    });
  }
  return new AppError('GENESYS_AUTH_FAILED', `Genesys login rejected (HTTP ${f.status ?? '?'}); check GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET`, {
    upstreamStatus: f.status,
  });
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Creates the token manager; the token itself lives only inside the SDK ApiClient and is never logged. After every
 * login a timer (unref'd) renews the token when it enters the refresh margin, so an idle service never runs on an
 * expiring token; a failed renewal is retried with backoff while the current token stays in use until it expires.
 */
export function createTokenManager(opts: TokenManagerOptions): TokenManager {
  let expiresAt: number | undefined;
  let generation = 0;
  let valid = false;
  let lastError: string | undefined;
  let inflight: Promise<number> | undefined;
  let renewTimer: NodeJS.Timeout | undefined;
  let renewFailures = 0;
  let closed = false;

  const fresh = (): boolean => valid && expiresAt !== undefined && opts.now() < expiresAt - opts.refreshMarginMs;
  /** The current token can still be sent (it may be inside the refresh margin). */
  const usable = (): boolean => valid && expiresAt !== undefined && opts.now() < expiresAt;

  async function loginOnce(): Promise<void> {
    try {
      const auth = await opts.apiClient.loginClientCredentialsGrant(opts.clientId, opts.clientSecret);
      expiresAt = typeof auth.tokenExpiryTime === 'number' ? auth.tokenExpiryTime : opts.now() + 3_600_000;
    } catch (err) {
      throw loginError(err);
    }
  }

  async function login(): Promise<number> {
    try {
      await withRetry(() => loginOnce(), opts.retry, {
        sleep: opts.sleep,
        ...(opts.random ? { random: opts.random } : {}),
        onRetry: ({ attempt, delayMs }) => opts.logger.warn({ attempt, delayMs }, 'genesys login failed; retrying'),
      });
      generation += 1;
      valid = true;
      lastError = undefined;
      renewFailures = 0;
      opts.logger.info({ expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString() }, 'genesys login ok');
      scheduleRenewal();
      return generation;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  /** Single-flight login. */
  function renew(): Promise<number> {
    inflight ??= login().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function arm(delayMs: number): void {
    clearTimeout(renewTimer);
    if (closed) return;
    renewTimer = setTimeout(() => void proactiveRenewal(), Math.min(MAX_TIMER_MS, Math.max(0, delayMs)));
    renewTimer.unref();
  }

  /** At the start of the refresh margin, or halfway through what is left when the token lives shorter than that. */
  function scheduleRenewal(): void {
    if (expiresAt === undefined || !Number.isFinite(expiresAt)) return;
    const now = opts.now();
    arm(Math.max(expiresAt - opts.refreshMarginMs - now, (expiresAt - now) / 2));
  }

  async function proactiveRenewal(): Promise<void> {
    if (closed) return;
    try {
      await renew();
    } catch {
      renewFailures += 1;
      const bounds = { baseDelayMs: Math.max(1000, opts.retry.baseDelayMs), maxDelayMs: Math.max(60_000, opts.retry.maxDelayMs) };
      const delayMs = backoffDelay(renewFailures, bounds, opts.random);
      opts.logger.warn({ failures: renewFailures, retryInMs: delayMs, tokenStillValid: usable() }, 'genesys token renewal failed');
      arm(delayMs);
    }
  }

  return {
    ensure() {
      if (fresh()) return Promise.resolve(generation);
      if (renewFailures > 0 && usable()) return Promise.resolve(generation); // the renewal timer keeps retrying
      // Inside the refresh margin a failed renewal is not fatal: the current token still works until it expires.
      const current = generation;
      return renew().catch((err: unknown) => {
        if (usable() && generation === current) return current;
        throw err;
      });
    },
    invalidate(gen) {
      if (gen === undefined || gen === generation) valid = false;
    },
    state() {
      return { ok: usable(), ...(expiresAt !== undefined ? { expiresAt } : {}), ...(lastError ? { lastError } : {}) };
    },
    close() {
      closed = true;
      clearTimeout(renewTimer);
      renewTimer = undefined;
    },
  };
}
