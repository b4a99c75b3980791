// The Hono application: middleware order, the one error handler, the routes and the OpenAPI 3.1 document.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bearerAuth } from './auth.js';
import { bodyLimit } from './body-limit.js';
import { registerHealthRoutes } from './health-routes.js';
import type { HttpDeps } from './ports.js';
import { createErrorHandler, notFoundProblem, validationHook } from './problem.js';
import { registerSummaryRoutes } from './summary-routes.js';
import { registerWebhookRoutes } from './webhook-routes.js';


export const OPENAPI_PATH = '/openapi.json';

/**
 * Builds the app. /healthz, /readyz (state words only) and /openapi.json are public; /api/* (with /api/status, the
 * health details) needs a bearer API key; POST
 * /webhooks/genesys needs the webhook token (Bearer or x-api-key) and answers 404 when none is configured.
 */
export function createHttpApp(deps: HttpDeps): OpenAPIHono {
  const log = deps.logger;
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.onError(createErrorHandler(log));
  app.notFound(notFoundProblem);

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const ms = Math.round(performance.now() - started);
    const probe = c.req.path === '/healthz' || c.req.path === '/readyz';
    log[probe ? 'debug' : 'info']({ method: c.req.method, path: c.req.path, status: c.res.status, ms }, 'http request');
  });
  app.use('/api/*', bearerAuth(deps.apiKeys));
  app.use('/api/*', bodyLimit({ maxBytes: deps.bodyLimitBytes }));

  registerHealthRoutes(app, deps.readiness, deps.readinessTimeoutMs ?? 2000, deps.replica);
  registerSummaryRoutes(app, deps);
  registerWebhookRoutes(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  app.doc31(OPENAPI_PATH, { openapi: '3.1.0', info: { title: 'wrapup', version: '0.1.0' } });
  return app;
}
