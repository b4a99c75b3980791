// OAuth client-credentials token issuing, bearer validation and the per-token request budget.
import { randomBytes } from 'node:crypto';

interface TokenInfo {
  clientId: string;
  expiresMs: number;
  windowStartMs: number;
  count: number;
}

export interface AuthOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  rateLimitPerMinute: number;
  now: () => number;
}

export type TokenResult = { status: number; body: Record<string, unknown> };
export type BearerCheck = { ok: true; token: string; clientId: string } | { ok: false; code: string; message: string };
export interface Budget { allowed: boolean; count: number; limit: number; resetSeconds: number }

const invalid = (description: string): TokenResult => ({ status: 401, body: { error: 'invalid_client', description, error_description: description } });

/** Creates the token store. */
export function createAuth(options: AuthOptions) {
  const tokens = new Map<string, TokenInfo>();
  let issued = 0;

  function credentials(authorization: string | undefined, form: URLSearchParams): [string, string] | undefined {
    const match = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (match?.[1]) {
      const decoded = Buffer.from(match[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    const id = form.get('client_id');
    const secret = form.get('client_secret');
    return id !== null && secret !== null ? [id, secret] : undefined;
  }

  /** POST /oauth/token. */
  function issue(authorization: string | undefined, rawBody: string): TokenResult {
    const form = new URLSearchParams(rawBody);
    const creds = credentials(authorization, form);
    if (!creds) return invalid('authentication failed');
    if (creds[0] !== options.clientId) return invalid('client not found');
    if (creds[1] !== options.clientSecret) return invalid('authentication failed');
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') {
      const description = `unsupported grant type: ${grant ?? ''}`;
      return { status: 400, body: { error: 'unsupported_grant_type', description, error_description: description } };
    }
    const token = randomBytes(48).toString('base64url');
    tokens.set(token, { clientId: creds[0], expiresMs: options.now() + options.tokenTtlSeconds * 1000, windowStartMs: options.now(), count: 0 });
    issued += 1;
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: options.tokenTtlSeconds } };
  }

  /** Validates `Authorization: Bearer …`. */
  function check(authorization: string | undefined): BearerCheck {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return { ok: false, code: 'authentication.required', message: 'No authentication bearer token specified in authorization header.' };
    const info = tokens.get(match[1]);
    if (!info || info.expiresMs <= options.now()) {
      if (info) tokens.delete(match[1]);
      return { ok: false, code: 'bad.credentials', message: 'Invalid login credentials.' };
    }
    return { ok: true, token: match[1], clientId: info.clientId };
  }

  /** Counts one request against the token's per-minute budget. */
  function consume(token: string | undefined): Budget {
    const limit = options.rateLimitPerMinute > 0 ? options.rateLimitPerMinute : 300;
    const info = token ? tokens.get(token) : undefined;
    if (!info) return { allowed: true, count: 0, limit, resetSeconds: 60 };
    const now = options.now();
    if (now - info.windowStartMs >= 60_000) {
      info.windowStartMs = now;
      info.count = 0;
    }
    const resetSeconds = Math.max(1, Math.ceil((info.windowStartMs + 60_000 - now) / 1000));
    if (options.rateLimitPerMinute > 0 && info.count >= options.rateLimitPerMinute) return { allowed: false, count: info.count, limit, resetSeconds };
    info.count += 1;
    return { allowed: true, count: info.count, limit, resetSeconds };
  }

  return {
    issue,
    check,
    consume,
    tokensIssued: () => issued,
    /** Revokes every issued token: API calls with them get 401 bad.credentials (v2.system.token_revoked). */
    revokeAll(): void {
      tokens.clear();
    },
  };
}

export type SimAuth = ReturnType<typeof createAuth>;
