// The ports the HTTP layer consumes: the summary API (implemented in pipeline/), readiness checks, and its dependencies.
import type { Logger } from '../logger.js';
import type { SummaryRecord, TaskRecord } from '../domain.js';
import type { CheckState } from './schemas.js';

/** What the routes need from the pipeline. */
export interface SummaryApi {
  /** The stored summary, shortened at a sentence boundary when `maxLength` is below its length (never a model call). */
  getSummary(conversationId: string, maxLength?: number): Promise<SummaryRecord | undefined>;
  /**
   * Starts or joins the summarization task for this conversation and length. Never re-runs a settled task unless
   * `force`. Starting work is limited (AppError TOO_MANY_REQUESTS with retryAfterMs): per conversation for a force,
   * per `client` (the API key's id) for every task; a conversation Genesys recently did not know is refused at once
   * (CONVERSATION_NOT_FOUND). Joining a task is never limited.
   */
  request(conversationId: string, options: { maxLength: number; force?: boolean; client?: string | undefined }): Promise<TaskRecord>;
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

export interface HttpDeps {
  api: SummaryApi;
  readiness: ReadinessCheck[];
  /** Bearer tokens accepted on /api/*. An empty list rejects every /api request. */
  apiKeys: string[];
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
  /** The Genesys event webhook; omit to disable it. */
  webhook?: WebhookDeps;
  /** Largest accepted webhook body (EventBridge events are at most 256 KiB). @default 262144 */
  webhookBodyLimitBytes?: number;
}
