// Liveness and readiness routes (no auth): /healthz always answers; /readyz runs every readiness check with a timeout.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ReadinessCheck } from './ports.js';
import { HealthSchema, ReadySchema } from './schemas.js';

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['operations'],
  summary: 'Liveness: the process is serving HTTP',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['operations'],
  summary: 'Readiness: every dependency answers',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadySchema } } },
  },
});

type CheckResult = { ok: boolean; detail?: string };

/** Runs one check; a throw or a timeout counts as not ok. */
export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `timed out after ${timeoutMs}ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      check.check().catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : 'check failed' })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds /healthz and /readyz. */
export function registerHealthRoutes(app: OpenAPIHono, checks: ReadinessCheck[], timeoutMs: number): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
    const entries = checks.map((check, i) => [check.name, results[i] ?? { ok: false }] as const);
    const ok = results.every((r) => r.ok);
    const body = { checks: Object.fromEntries(entries) };
    return ok ? c.json({ status: 'ready' as const, ...body }, 200) : c.json({ status: 'not_ready' as const, ...body }, 503);
  });
}
