// Authentication, in one place: named, scoped bearer API keys for /api/* and the webhook token (Bearer or x-api-key)
// for the Genesys intake; constant-time comparison of SHA-256 digests against every key, never logging a secret.
// The request then carries its key's name (`client`: logs and budgets) and scopes; GET needs `read`, other methods
// `submit`. The per-key request rate limit on /api/* sits here too.
import * as crypto from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import type { ApiKey, ApiKeys, ApiScope } from './ports.js';
import { problemResponse } from './problem.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated key's name (`webhook` for the webhook token): shown in logs, keys the budgets. */
    client: string;
    /** What the key may do. */
    scopes: readonly ApiScope[];
  }
}

const ALL_SCOPES: readonly ApiScope[] = ['read', 'submit'];

/** SHA-256 of a key: one-shot `crypto.hash` (Node ≥ 20.12; half the cost of a Hash object per request) when present. */
const digest: (value: string) => Buffer =
  typeof crypto.hash === 'function' ? (value) => crypto.hash('sha256', value, 'buffer') : (value) => crypto.createHash('sha256').update(value, 'utf8').digest();

/** The index of the digest `candidate` matches, comparing against every one so timing reveals neither which nor whether. */
function matchIndex(digests: readonly Buffer[], candidate: string): number {
  const probe = digest(candidate);
  let found = -1;
  digests.forEach((d, i) => {
    if (crypto.timingSafeEqual(probe, d)) found = i;
  });
  return found;
}

/** True when `candidate` equals one of the secrets (constant time per secret). */
export function createKeyMatcher(secrets: readonly string[]): (candidate: string) => boolean {
  const digests = secrets.map(digest);
  return (candidate) => matchIndex(digests, candidate) >= 0;
}

/** The authenticated client's name (set by the auth middleware), or undefined on a public route. */
export const clientOf = (c: Context): string | undefined => c.get('client');

/** True when the request's key may start work (scope `submit`); public routes and the webhook have no scopes. */
export const canSubmit = (c: Context): boolean => (c.get('scopes') ?? ALL_SCOPES).includes('submit');

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** The name of a key given as a bare secret: the same one-way hash as config-keys.ts's defaultKeyName. */
export const bareKeyName = (secret: string): string =>
  `key-${crypto.createHash('sha256').update('wrapup-key-name:').update(secret, 'utf8').digest('hex').slice(0, 8)}`;

/** A bare secret (tests, callers without names) is a full-scope key named by its hash. */
const asKey = (k: string | ApiKey): ApiKey => (typeof k === 'string' ? { name: bareKeyName(k), scopes: [...ALL_SCOPES], secret: k } : k);

/** Resolves the key list on every request (a reloadable key file), hashing each new list once. */
export function keyLookup(source: ApiKeys): (candidate: string) => ApiKey | undefined {
  let list: readonly (string | ApiKey)[] | undefined;
  let keys: ApiKey[] = [];
  let digests: Buffer[] = [];
  return (candidate) => {
    const current = typeof source === 'function' ? source() : source;
    if (current !== list) {
      list = current;
      keys = current.map(asKey);
      digests = keys.map((k) => digest(k.secret));
    }
    return keys[matchIndex(digests, candidate)];
  };
}

/** The scope a request needs: reading (GET, HEAD) or anything else (starting work). */
const scopeFor = (method: string): ApiScope => (method === 'GET' || method === 'HEAD' ? 'read' : 'submit');

/** The configured key an `Authorization: Bearer <token>` header carries, or undefined (missing, malformed, unknown). */
export function keyOf(lookup: (candidate: string) => ApiKey | undefined, authorization: string | undefined): ApiKey | undefined {
  const token = bearerToken(authorization);
  return token === undefined ? undefined : lookup(token);
}

/** True when the key's scopes cover the request's method. */
export const allows = (key: ApiKey, method: string): boolean => key.scopes.includes(scopeFor(method));

/**
 * Rejects requests without `Authorization: Bearer <a configured key>` (401 UNAUTHORIZED) and requests the key's
 * scopes do not cover (403 FORBIDDEN); sets `client` (the key's name) and `scopes`.
 */
export function bearerAuth(source: ApiKeys): MiddlewareHandler {
  const lookup = keyLookup(source);
  return async (c, next) => {
    const key = keyOf(lookup, c.req.header('authorization'));
    if (!key) throw new AppError('UNAUTHORIZED', 'missing or invalid bearer token');
    c.set('client', key.name);
    c.set('scopes', key.scopes);
    if (!allows(key, c.req.method)) {
      throw new AppError('FORBIDDEN', `API key "${key.name}" has scope ${key.scopes.join('+')}; ${c.req.method} needs ${scopeFor(c.req.method)}`);
    }
    await next();
  };
}

/**
 * Per-key request rate on /api/* (after bearerAuth): `wait(client)` spends one request of the key's budget and says
 * how long (ms) to wait when none is left; then 429 TOO_MANY_REQUESTS with Retry-After.
 */
export function requestRateLimit(wait: (client: string) => number): MiddlewareHandler {
  return async (c, next) => {
    const ms = wait(c.get('client') ?? '');
    if (ms > 0) {
      throw new AppError('TOO_MANY_REQUESTS', 'this API key made too many requests; retry later', { retryAfterMs: ms, details: { retry_after_ms: ms } });
    }
    await next();
  };
}

/** 404 while disabled (no token), then `Authorization: Bearer <token>` or `x-api-key: <token>`, constant-time. */
export function webhookAuth(token: string | undefined): MiddlewareHandler {
  const matches = createKeyMatcher(token ? [token] : []);
  return async (c, next) => {
    if (!token) return problemResponse(c, 'NOT_FOUND', 'webhook intake is disabled (no WEBHOOK_TOKEN configured)');
    const bearer = bearerToken(c.req.header('authorization'));
    const apiKey = c.req.header('x-api-key');
    // Both are checked (no short-circuit) so timing does not reveal which header matched.
    const viaBearer = bearer !== undefined && matches(bearer);
    const viaApiKey = apiKey !== undefined && matches(apiKey);
    if (!viaBearer && !viaApiKey) throw new AppError('UNAUTHORIZED', 'missing or invalid webhook token');
    c.set('client', 'webhook');
    await next();
  };
}
