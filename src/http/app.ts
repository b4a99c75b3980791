// The Hono application: middleware order, the one error handler, the routes and the OpenAPI 3.1 document.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bearerAuth, requestRateLimit } from './auth.js';
import { bodyLimit } from './body-limit.js';
import { registerDocsRoutes } from './docs-routes.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import type { HttpDeps } from './ports.js';
import { createErrorHandler, notFoundProblem, validationHook } from './problem.js';
import { createSummaryFastPath, type FastPath } from './summary-fast-path.js';
import { createSummaryReader, registerSummaryRoutes } from './summary-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { registerMetricsRoute } from './metrics-route.js';

export const OPENAPI_PATH = '/openapi.json';

const API_DESCRIPTION = [
  'After-call summaries of Genesys Cloud conversations.',
  '',
  '`/api/*` needs `Authorization: Bearer <API key>`. A key has scopes: `read` for GET routes, `submit` for POST',
  'and for a GET that would start a new summary (otherwise 403 `FORBIDDEN`). Each key has a request rate on `/api/*`',
  'and a budget of summaries it may start; beyond either, 429 `TOO_MANY_REQUESTS` with `Retry-After` (seconds).',
  'Every error is `application/problem+json` with a stable `code` (the `Problem` schema lists them all).',
].join('\n');

/** The app, and what startHttpServer answers before it (absent when every request must reach Hono). */
export type HttpApp = OpenAPIHono & { readonly serveFirst: FastPath | undefined };

/**
 * Builds the app. /healthz, /readyz (state words only), /openapi.json and /docs are public; /api/* (with /api/status,
 * the health details) needs a bearer API key whose scopes cover the method, within the key's request rate; POST
 * /webhooks/genesys needs the webhook token (Bearer or x-api-key) and answers 404 when none is configured.
 */
export function createHttpApp(deps: HttpDeps): HttpApp {
  const log = deps.logger;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(createErrorHandler(log));
  app.notFound(notFoundProblem);

  // One line per request only at debug: at info, a CRM polling every second would write a line per poll. Errors are
  // logged by the error handler whatever the level.
  if (log.isLevelEnabled('debug')) {
    app.use('*', async (c, next) => {
      const started = performance.now();
      await next();
      const client = c.get('client');
      log.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), ...(client ? { client } : {}) }, 'http request');
    });
  }
  app.use('/api/*', bearerAuth(deps.apiKeys));
  if (deps.requestLimit) app.use('/api/*', requestRateLimit(deps.requestLimit));
  // Only methods that carry a body pass the limit: a GET never runs it.
  app.on(['POST', 'PUT', 'PATCH', 'DELETE'], '/api/*', bodyLimit({ maxBytes: deps.bodyLimitBytes }));

  registerHealthRoutes(app, deps.readiness, deps.readinessTimeoutMs ?? 2000, deps.replica);
  const reader = createSummaryReader(deps);
  registerSummaryRoutes(app, deps, reader);
  registerWebhookRoutes(app, deps);
  registerDocsRoutes(app, OPENAPI_PATH);
  if (deps.deliveries) registerDeliveryRoutes(app, deps.deliveries);
  registerMetricsRoute(app, deps);
  registerDashboardRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.doc31(OPENAPI_PATH, { openapi: '3.1.0', info: { title: 'wrapup', version: '0.1.0', description: API_DESCRIPTION } });
  // Tier hits of the summary read skip Hono; with debug logging on, every request goes through Hono to be logged.
  const serveFirst = log.isLevelEnabled('debug')
    ? undefined
    : createSummaryFastPath({ reader, apiKeys: deps.apiKeys, requestLimit: deps.requestLimit, metrics: deps.metrics });
  return Object.assign(app, { serveFirst });
}
