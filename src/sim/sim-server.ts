// HTTP request pipeline of the simulator: /oauth/token, pre-signed transcript files, and /api/v2 (auth, faults, rate limit, routes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { SimAuth } from './sim-auth.js';
import { transcriptJson } from './sim-content.js';
import { BodyTooLargeError, errorBody, readBody, sendJson, serverErrorCode } from './sim-http.js';
import type { Route, RouteResult, SimContext } from './sim-routes.js';
import type { SimStats } from './sim-types.js';

/** Mutable fault-injection state read by the pipeline. */
export interface FaultState {
  rateLimit: { remaining: number; retryAfterSeconds: number };
  fail: { remaining: number; status: number; pathPrefix: string | undefined };
  tokenDownUntilMs: number;
}

export interface ServerDeps {
  sim: SimContext;
  auth: SimAuth;
  routes: Route[];
  faults: FaultState;
  stats: SimStats;
  logger: Logger;
  /** Delay before each /api/v2 answer (SimOptions.apiLatencyMs). @default 0 */
  apiLatencyMs?: number;
}

type Budget = ReturnType<SimAuth['consume']>;

function rateHeaders(budget: Budget): Record<string, string> {
  return { 'inin-ratelimit-count': String(budget.count), 'inin-ratelimit-allowed': String(budget.limit), 'inin-ratelimit-reset': String(budget.resetSeconds) };
}

function tooMany(res: ServerResponse, seconds: number, budget: Budget, contextId: string): void {
  const body = { ...errorBody(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum. Retry the request in [${seconds}] seconds`, contextId) };
  sendJson(res, 429, body, { ...rateHeaders(budget), 'Retry-After': String(seconds) });
}

/** Creates the node:http request listener. */
export function createRequestHandler(deps: ServerDeps) {
  const { sim, auth, faults } = deps;

  async function token(req: IncomingMessage, res: ServerResponse, contextId: string): Promise<void> {
    const raw = await readBody(req);
    if (sim.now() < faults.tokenDownUntilMs) {
      sendJson(res, 503, errorBody(503, 'service.unavailable', 'Service Unavailable', contextId), rateHeaders(auth.consume(undefined)));
      return;
    }
    const result = auth.issue(req.headers.authorization, raw);
    sendJson(res, result.status, result.body, rateHeaders(auth.consume(undefined)));
  }

  function transcriptFile(res: ServerResponse, tokenName: string): void {
    const entry = sim.transcriptUrls.get(tokenName);
    const record = entry ? sim.records.get(entry.conversationId) : undefined;
    if (!entry || !record || sim.now() >= entry.expiresMs) {
      const reason = entry ? 'Request has expired' : 'The request signature we calculated does not match the signature you provided.';
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${entry ? 'AccessDenied' : 'SignatureDoesNotMatch'}</Code><Message>${reason}</Message></Error>`;
      res.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) }).end(xml);
      return;
    }
    sendJson(res, 200, transcriptJson(record, entry.communicationId, sim.organizationId));
  }

  function injectedFault(res: ServerResponse, path: string, budget: Budget, contextId: string): boolean {
    if (faults.rateLimit.remaining > 0) {
      faults.rateLimit.remaining -= 1;
      tooMany(res, faults.rateLimit.retryAfterSeconds, budget, contextId);
      return true;
    }
    const fail = faults.fail;
    if (fail.remaining > 0 && (!fail.pathPrefix || path.startsWith(fail.pathPrefix))) {
      fail.remaining -= 1;
      sendJson(res, fail.status, errorBody(fail.status, serverErrorCode(fail.status), 'The service is currently unavailable.', contextId), rateHeaders(budget));
      return true;
    }
    return false;
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, contextId: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (deps.apiLatencyMs) await new Promise((resolve) => setTimeout(resolve, deps.apiLatencyMs));
    const bearer = auth.check(req.headers.authorization);
    if (!bearer.ok) {
      sendJson(res, 401, errorBody(401, bearer.code, bearer.message, contextId), rateHeaders(auth.consume(undefined)));
      return;
    }
    const budget = auth.consume(bearer.token);
    if (!budget.allowed) return tooMany(res, budget.resetSeconds, budget, contextId);
    if (injectedFault(res, url.pathname, budget, contextId)) return;
    const raw = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
    let body: unknown;
    if (raw.trim().length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, errorBody(400, 'bad.request', 'The request could not be understood by the server due to malformed syntax.', contextId), rateHeaders(budget));
        return;
      }
    }
    const result = dispatch(method, url, body, bearer.clientId, contextId);
    sendJson(res, result.status, method === 'HEAD' ? undefined : result.body, { ...rateHeaders(budget), ...result.headers });
  }

  function dispatch(method: string, url: URL, body: unknown, clientId: string, contextId: string): RouteResult {
    for (const candidate of deps.routes) {
      const match = candidate.method === method ? candidate.pattern.exec(url.pathname) : null;
      if (match) return candidate.handle({ method, params: match.slice(1).map(decodeURIComponent), query: url.searchParams, body, clientId, correlationId: contextId });
    }
    return { status: 404, body: errorBody(404, 'not.found', `Resource not found: ${method} ${url.pathname}`, contextId) };
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contextId = sim.rng.uuid();
    const url = new URL(req.url ?? '/', 'http://sim.local');
    res.setHeader('ININ-Correlation-Id', contextId);
    res.on('finish', () => deps.stats.requests.push({ method: req.method ?? 'GET', path: url.pathname, status: res.statusCode }));
    try {
      const transcript = /^\/sta-transcripts\/([0-9a-f]+)\.json$/.exec(url.pathname);
      if (req.method === 'POST' && url.pathname === '/oauth/token') await token(req, res, contextId);
      else if (req.method === 'GET' && transcript?.[1]) transcriptFile(res, transcript[1]);
      else if (url.pathname.startsWith('/api/v2/')) await api(req, res, url, contextId);
      else sendJson(res, 404, errorBody(404, 'not.found', `Resource not found: ${req.method ?? ''} ${url.pathname}`, contextId), rateHeaders(auth.consume(undefined)));
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof BodyTooLargeError) return sendJson(res, 413, errorBody(413, 'request.entity.too.large', 'The request is larger than 512000 bytes.', contextId));
      deps.logger.error({ err, path: url.pathname }, 'sim request failed');
      sendJson(res, 500, errorBody(500, 'internal.server.error', 'The server encountered an unexpected condition.', contextId));
    }
  };
}
