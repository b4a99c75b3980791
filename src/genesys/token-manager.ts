// OAuth client-credentials token lifecycle: reuse until the refresh margin, single-flight login, invalidate on 401.
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import { withRetry, type BackoffPolicy, type Sleep } from './backoff.js';
import { describeFailure, isTransient } from './upstream-error.js';
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
  /** Forces the next ensure() to log in again, unless a newer token than `generation` already exists. */
  invalidate(generation: number): void;
  state(): { ok: boolean; expiresAt?: number; lastError?: string };
}

/** Maps a failed login (AxiosError) to AppError: 400/401/403 → GENESYS_AUTH_FAILED, transient → GENESYS_UNAVAILABLE (retryable). */
export function loginError(err: unknown): AppError {
  const f = describeFailure(err);
  if (isTransient(f)) {
    const what = f.network ? `network failure (${f.code ?? 'no response'})` : `HTTP ${f.status}`;
    return new AppError('GENESYS_UNAVAILABLE', `Genesys login unavailable: ${what}`, { retryable: true, upstreamStatus: f.status, cause: err });
  }
  return new AppError('GENESYS_AUTH_FAILED', `Genesys login rejected (HTTP ${f.status ?? '?'}); check GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET`, {
    upstreamStatus: f.status,
  });
}

/** Creates the token manager; the token itself lives only inside the SDK ApiClient and is never logged. */
export function createTokenManager(opts: TokenManagerOptions): TokenManager {
  let expiresAt: number | undefined;
  let generation = 0;
  let valid = false;
  let lastError: string | undefined;
  let inflight: Promise<number> | undefined;

  const fresh = (): boolean => valid && expiresAt !== undefined && opts.now() < expiresAt - opts.refreshMarginMs;

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
      opts.logger.info({ expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString() }, 'genesys login ok');
      return generation;
    } catch (err) {
      valid = false;
      lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  return {
    ensure() {
      if (fresh()) return Promise.resolve(generation);
      inflight ??= login().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(gen) {
      if (gen === generation) valid = false;
    },
    state() {
      return { ok: fresh(), ...(expiresAt !== undefined ? { expiresAt } : {}), ...(lastError ? { lastError } : {}) };
    },
  };
}
