// Health routes: public /healthz and /readyz (status and state words only) and GET /api/status (the details, behind
// the API key like every /api/* route). Every check runs with a timeout.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CheckResult, ReadinessCheck } from './ports.js';
import { CheckStateSchema, HealthSchema, problem, ReadySchema, ServiceStatusSchema } from './schemas.js';

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
  summary: 'Readiness: every dependency answers (public: ok and a state word per check, no details)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadySchema } } },
  },
});

const statusRoute = createRoute({
  method: 'get',
  path: '/api/status',
  tags: ['operations'],
  summary: 'Readiness with details: notification channels, rejected topics, backfill, queue count, error texts',
  security: [{ Bearer: [] }],
  responses: {
    200: { description: 'Status (also when not ready)', content: { 'application/json': { schema: ServiceStatusSchema } } },
    401: problem('Missing or invalid API key'),
    403: problem('This API key has no scope read'),
    429: problem('This API key made too many requests (see Retry-After)'),
  },
});

/** Runs one check; a throw or a timeout counts as not ok (the error text goes to `detail` only). */
export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, state: 'timed_out', detail: { error: `timed out after ${timeoutMs}ms` } }), timeoutMs);
  });
  const failed = (err: unknown): CheckResult => ({ ok: false, state: 'error', detail: { error: err instanceof Error ? err.message : 'check failed' } });
  try {
    return await Promise.race([check.check().catch(failed), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runAll(checks: ReadinessCheck[], timeoutMs: number): Promise<{ ok: boolean; results: Array<[string, CheckResult]> }> {
  const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  return { ok: results.every((r) => r.ok), results: checks.map((check, i) => [check.name, results[i] ?? { ok: false, state: 'error' }]) };
}

/** ok and a word from the fixed vocabulary, whatever a check returned (defence in depth for the public answer). */
const publicView = (r: CheckResult) => ({ ok: r.ok, state: CheckStateSchema.safeParse(r.state).success ? r.state : ('error' as const) });

type ReplicaInfo = () => Promise<{ id: string; channel_holder: string | null }>;

/** `{ replica }` when the app knows it (a failing or slow lookup leaves it out rather than failing the probe). */
async function replicaView(replica: ReplicaInfo | undefined, timeoutMs: number): Promise<{ replica?: { id: string; channel_holder: string | null } }> {
  if (!replica) return {};
  const found = await runCheck({ name: 'replica', check: async () => ({ ok: true, state: 'up', detail: await replica() }) }, timeoutMs);
  return found.ok && found.detail ? { replica: found.detail as { id: string; channel_holder: string | null } } : {};
}

/** Adds /healthz, /readyz and GET /api/status (which relies on the /api/* bearer middleware). */
export function registerHealthRoutes(app: OpenAPIHono, checks: ReadinessCheck[], timeoutMs: number, replica?: ReplicaInfo): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyRoute, async (c) => {
    const [{ ok, results }, who] = await Promise.all([runAll(checks, timeoutMs), replicaView(replica, timeoutMs)]);
    const body = { checks: Object.fromEntries(results.map(([name, r]) => [name, publicView(r)])), ...who };
    return ok ? c.json({ status: 'ready' as const, ...body }, 200) : c.json({ status: 'not_ready' as const, ...body }, 503);
  });
  app.openapi(statusRoute, async (c) => {
    const [{ ok, results }, who] = await Promise.all([runAll(checks, timeoutMs), replicaView(replica, timeoutMs)]);
    const detailed = results.map(([name, r]) => [name, { ...publicView(r), ...(r.detail ? { detail: r.detail } : {}) }] as const);
    return c.json({ status: ok ? ('ready' as const) : ('not_ready' as const), checks: Object.fromEntries(detailed), ...who }, 200);
  });
}
