// Authentication, in one place: bearer API keys for /api/* and the webhook token (Bearer or x-api-key) for the Genesys
// intake; constant-time comparison of SHA-256 digests, never logging a secret. The request then carries an opaque id
// of its key (`client`), whose task budget it spends.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import { problemResponse } from './problem.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** clientIdOf(the key or token that authenticated the request). */
    client: string;
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** True when `candidate` equals one of the keys; compares against every key so timing does not reveal which. */
export function createKeyMatcher(apiKeys: readonly string[]): (candidate: string) => boolean {
  const digests = apiKeys.map(digest);
  return (candidate) => {
    const probe = digest(candidate);
    let matched = false;
    for (const key of digests) matched = timingSafeEqual(probe, key) || matched;
    return matched;
  };
}

/**
 * An opaque id of a key or token (the first 16 hex digits of a domain-separated SHA-256): identifies a client's
 * budget without keeping or logging the secret, and cannot be turned back into it.
 */
export function clientIdOf(secret: string): string {
  return createHash('sha256').update('wrapup-client:').update(secret, 'utf8').digest('hex').slice(0, 16);
}

/** The authenticated client's id (set by the auth middleware), or undefined on a public route. */
export const clientOf = (c: Context): string | undefined => c.get('client');

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** Rejects requests without `Authorization: Bearer <one of apiKeys>` with 401 UNAUTHORIZED. */
export function bearerAuth(apiKeys: readonly string[]): MiddlewareHandler {
  const matches = createKeyMatcher(apiKeys);
  // Looked up only after the constant-time match succeeded: one SHA-256 less per request, nothing learnt from timing.
  const clientIds = new Map(apiKeys.map((key) => [key, clientIdOf(key)]));
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !matches(token)) {
      throw new AppError('UNAUTHORIZED', 'missing or invalid bearer token');
    }
    c.set('client', clientIds.get(token) ?? clientIdOf(token));
    await next();
  };
}

/** 404 while disabled (no token), then `Authorization: Bearer <token>` or `x-api-key: <token>`, constant-time. */
export function webhookAuth(token: string | undefined): MiddlewareHandler {
  const matches = createKeyMatcher(token ? [token] : []);
  const client = clientIdOf(token ?? '');
  return async (c, next) => {
    if (!token) return problemResponse(c, 'NOT_FOUND', 'webhook intake is disabled (no WEBHOOK_TOKEN configured)');
    const bearer = bearerToken(c.req.header('authorization'));
    const apiKey = c.req.header('x-api-key');
    // Both are checked (no short-circuit) so timing does not reveal which header matched.
    const viaBearer = bearer !== undefined && matches(bearer);
    const viaApiKey = apiKey !== undefined && matches(apiKey);
    if (!viaBearer && !viaApiKey) throw new AppError('UNAUTHORIZED', 'missing or invalid webhook token');
    c.set('client', client);
    await next();
  };
}
