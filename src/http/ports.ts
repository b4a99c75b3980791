// The ports the HTTP layer consumes: the summary API (implemented in pipeline/), readiness checks, and its dependencies.
import type { Logger } from '../logger.js';
import type { Metrics, SummaryChanges } from '../ports.js';
import type { DeliveryRecord, SummaryRecord, TaskRecord } from '../domain.js';
import type { DashboardDeps } from './dashboard-routes.js';
import type { MetricsExposition } from './metrics-route.js';
import type { CheckState } from './schemas.js';

/** What the routes need from the pipeline. */
export interface SummaryApi {
  /** The stored summary, shortened at a sentence boundary when `maxLength` is below its length (never a model call). */
  getSummary(conversationId: string, maxLength?: number): Promise<SummaryRecord | undefined>;
  /**
   * Starts or joins the summarization task for this conversation and length. Never re-runs a settled task unless
   * `force`. Starting work is limited (AppError TOO_MANY_REQUESTS with retryAfterMs): per conversation for a force,
   * per `client` (the API key's id) for every task; a conversation Genesys recently did not know is refused at once
   * (CONVERSATION_NOT_FOUND). Joining a task is never limited. `mayStart: false` (a key without scope `submit`):
   * joining is allowed, starting work throws FORBIDDEN.
   */
  request(conversationId: string, options: { maxLength: number; force?: boolean; client?: string | undefined; mayStart?: boolean }): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** Resolves early when the task completes or fails; with the latest record after `timeoutMs` otherwise. */
  waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined>;
}

/** What a readiness check found: `ok` and `state` are public (/readyz); `detail` only behind the API key (/api/status). */
export interface CheckResult {
  ok: boolean;
  state: CheckState;
  /** Ids, counts, error texts: never shown without the API key. */
  detail?: Record<string, unknown>;
}

/** One dependency /readyz asks about (store, Genesys login, notification channels, backfill). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

/** A task as the webhook reports it. */
export interface WebhookTask {
  task_id: string;
  status: string;
  conversation_id: string;
}

/** What POST /webhooks/genesys needs; absent (or an empty token) disables the route (404). */
export interface WebhookDeps {
  /** Shared secret the sender presents as `Authorization: Bearer <token>` or `x-api-key: <token>` (WEBHOOK_TOKEN). */
  token: string;
  /**
   * Durably records "this conversation ended"; returns its new or joined task (SummaryService.conversationEnded).
   * `client` is the token's id, whose task budget a new task spends. Throws TOO_MANY_REQUESTS when that budget is
   * spent and CONVERSATION_NOT_FOUND for a conversation Genesys recently did not know.
   */
  intake: (conversationId: string, source: 'webhook', client: string) => Promise<WebhookTask>;
  /** True when a queue conversation snapshot (`eventBody` of v2.routing.queues.{id}.conversations) shows it is over. */
  isConversationOver: (eventBody: unknown) => boolean;
}

/** What an API key may do: `read` (GET routes) and `submit` (other methods, and a GET that would start work). */
export type ApiScope = 'read' | 'submit';

/** A bearer key for /api/*; its name (never its secret) appears in logs and keys its budgets. */
export interface ApiKey {
  name: string;
  scopes: readonly ApiScope[];
  secret: string;
}

/**
 * The keys accepted on /api/*: a list (a bare string is a full-scope key named `key-<hash>`), or a function asked on
 * every request (a reloadable key file; return the same array while nothing changed). Empty: every request is 401.
 */
export type ApiKeys = ReadonlyArray<string | ApiKey> | (() => ReadonlyArray<string | ApiKey>);

/** What the delivery log routes read (the DeliveryQueue port's look-ups). */
export interface DeliveryLog {
  byEvent(eventId: string): Promise<DeliveryRecord[]>;
  byConversation(conversationId: string): Promise<DeliveryRecord[]>;
}

export interface HttpDeps {
  api: SummaryApi;
  readiness: ReadinessCheck[];
  apiKeys: ApiKeys;
  /**
   * Per-key request budget on /api/*: spends one request of `client`'s budget, returning 0, or the ms until one is
   * left (then 429 with Retry-After). Omitted: no request limit.
   */
  requestLimit?: ((client: string) => number) | undefined;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Upper bound for `?wait=` on GET /api/summary/{conversation_id}. */
  maxWaitMs: number;
  /** max_length used when a request does not give one. */
  defaultMaxLength: number;
  logger: Logger;
  /** True when the template routing now picks a different template for this summary (summarize/staleness.ts). */
  isStale?: ((record: SummaryRecord) => boolean) | undefined;
  /** Which replica this is and which one holds the notification channels (shown by /readyz and /api/status). */
  replica?: (() => Promise<{ id: string; channel_holder: string | null }>) | undefined;
  /** Time each readiness check gets before it counts as failed. @default 2000 */
  readinessTimeoutMs?: number;
  /**
   * The memory tier of GET /api/summary/{id} at the default length: answers held serialized, bounded by entries and
   * bytes, following the store's replacement notices. Omit (or 0 entries) to render every read from the store.
   */
  memoryTier?: { changes: SummaryChanges; maxEntries: number; maxBytes: number; ttlMs?: number | undefined } | undefined;
  /** The outbound-webhook delivery log (GET /api/deliveries, GET /api/webhooks/deliveries/{event_id}); omit: 404. */
  deliveries?: DeliveryLog | undefined;
  /** The Genesys event webhook; omit to disable it. */
  webhook?: WebhookDeps;
  /** Largest accepted webhook body (EventBridge events are at most 256 KiB). @default 262144 */
  webhookBodyLimitBytes?: number;
  /** Where webhook events are counted. @default none */
  metrics?: Metrics | undefined;
  /** GET /metrics (Prometheus text, behind the API keys); omit to answer 404. */
  metricsExposition?: MetricsExposition | undefined;
  /** GET / (the dashboard page) and /api/dashboard/*; omit to answer 404. */
  dashboard?: DashboardDeps | undefined;
}
