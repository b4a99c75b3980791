// GET /metrics: the Prometheus text exposition, behind the API keys (a scraper sends `Authorization: Bearer <key>`).
import type { OpenAPIHono } from '@hono/zod-openapi';
import { documentPlainRoutes } from './plain-routes-doc.js';
import { bearerAuth } from './auth.js';
import type { HttpDeps } from './ports.js';

/** What GET /metrics serves (the prom-client adapter in metrics/). */
export interface MetricsExposition {
  render(): Promise<string>;
  readonly contentType: string;
}

/** Registers GET /metrics when the deps carry an exposition; otherwise the route stays a 404. */
export function registerMetricsRoute(app: OpenAPIHono, deps: HttpDeps): void {
  const exposition = deps.metricsExposition;
  if (!exposition) return;
  documentPlainRoutes(app, [{ path: '/metrics', summary: 'Prometheus metrics (text exposition format)', contentType: 'text/plain', secured: true }]);
  app.use('/metrics', bearerAuth(deps.apiKeys));
  app.get('/metrics', async (c) => c.body(await exposition.render(), 200, { 'content-type': exposition.contentType, 'cache-control': 'no-store' }));
}
