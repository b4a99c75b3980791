// Bearer API-key authentication for /api/*: constant-time comparison of SHA-256 digests, never logging the token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';

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

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** Rejects requests without `Authorization: Bearer <one of apiKeys>` with 401 UNAUTHORIZED. */
export function bearerAuth(apiKeys: readonly string[]): MiddlewareHandler {
  const matches = createKeyMatcher(apiKeys);
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token === undefined || !matches(token)) {
      throw new AppError('UNAUTHORIZED', 'missing or invalid bearer token');
    }
    await next();
  };
}
