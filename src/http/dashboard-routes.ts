// The dashboard: GET / and its static files (public, they hold no data), and behind the API key its data:
// /api/dashboard/state, /api/dashboard/events (server-sent events, bounded, ended on shutdown) and
// /api/dashboard/conversations/{id} (the summary beside its REDACTED transcript).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { ConversationIdSchema } from '../domain.js';
import { AppError, isAppError } from '../errors.js';
import { loadDashboardAssets, type DashboardAsset } from './dashboard-assets.js';
import type { DashboardFeed, FeedEvent } from './dashboard-feed.js';
import type { HttpDeps } from './ports.js';
import { documentPlainRoutes } from './plain-routes-doc.js';

/** A transcript as the model saw it: every turn through the same redaction, with the counts by type. */
export interface RedactedTranscript {
  media_type: string;
  turns: Array<{ speaker: string; text: string; at: string }>;
  redactions: Record<string, number>;
}

/** What the dashboard needs from the rest of the service. */
export interface DashboardDeps {
  feed: DashboardFeed;
  /** Socket, queue and worker state (no channel ids: those are socket addresses). */
  state(): Promise<Record<string, unknown>>;
  /**
   * The conversation's transcript fetched again and redacted exactly as for the model (no model call, never the
   * unredacted text). Throws AppError CONVERSATION_NOT_FOUND, TRANSCRIPT_UNAVAILABLE, GENESYS_UNAVAILABLE, ….
   */
  redactedTranscript(conversationId: string): Promise<RedactedTranscript>;
  /** A comment line on every open stream this often, so proxies keep it open and dead sockets are found. @default 15000 */
  heartbeatMs?: number;
}

const SECURITY_HEADERS = {
  // No inline script or style, nothing from elsewhere: data only from this origin, with the key the page holds.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Registers the page and its data routes (the /api/* ones sit behind the API-key middleware app.ts installs). */
export function registerDashboardRoutes(app: OpenAPIHono, deps: HttpDeps): void {
  const dashboard = deps.dashboard;
  if (!dashboard) return;
  const assets = loadDashboardAssets();
  const serve = (asset: DashboardAsset) => (c: Context) => c.body(asset.body, 200, { 'content-type': asset.contentType, ...SECURITY_HEADERS });
  app.get('/', serve(assets.page));
  for (const asset of assets.files) app.get(`/dashboard/${asset.name}`, serve(asset));

  app.get('/api/dashboard/state', async (c) => c.json({ ...(await dashboard.state()), ...dashboard.feed.recent() }));
  app.get('/api/dashboard/events', (c) => openStream(c, dashboard));
  documentPlainRoutes(app, [
    { path: '/', summary: 'The dashboard page (no data; it asks for an API key)', contentType: 'text/html', secured: false },
    ...assets.files.map((asset) => ({ path: `/dashboard/${asset.name}`, summary: `Dashboard asset ${asset.name}`, contentType: asset.contentType, secured: false })),
    { path: '/api/dashboard/state', summary: 'Socket, queue and worker state, recent summaries and failures', contentType: 'application/json', secured: true },
    { path: '/api/dashboard/events', summary: 'Summaries and failures as they land (server-sent events)', contentType: 'text/event-stream', secured: true },
    { path: '/api/dashboard/conversations/{id}', summary: 'A summary beside its redacted transcript', contentType: 'application/json', secured: true, params: ['id'] },
  ]);
  app.get('/api/dashboard/conversations/:id', async (c) => {
    const id = c.req.param('id');
    if (!ConversationIdSchema.safeParse(id).success) throw new AppError('INVALID_ID', 'conversation_id must be a UUID');
    const summary = (await deps.api.getSummary(id)) ?? null;
    const transcript = await dashboard.redactedTranscript(id).catch((err: unknown) => {
      // No summary and Genesys does not know the id either: a plain 404. Any other failure still shows the summary.
      if (!summary || !isAppError(err)) throw err;
      return { error: err.code };
    });
    return c.json({ conversation_id: id, summary, transcript: 'error' in transcript ? null : transcript, ...('error' in transcript ? { transcript_error: transcript.error } : {}) });
  });
}

/** One event stream: refused past the feed's bound (429), ended by the client, the feed's close() or a failed write. */
function openStream(c: Context, dashboard: DashboardDeps): Response {
  let stream: SSEStreamingApi | undefined;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  let nextId = 0;
  const send = (event: FeedEvent): void => {
    stream?.writeSSE({ event: event.type, data: JSON.stringify(event.data), id: String(++nextId) }).catch(finish);
  };
  const unsubscribe = dashboard.feed.subscribe(send, () => finish());
  if (!unsubscribe) throw new AppError('TOO_MANY_REQUESTS', 'too many open dashboard streams', { retryAfterMs: 10_000 });
  const response = streamSSE(
    c,
    async (s) => {
      stream = s;
      s.onAbort(finish);
      const beat = setInterval(() => void s.write(': ping\n\n').catch(finish), dashboard.heartbeatMs ?? 15_000);
      try {
        await s.writeSSE({ event: 'hello', data: '{}' });
        await ended;
      } finally {
        clearInterval(beat);
        unsubscribe();
      }
    },
    async () => {
      finish();
    },
  );
  // One stream per connection (streamSSE says keep-alive): when the feed ends the stream at shutdown, the connection
  // closes with it instead of idling until the server's grace period runs out.
  response.headers.set('connection', 'close');
  return response;
}
