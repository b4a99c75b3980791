// The API reference: /openapi.json is a valid OpenAPI 3.1 document (checked by a maintained validator), documents
// every route the app serves and every error code in src/errors.ts; /docs renders it with assets served locally.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createDashboardFeed, createHttpApp } from '../src/http/index.js';
import type { SummaryApi } from '../src/http/index.js';
import { silentLogger } from '../src/logger.js';

const KEY = 'openapi-test-key-4b8e1f7a3c9d2065b4e8a1f7c3d9';

const api: SummaryApi = {
  getSummary: async () => undefined,
  getTask: async () => undefined,
  request: async () => {
    throw new Error('not used');
  },
  waitForTask: async () => undefined,
};

/** The app with every optional part switched on (webhook, request limit), so every route is registered. */
const app = createHttpApp({
  api,
  readiness: [],
  apiKeys: [KEY],
  requestLimit: () => 0,
  bodyLimitBytes: 4096,
  maxWaitMs: 1000,
  defaultMaxLength: 500,
  logger: silentLogger(),
  webhook: { token: 'openapi-webhook-token-7c2e9a4f1b6d3085e7c2a9f4', intake: async () => ({ task_id: 't', status: 'pending', conversation_id: 'c' }), isConversationOver: () => true },
  metricsExposition: { render: async () => '', contentType: 'text/plain; version=0.0.4' },
  dashboard: {
    feed: createDashboardFeed(),
    state: async () => ({}),
    redactedTranscript: async () => {
      throw new Error('not used');
    },
  },
});

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> };
}

async function doc(): Promise<Doc> {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as Doc;
}

/** The ErrorCode union as written in src/errors.ts (read as text, independent of the tables derived from it). */
function errorCodesInSource(): string[] {
  const text = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(text)?.[1] ?? '';
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate((await doc()) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('the validator rejects a broken document (the check above can fail)', async () => {
    const broken = { ...(await doc()), paths: { '/x': { get: { responses: { 200: { content: {} } } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents every route the app serves, with its method', async () => {
    const { paths } = await doc();
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*')) // middleware (auth, limits, logging, body limit)
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}') }));
    expect(served.length).toBeGreaterThanOrEqual(8);
    const missing = served.filter((r) => paths[r.path]?.[r.method] === undefined).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    for (const p of ['/api/summary/submit', '/api/summary/{conversation_id}', '/docs', '/openapi.json', '/healthz']) {
      expect(Object.keys(paths)).toContain(p);
    }
  });

  it('lists every error code of src/errors.ts in the Problem schema', async () => {
    const codes = errorCodesInSource();
    expect(codes.length).toBeGreaterThan(30);
    expect(codes).toContain('FORBIDDEN');
    const documented = (await doc()).components.schemas.Problem?.properties.code?.enum ?? [];
    expect(codes.filter((c) => !documented.includes(c))).toEqual([]);
  });
});

describe('/docs', () => {
  const distDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

  it('serves Swagger UI over /openapi.json with no asset from another origin', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await res.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).toContain('/docs/assets/swagger-ui-dist/swagger-ui-bundle.js');
    expect(html).toContain('/docs/assets/swagger-ui-dist/swagger-ui.css');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("validatorUrl: 'none'");
  });

  it('serves the script and stylesheet from the installed swagger-ui-dist; other files are 400', async () => {
    for (const [file, type] of [
      ['swagger-ui-bundle.js', /^text\/javascript/],
      ['swagger-ui.css', /^text\/css/],
    ] as const) {
      const res = await app.request(`/docs/assets/swagger-ui-dist/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(path.join(distDir, file)))).toBe(true);
    }
    expect((await app.request('/docs/assets/swagger-ui-dist/package.json')).status).toBe(400);
    expect((await app.request('/docs/assets/swagger-ui-dist/..%2Fpackage.json')).status).toBe(400);
  });
});
