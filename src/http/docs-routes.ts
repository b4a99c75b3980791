// The API reference: GET /docs is Swagger UI (@hono/swagger-ui) over /openapi.json, with Swagger UI's script and
// stylesheet served from the installed swagger-ui-dist package instead of a CDN, so the page works offline. A
// Content-Security-Policy keeps the page to its own origin.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';

export const DOCS_PATH = '/docs';
/** @hono/swagger-ui appends `/swagger-ui-dist/<file>` to its baseUrl. */
const ASSET_BASE = `${DOCS_PATH}/assets`;
const ASSET_TYPES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
/** The page's inline start-up script and Swagger UI's inline styles need 'unsafe-inline'; nothing may leave the origin. */
const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

const docsRoute = createRoute({
  method: 'get',
  path: DOCS_PATH,
  tags: ['reference'],
  summary: 'Interactive API reference (Swagger UI over /openapi.json; works offline)',
  responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
});

const assetRoute = createRoute({
  method: 'get',
  path: `${ASSET_BASE}/swagger-ui-dist/{file}`,
  tags: ['reference'],
  summary: "Swagger UI's script and stylesheet, from the installed swagger-ui-dist package",
  request: { params: z.object({ file: z.enum(['swagger-ui.css', 'swagger-ui-bundle.js']) }) },
  responses: { 200: { description: 'The file', content: { 'text/css': { schema: z.string() }, 'text/javascript': { schema: z.string() } } } },
});

/** The folder of the installed swagger-ui-dist (resolved at run time: it is a dependency, not copied into dist/). */
function assetDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Adds GET /docs and its assets (public, like /openapi.json). Assets are read once, on first request. */
export function registerDocsRoutes(app: OpenAPIHono, openApiPath: string): void {
  const page = swaggerUI({ url: openApiPath, baseUrl: ASSET_BASE, title: 'wrapup API', validatorUrl: 'none' });
  const cache = new Map<string, Promise<Buffer>>();
  const asset = (file: string): Promise<Buffer> => {
    let body = cache.get(file);
    if (!body) {
      body = readFile(path.join(assetDir(), file));
      body.catch(() => cache.delete(file));
      cache.set(file, body);
    }
    return body;
  };

  app.openAPIRegistry.registerPath({
    method: 'get',
    path: openApiPath,
    tags: ['reference'],
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'The document', content: { 'application/json': { schema: z.object({}).passthrough() } } } },
  });

  app.openapi(docsRoute, async (c) => {
    const res = await page(c, async () => undefined);
    if (!res) return c.text('docs unavailable', 500);
    res.headers.set('content-security-policy', CSP);
    return res as never;
  });

  app.openapi(assetRoute, async (c) => {
    const { file } = c.req.valid('param');
    const body = await asset(file);
    return c.body(new Uint8Array(body), 200, {
      'content-type': ASSET_TYPES[file] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=3600',
    }) as never;
  });
}
