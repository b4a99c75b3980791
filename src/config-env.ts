// The environment side of the configuration: which variable sets which setting (overlayEnv), and back again for
// error messages (describePath). Pure functions; config.ts validates.
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** The SDK's setGateway settings, from GENESYS_GATEWAY_URL. */
export const GatewaySchema = z.object({
  host: z.string().min(1),
  protocol: z.enum(['http', 'https']),
  port: z.number().int().positive(),
  pathParamsLogin: z.string(),
  pathParamsApi: z.string(),
});
export type GatewayConfig = z.infer<typeof GatewaySchema>;

const csv = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses GENESYS_GATEWAY_URL (e.g. http://127.0.0.1:9000 or https://proxy.example.com/genesys) for the SDK's setGateway. */
export function parseGatewayUrl(value: string): GatewayConfig {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GENESYS_GATEWAY_URL is not a URL: ${value}`);
  }
  const protocol = url.protocol.replace(':', '');
  if (protocol !== 'http' && protocol !== 'https') throw new Error('GENESYS_GATEWAY_URL must be http(s)');
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    protocol,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    pathParamsLogin: prefix,
    pathParamsApi: prefix,
  };
}

/** Secrets often come from files or secret stores with a trailing newline: surrounding whitespace is never part of one. */
const trimmed = (value: string | undefined): string | undefined => value?.trim();

const setIf = (target: Record<string, any>, key: string, value: unknown): void => {
  if (value !== undefined && value !== '') target[key] = value;
};

/** Overlays the documented environment variables on the defaults (no validation yet). */
export function overlayEnv(d: Record<string, any>, env: Env, gatewayErrors: string[]): Record<string, any> {
  const g = { ...d.genesys, clientId: trimmed(env.GENESYS_CLIENT_ID) ?? '', clientSecret: trimmed(env.GENESYS_CLIENT_SECRET) ?? '' };
  setIf(g, 'region', env.GENESYS_REGION);
  if (env.GENESYS_GATEWAY_URL) {
    try {
      g.gateway = parseGatewayUrl(env.GENESYS_GATEWAY_URL);
    } catch (err) {
      gatewayErrors.push((err as Error).message);
    }
  }
  if (env.GENESYS_QUEUE_IDS) g.queueIds = csv(env.GENESYS_QUEUE_IDS);
  setIf(g, 'transcriptRetryWindowMs', env.TRANSCRIPT_RETRY_WINDOW_MS);
  const td = { allow: [], ...d.genesys.transcriptDownload };
  if (env.TRANSCRIPT_URL_ALLOW) td.allow = csv(env.TRANSCRIPT_URL_ALLOW);
  setIf(td, 'timeoutMs', env.TRANSCRIPT_DOWNLOAD_TIMEOUT_MS);
  setIf(td, 'maxBytes', env.TRANSCRIPT_MAX_BYTES);
  g.transcriptDownload = td;
  setIf(g, 'maxConcurrentRequests', env.GENESYS_MAX_CONCURRENCY);
  const o = { ...d.openai };
  setIf(o, 'apiKey', trimmed(env.OPENAI_API_KEY));
  setIf(o, 'baseUrl', env.OPENAI_BASE_URL);
  setIf(o, 'model', env.OPENAI_MODEL);
  setIf(o, 'maxConcurrency', env.OPENAI_MAX_CONCURRENCY);
  setIf(o, 'maxTokensParam', env.OPENAI_MAX_TOKENS_PARAM);
  setIf(o, 'fallback', env.LLM_FALLBACK);
  const h: Record<string, any> = { ...d.http };
  setIf(h, 'apiKeysFile', env.API_KEYS_FILE?.trim());
  setIf(h, 'port', env.PORT);
  setIf(h, 'host', env.HOST);
  setIf(h, 'headersTimeoutMs', env.HTTP_HEADERS_TIMEOUT_MS);
  setIf(h, 'requestTimeoutMs', env.HTTP_REQUEST_TIMEOUT_MS);
  setIf(h, 'keepAliveTimeoutMs', env.HTTP_KEEPALIVE_TIMEOUT_MS);
  setIf(h, 'maxConnections', env.HTTP_MAX_CONNECTIONS);
  const s = { ...d.store };
  setIf(s, 'url', env.STORE_URL);
  setIf(s, 'summaryTtlSeconds', env.SUMMARY_TTL_SECONDS);
  setIf(s, 'summaryCacheMaxEntries', env.SUMMARY_CACHE_MAX_ENTRIES);
  setIf(s, 'summaryCacheMaxBytes', env.SUMMARY_CACHE_MAX_BYTES);
  const sum = { ...d.summary };
  setIf(sum, 'maxLength', env.SUMMARY_MAX_LENGTH);
  setIf(sum, 'promptsDir', env.PROMPTS_DIR);
  setIf(sum, 'template', env.SUMMARY_TEMPLATE);
  setIf(sum, 'maxRepairs', env.SUMMARY_MAX_REPAIRS);
  const w = { ...d.worker };
  setIf(w, 'concurrency', env.WORKER_CONCURRENCY);
  setIf(w, 'taskTimeoutMs', env.WORKER_TASK_TIMEOUT_MS);
  setIf(w, 'retryWindowMs', env.WORKER_RETRY_WINDOW_MS);
  const l = { ...d.limits };
  setIf(l, 'apiTaskRatePerMin', env.API_TASK_RATE_PER_MIN);
  setIf(l, 'apiTaskBurst', env.API_TASK_BURST);
  setIf(l, 'apiRequestRatePerMin', env.API_REQUEST_RATE_PER_MIN);
  setIf(l, 'apiRequestBurst', env.API_REQUEST_BURST);
  setIf(l, 'webhookTaskRatePerMin', env.WEBHOOK_TASK_RATE_PER_MIN);
  setIf(l, 'webhookTaskBurst', env.WEBHOOK_TASK_BURST);
  setIf(l, 'forceIntervalMs', env.FORCE_INTERVAL_MS);
  setIf(l, 'notFoundTtlMs', env.NOT_FOUND_TTL_MS);
  setIf(l, 'notFoundTaskTtlSeconds', env.NOT_FOUND_TASK_TTL_SECONDS);
  const b = { ...d.backfill };
  setIf(b, 'maxLookbackMs', env.BACKFILL_MAX_LOOKBACK_MS);
  setIf(b, 'maxConversationMs', env.MAX_CONVERSATION_MS);
  const cl = { ...d.cluster };
  setIf(cl, 'replicaId', env.REPLICA_ID?.trim());
  setIf(cl, 'queue', env.QUEUE?.trim().toLowerCase());
  setIf(cl, 'leaseTtlMs', env.CHANNEL_LEASE_TTL_MS);
  setIf(cl, 'queueLockMs', env.QUEUE_LOCK_MS);
  const out: Record<string, any> = { genesys: g, openai: o, http: h, store: s, summary: sum, worker: w, limits: l, backfill: b, cluster: cl, logLevel: env.LOG_LEVEL || d.logLevel, shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS || d.shutdownDeadlineMs };
  setIf(out, 'webhookToken', trimmed(env.WEBHOOK_TOKEN));
  const cw = { ...d.crmWebhooks };
  if (env.CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK) cw.allowHttpLoopback = ['true', '1', 'yes'].includes(env.CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK.trim().toLowerCase());
  setIf(cw, 'concurrency', env.CRM_WEBHOOK_CONCURRENCY);
  setIf(cw, 'timeoutMs', env.CRM_WEBHOOK_TIMEOUT_MS);
  setIf(cw, 'retryWindowMs', env.CRM_WEBHOOK_RETRY_WINDOW_MS);
  out.crmWebhooks = cw;
  return out;
}

/** Maps a schema path to the environment variable a user would set. */
const ENV_NAMES: Record<string, string> = {
  'genesys.clientId': 'GENESYS_CLIENT_ID',
  'genesys.clientSecret': 'GENESYS_CLIENT_SECRET',
  'genesys.region': 'GENESYS_REGION',
  'genesys.queueIds': 'GENESYS_QUEUE_IDS',
  'genesys.transcriptRetryWindowMs': 'TRANSCRIPT_RETRY_WINDOW_MS',
  'genesys.transcriptDownload.allow': 'TRANSCRIPT_URL_ALLOW',
  'genesys.transcriptDownload.timeoutMs': 'TRANSCRIPT_DOWNLOAD_TIMEOUT_MS',
  'genesys.transcriptDownload.maxBytes': 'TRANSCRIPT_MAX_BYTES',
  'genesys.maxConcurrentRequests': 'GENESYS_MAX_CONCURRENCY',
  'openai.apiKey': 'OPENAI_API_KEY',
  'openai.baseUrl': 'OPENAI_BASE_URL',
  'openai.model': 'OPENAI_MODEL',
  'openai.maxConcurrency': 'OPENAI_MAX_CONCURRENCY',
  'openai.maxTokensParam': 'OPENAI_MAX_TOKENS_PARAM',
  'openai.fallback': 'LLM_FALLBACK',
  'http.port': 'PORT',
  'http.host': 'HOST',
  'http.apiKeys': 'API_KEYS',
  'http.apiKeysFile': 'API_KEYS_FILE',
  'http.headersTimeoutMs': 'HTTP_HEADERS_TIMEOUT_MS',
  'http.requestTimeoutMs': 'HTTP_REQUEST_TIMEOUT_MS',
  'http.keepAliveTimeoutMs': 'HTTP_KEEPALIVE_TIMEOUT_MS',
  'http.maxConnections': 'HTTP_MAX_CONNECTIONS',
  webhookToken: 'WEBHOOK_TOKEN',
  'store.url': 'STORE_URL',
  'store.summaryTtlSeconds': 'SUMMARY_TTL_SECONDS',
  'store.summaryCacheMaxEntries': 'SUMMARY_CACHE_MAX_ENTRIES',
  'store.summaryCacheMaxBytes': 'SUMMARY_CACHE_MAX_BYTES',
  'summary.maxLength': 'SUMMARY_MAX_LENGTH',
  'summary.promptsDir': 'PROMPTS_DIR',
  'summary.template': 'SUMMARY_TEMPLATE',
  'summary.maxRepairs': 'SUMMARY_MAX_REPAIRS',
  'worker.concurrency': 'WORKER_CONCURRENCY',
  'worker.taskTimeoutMs': 'WORKER_TASK_TIMEOUT_MS',
  'worker.retryWindowMs': 'WORKER_RETRY_WINDOW_MS',
  'limits.apiTaskRatePerMin': 'API_TASK_RATE_PER_MIN',
  'limits.apiTaskBurst': 'API_TASK_BURST',
  'limits.apiRequestRatePerMin': 'API_REQUEST_RATE_PER_MIN',
  'limits.apiRequestBurst': 'API_REQUEST_BURST',
  'limits.webhookTaskRatePerMin': 'WEBHOOK_TASK_RATE_PER_MIN',
  'limits.webhookTaskBurst': 'WEBHOOK_TASK_BURST',
  'limits.forceIntervalMs': 'FORCE_INTERVAL_MS',
  'limits.notFoundTtlMs': 'NOT_FOUND_TTL_MS',
  'limits.notFoundTaskTtlSeconds': 'NOT_FOUND_TASK_TTL_SECONDS',
  'backfill.maxLookbackMs': 'BACKFILL_MAX_LOOKBACK_MS',
  'backfill.maxConversationMs': 'MAX_CONVERSATION_MS',
  'cluster.replicaId': 'REPLICA_ID',
  'cluster.queue': 'QUEUE',
  'cluster.leaseTtlMs': 'CHANNEL_LEASE_TTL_MS',
  'cluster.queueLockMs': 'QUEUE_LOCK_MS',
  logLevel: 'LOG_LEVEL',
  'crmWebhooks.endpoints': 'CRM_WEBHOOKS',
  'crmWebhooks.allowHttpLoopback': 'CRM_WEBHOOK_ALLOW_HTTP_LOOPBACK',
  'crmWebhooks.concurrency': 'CRM_WEBHOOK_CONCURRENCY',
  'crmWebhooks.timeoutMs': 'CRM_WEBHOOK_TIMEOUT_MS',
  'crmWebhooks.retryWindowMs': 'CRM_WEBHOOK_RETRY_WINDOW_MS',
  shutdownDeadlineMs: 'SHUTDOWN_DEADLINE_MS',
};

export function describePath(p: ReadonlyArray<PropertyKey>): string {
  const key = p.filter((s) => typeof s === 'string').join('.');
  const envName = ENV_NAMES[key] ?? ENV_NAMES[key.split('.').slice(0, 2).join('.')];
  return envName ? `${envName} (${key})` : key || '(root)';
}
