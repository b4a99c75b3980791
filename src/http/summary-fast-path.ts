// The CRM's polling read, GET or HEAD /api/summary/{id}, answered from the memory tier straight on node:http before
// Hono: no Request, Response, AbortSignal or middleware chain per request, which cost more than half the CPU of a
// tier hit (test/bench/RESULTS.md). It answers only what it answers exactly as the Hono route would: a tier hit, no
// query string, one bearer key with scope `read`, within that key's request rate. Everything else (misses, bad or
// missing keys, 403s, 429s, ?max_length=, ?wait=, debug request logging) goes to Hono untouched, so every error
// keeps its one shape. summary-fast-path.test.ts checks that both paths write the same status, headers and bytes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { regexes } from 'zod/v4/core';
import type { Metrics } from '../ports.js';
import type { CachedResponse } from '../store/index.js';
import { allows, keyLookup, keyOf } from './auth.js';
import type { ApiKeys } from './ports.js';
import { noneMatchHits, storedAnswerHeaders, type SummaryReader } from './summary-routes.js';

/** Answers the request and returns true, or returns false having written nothing (Hono answers then). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface SummaryFastPathDeps {
  reader: SummaryReader;
  apiKeys: ApiKeys;
  /** The same per-key budget as Hono's requestRateLimit; a refused take spends nothing, so Hono may take again. */
  requestLimit?: ((client: string) => number) | undefined;
  metrics?: Metrics | undefined;
}

const PREFIX = '/api/summary/';
/** What the route's `z.uuid()` accepts, without a zod parse per request (the test sends it a version-0 id). */
const UUID = regexes.uuid();

export function createSummaryFastPath(deps: SummaryFastPathDeps): FastPath {
  const lookup = keyLookup(deps.apiKeys);
  // An answer's headers, built once while the tier holds it (answers never change; a replacement is a new object).
  const built = new WeakMap<CachedResponse, [ok: Record<string, string>, notModified: Record<string, string>]>();
  const headersOf = (answer: CachedResponse) => {
    let headers = built.get(answer);
    if (!headers) built.set(answer, (headers = [storedAnswerHeaders(answer, false), storedAnswerHeaders(answer, true)]));
    return headers;
  };
  return (req, res) => {
    const url = req.url;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || url === undefined || !url.startsWith(PREFIX)) return false;
    const segment = url.slice(PREFIX.length);
    // A query, a deeper path (status/{task_id}) or an encoded character is Hono's to parse.
    if (segment.length !== 36) return false;
    // The key first: whether a conversation is held must not show in the timing of an unauthenticated request.
    const key = keyOf(lookup, onlyAuthorization(req));
    if (!key || !allows(key, req.method)) return false;
    const held = deps.reader.held(segment.toLowerCase());
    if (!held || !UUID.test(segment) || (deps.requestLimit?.(key.name) ?? 0) > 0) return false;
    deps.metrics?.memoryTierLookup(true);
    const notModified = noneMatchHits(req.headers['if-none-match'], held.etag);
    res.writeHead(notModified ? 304 : 200, headersOf(held)[notModified ? 1 : 0]);
    res.end(notModified || req.method === 'HEAD' ? undefined : held.body);
    return true;
  };
}

/**
 * The Authorization header when the request has exactly one: node keeps the first of several where Hono's Headers
 * would join them (and refuse the key), so a request with two goes to Hono.
 */
function onlyAuthorization(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') seen += 1;
  }
  return seen === 1 ? req.headers.authorization : undefined;
}
