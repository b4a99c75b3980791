// Routes served by plain Hono handlers (the dashboard's page, assets and data, /metrics) described in /openapi.json
// too, so an integrator reading the reference sees every route the service answers.
import type { OpenAPIHono } from '@hono/zod-openapi';

type Method = 'get';
interface PlainRoute {
  path: string;
  summary: string;
  contentType: string;
  secured: boolean;
  params?: string[];
}

/** Adds each route to the OpenAPI registry (documentation only: the handlers are registered elsewhere). */
export function documentPlainRoutes(app: OpenAPIHono, routes: readonly PlainRoute[], method: Method = 'get'): void {
  for (const route of routes) {
    app.openAPIRegistry.registerPath({
      method,
      path: route.path,
      summary: route.summary,
      tags: [route.path.startsWith('/api/dashboard') || !route.secured ? 'dashboard' : 'operations'],
      ...(route.params
        ? { parameters: route.params.map((name) => ({ name, in: 'path' as const, required: true, schema: { type: 'string' as const } })) }
        : {}),
      ...(route.secured ? { security: [{ Bearer: [] }] } : {}),
      responses: {
        200: { description: route.summary, content: { [route.contentType]: { schema: {} } } },
        ...(route.secured ? { 401: { description: 'missing or invalid API key (application/problem+json, code UNAUTHORIZED)' } } : {}),
      },
    });
  }
}
