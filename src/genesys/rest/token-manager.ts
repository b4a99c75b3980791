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

/** One manager's bookkeeping; the token itself lives only inside the SDK ApiClient. */
interface TokenRecord {
  readonly opts: TokenManagerOptions;
  /** Epoch ms the current token expires. */
  expiresAt: number | undefined;
  /** Bumped by every login, so a 401 on an old token does not drop a newer one. */
  generation: number;
  valid: boolean;
  lastError: string | undefined;
  /** The login in flight (single-flight). */
  inflight: Promise<number> | undefined;
  renewTimer: NodeJS.Timeout | undefined;
  renewFailures: number;
  closed: boolean;
}

/**
 * Creates the token manager; the token itself lives only inside the SDK ApiClient and is never logged. After every
 * login a timer (unref'd) renews the token when it enters the refresh margin, so an idle service never runs on an
 * expiring token; a failed renewal is retried with backoff while the current token stays in use until it expires.
 */
export function createTokenManager(opts: TokenManagerOptions): TokenManager {
  const t: TokenRecord = {
    opts,
    expiresAt: undefined,
    generation: 0,
    valid: false,
    lastError: undefined,
    inflight: undefined,
    renewTimer: undefined,
    renewFailures: 0,
    closed: false,
  };
  return {
    ensure: () => ensure(t),
    invalidate(gen) {
      if (gen === undefined || gen === t.generation) t.valid = false;
    },
    state() {
      return { ok: usable(t), ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}), ...(t.lastError ? { lastError: t.lastError } : {}) };
    },
    close() {
      t.closed = true;
      clearTimeout(t.renewTimer);
      t.renewTimer = undefined;
    },
  };
}

/** The current token is outside the refresh margin: no renewal needed. */
const fresh = (t: TokenRecord): boolean => t.valid && t.expiresAt !== undefined && t.opts.now() < t.expiresAt - t.opts.refreshMarginMs;
/** The current token can still be sent (it may be inside the refresh margin). */
const usable = (t: TokenRecord): boolean => t.valid && t.expiresAt !== undefined && t.opts.now() < t.expiresAt;

/** A usable token's generation: the current one, or a new login (which may fail) when it needs renewing. */
function ensure(t: TokenRecord): Promise<number> {
  if (fresh(t)) return Promise.resolve(t.generation);
  if (t.renewFailures > 0 && usable(t)) return Promise.resolve(t.generation); // the renewal timer keeps retrying
  // Inside the refresh margin a failed renewal is not fatal: the current token still works until it expires.
  const current = t.generation;
  return renew(t).catch((err: unknown) => {
    if (usable(t) && t.generation === current) return current;
    throw err;
  });
}

/** Single-flight login. */
function renew(t: TokenRecord): Promise<number> {
  t.inflight ??= login(t).finally(() => {
    t.inflight = undefined;
  });
  return t.inflight;
}

/** Logs in with retries; on success bumps the generation and plans the next renewal. */
async function login(t: TokenRecord): Promise<number> {
  const { opts } = t;
  try {
    await withRetry(() => loginOnce(t), opts.retry, {
      sleep: opts.sleep,
      ...(opts.random ? { random: opts.random } : {}),
      onRetry: ({ attempt, delayMs }) => opts.logger.warn({ attempt, delayMs }, 'genesys login failed; retrying'),
    });
    t.generation += 1;
    t.valid = true;
    t.lastError = undefined;
    t.renewFailures = 0;
    opts.logger.info({ expiresAt: t.expiresAt === undefined ? undefined : new Date(t.expiresAt).toISOString() }, 'genesys login ok');
    scheduleRenewal(t);
    return t.generation;
  } catch (err) {
    t.lastError = err instanceof Error ? err.message : String(err);
    throw err;
  }
}

/** One login attempt; a failure comes back as loginError's AppError (retryable when transient). */
async function loginOnce(t: TokenRecord): Promise<void> {
  const { opts } = t;
  try {
    const auth = await opts.apiClient.loginClientCredentialsGrant(opts.clientId, opts.clientSecret);
    t.expiresAt = typeof auth.tokenExpiryTime === 'number' ? auth.tokenExpiryTime : opts.now() + 3_600_000;
  } catch (err) {
    throw loginError(err);
  }
}

/** At the start of the refresh margin, or halfway through what is left when the token lives shorter than that. */
function scheduleRenewal(t: TokenRecord): void {
  if (t.expiresAt === undefined || !Number.isFinite(t.expiresAt)) return;
  const now = t.opts.now();
  arm(t, Math.max(t.expiresAt - t.opts.refreshMarginMs - now, (t.expiresAt - now) / 2));
}

/** (Re)sets the renewal timer, unless the manager is closed. */
function arm(t: TokenRecord, delayMs: number): void {
  clearTimeout(t.renewTimer);
  if (t.closed) return;
  t.renewTimer = setTimeout(() => void proactiveRenewal(t), Math.min(MAX_TIMER_MS, Math.max(0, delayMs)));
  t.renewTimer.unref();
}

/** The renewal timer fired: log in again; on failure retry with backoff while the current token lasts. */
async function proactiveRenewal(t: TokenRecord): Promise<void> {
  const { opts } = t;
  if (t.closed) return;
  try {
    await renew(t);
  } catch {
    t.renewFailures += 1;
    const bounds = { baseDelayMs: Math.max(1000, opts.retry.baseDelayMs), maxDelayMs: Math.max(60_000, opts.retry.maxDelayMs) };
    const delayMs = backoffDelay(t.renewFailures, bounds, opts.random);
    opts.logger.warn({ failures: t.renewFailures, retryInMs: delayMs, tokenStillValid: usable(t) }, 'genesys token renewal failed');
    arm(t, delayMs);
  }
}
