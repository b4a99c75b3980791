// Configuration: defaults from config/default.json, overridden by environment variables, validated once with zod.
// Nothing else reads process.env; loadConfig is pure given its inputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.js';
import { secretProblems, type NamedSecret } from './config-secrets.js';

/** Folder holding default.json and the prompt templates (the package's own config/). */
export const CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

const csv = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

const ALLOW_ENTRY_HELP =
  'TRANSCRIPT_URL_ALLOW entries are origins (https://host[:port]; http:// only this way) or DNS host patterns (host.example.com, *.example.com)';

/**
 * Normalizes one TRANSCRIPT_URL_ALLOW entry: an origin (`http://127.0.0.1:9000`) becomes its URL origin, a host
 * pattern (`*.s3.amazonaws.com`) is lower-cased. IP literals are only accepted inside an origin, never as a pattern.
 */
function normalizeAllowEntry(entry: string): string | undefined {
  if (entry.includes('://')) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return undefined;
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    return (url.protocol === 'https:' || url.protocol === 'http:') && bare ? url.origin : undefined;
  }
  const host = entry.toLowerCase();
  const dnsName = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]([a-z0-9-]*[a-z0-9])?$/;
  return dnsName.test(host) ? host : undefined;
}

const AllowEntrySchema = z.string().transform((entry, ctx) => {
  const normalized = normalizeAllowEntry(entry);
  if (normalized === undefined) ctx.addIssue({ code: 'custom', message: `${ALLOW_ENTRY_HELP}; got ${JSON.stringify(entry)}` });
  return normalized ?? entry;
});

const GatewaySchema = z.object({
  host: z.string().min(1),
  protocol: z.enum(['http', 'https']),
  port: z.number().int().positive(),
  pathParamsLogin: z.string(),
  pathParamsApi: z.string(),
});
export type GatewayConfig = z.infer<typeof GatewaySchema>;

const ConfigSchema = z.object({
  genesys: z.object({
    clientId: z.string().min(1, 'GENESYS_CLIENT_ID is required'),
    clientSecret: z.string().min(1, 'GENESYS_CLIENT_SECRET is required'),
    region: z.string().min(1),
    gateway: GatewaySchema.optional(),
    queueIds: z.array(z.uuid('GENESYS_QUEUE_IDS must be a comma list of queue UUIDs')).optional(),
    maxConcurrentRequests: positiveInt,
    requestTimeoutMs: positiveInt,
    retry: z.object({ maxAttempts: positiveInt, baseDelayMs: positiveInt, maxDelayMs: positiveInt }),
    tokenRefreshMarginMs: nonNegativeInt,
    transcriptRetryWindowMs: nonNegativeInt,
    transcriptRetryBaseMs: positiveInt,
    /** The pre-signed transcript download (genesys/transcript-download.ts). */
    transcriptDownload: z.object({
      /** Origins and host patterns allowed on top of the region's S3/Genesys hosts. */
      allow: z.array(AllowEntrySchema),
      timeoutMs: positiveInt,
      maxBytes: positiveInt,
      maxRedirects: nonNegativeInt,
    }),
    endConfirmRetryMs: positiveInt,
    heartbeatTimeoutMs: positiveInt,
    reconnect: z.object({ baseDelayMs: positiveInt, maxDelayMs: positiveInt }),
  }),
  openai: z.object({
    apiKey: z.string().min(1).optional(),
    baseUrl: z.url('OPENAI_BASE_URL must be a URL').optional(),
    model: z.string().min(1),
    timeoutMs: positiveInt,
    maxRetries: nonNegativeInt,
    temperature: z.number().min(0).max(2),
    /** Model requests in flight at once (summaries and map steps together). */
    maxConcurrency: positiveInt,
    /** `max_tokens` (most OpenAI-compatible servers) or `max_completion_tokens` (OpenAI reasoning models). */
    maxTokensParam: z.enum(['max_tokens', 'max_completion_tokens']),
    /** What a conversation gets when the LLM fails for good: the extractive summary, or nothing (a failed task). */
    fallback: z.enum(['extractive', 'none'], 'LLM_FALLBACK must be extractive or none'),
  }),
  http: z.object({
    port: z.coerce.number().int().min(0).max(65535),
    host: z.string().min(1),
    apiKeys: z.array(z.string().min(1)).min(1, 'API_KEYS is required (comma list of bearer tokens)'),
    bodyLimitBytes: positiveInt,
    maxWaitMs: nonNegativeInt,
    /** A client must send its request headers within this long (slowloris). */
    headersTimeoutMs: positiveInt,
    /** A client must send its whole request (headers and body) within this long; the response (e.g. ?wait=) is not bound by it. */
    requestTimeoutMs: positiveInt,
    /** An idle keep-alive connection is closed after this long. */
    keepAliveTimeoutMs: positiveInt,
    /** Connections beyond this many are closed as soon as they are accepted. */
    maxConnections: positiveInt,
  }),
  webhookToken: z.string().min(1).optional(),
  store: z.object({
    url: z.string().regex(/^(sqlite|redis|rediss|memory):\/\//, 'STORE_URL must start with sqlite://, redis:// or memory://'),
    summaryTtlSeconds: nonNegativeInt,
    taskTtlSeconds: nonNegativeInt,
  }),
  summary: z.object({
    maxLength: z.coerce.number().int().min(50, 'SUMMARY_MAX_LENGTH must be at least 50').max(5000),
    promptsDir: z.string().min(1),
    template: z.string().min(1),
    /** Re-asks of the model after an answer that failed validation. */
    maxRepairs: z.coerce.number().int().min(0).max(5),
    /** How long a queue's wrap-up codes are cached. */
    wrapupCodeTtlMs: nonNegativeInt,
  }),
  worker: z.object({
    concurrency: positiveInt,
    /** The minimum number of tries of a retryable failure; beyond it, retries run until the code's time window ends. */
    maxAttempts: positiveInt,
    taskTimeoutMs: positiveInt,
    /** How long transient upstream failures (LLM, Genesys, store) are retried, from the task's creation. */
    retryWindowMs: positiveInt,
    retryBaseDelayMs: positiveInt,
    retryMaxDelayMs: positiveInt,
  }),
  /** What one client may make wrapup spend (pipeline/admission.ts); a rate of 0 disables that budget. */
  limits: z.object({
    /** Tasks one API key may start per minute (steady rate), and at once (burst). */
    apiTaskRatePerMin: nonNegativeInt,
    apiTaskBurst: positiveInt,
    /** Tasks the webhook token may start per minute, and at once. */
    webhookTaskRatePerMin: nonNegativeInt,
    webhookTaskBurst: positiveInt,
    /** Per conversation, a `force: true` that starts work is accepted once per this many ms. */
    forceIntervalMs: nonNegativeInt,
    /** A conversation Genesys answered 404 for is answered 404 at once for this long. */
    notFoundTtlMs: nonNegativeInt,
    /** How long the failed task of a conversation Genesys does not know is kept (the task TTL otherwise). */
    notFoundTaskTtlSeconds: positiveInt,
  }),
  backfill: z.object({
    maxLookbackMs: nonNegativeInt,
    maxConversationMs: nonNegativeInt,
    settleMs: positiveInt,
    checkpointEveryMs: positiveInt,
    settleRetries: nonNegativeInt,
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Running tasks get this long to finish on SIGTERM (below Docker's and Kubernetes' default grace periods). */
  shutdownDeadlineMs: positiveInt,
});

export type Config = z.infer<typeof ConfigSchema>;
type Env = Record<string, string | undefined>;

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

function readDefaults(configDir: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(configDir, 'default.json'), 'utf8'));
}

/** Secrets often come from files or secret stores with a trailing newline: surrounding whitespace is never part of one. */
const trimmed = (value: string | undefined): string | undefined => value?.trim();

const setIf = (target: Record<string, any>, key: string, value: unknown): void => {
  if (value !== undefined && value !== '') target[key] = value;
};

/** Overlays the documented environment variables on the defaults (no validation yet). */
function overlayEnv(d: Record<string, any>, env: Env, gatewayErrors: string[]): Record<string, any> {
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
  const h = { ...d.http, apiKeys: csv(env.API_KEYS) };
  setIf(h, 'port', env.PORT);
  setIf(h, 'host', env.HOST);
  setIf(h, 'headersTimeoutMs', env.HTTP_HEADERS_TIMEOUT_MS);
  setIf(h, 'requestTimeoutMs', env.HTTP_REQUEST_TIMEOUT_MS);
  setIf(h, 'keepAliveTimeoutMs', env.HTTP_KEEPALIVE_TIMEOUT_MS);
  setIf(h, 'maxConnections', env.HTTP_MAX_CONNECTIONS);
  const s = { ...d.store };
  setIf(s, 'url', env.STORE_URL);
  setIf(s, 'summaryTtlSeconds', env.SUMMARY_TTL_SECONDS);
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
  setIf(l, 'webhookTaskRatePerMin', env.WEBHOOK_TASK_RATE_PER_MIN);
  setIf(l, 'webhookTaskBurst', env.WEBHOOK_TASK_BURST);
  setIf(l, 'forceIntervalMs', env.FORCE_INTERVAL_MS);
  setIf(l, 'notFoundTtlMs', env.NOT_FOUND_TTL_MS);
  setIf(l, 'notFoundTaskTtlSeconds', env.NOT_FOUND_TASK_TTL_SECONDS);
  const b = { ...d.backfill };
  setIf(b, 'maxLookbackMs', env.BACKFILL_MAX_LOOKBACK_MS);
  setIf(b, 'maxConversationMs', env.MAX_CONVERSATION_MS);
  const out: Record<string, any> = { genesys: g, openai: o, http: h, store: s, summary: sum, worker: w, limits: l, backfill: b, logLevel: env.LOG_LEVEL || d.logLevel, shutdownDeadlineMs: env.SHUTDOWN_DEADLINE_MS || d.shutdownDeadlineMs };
  setIf(out, 'webhookToken', trimmed(env.WEBHOOK_TOKEN));
  return out;
}

/**
 * Loads and validates the configuration. Throws AppError CONFIG_INVALID naming every missing or invalid variable.
 * @param env the environment (pass process.env from main.ts only)
 * @param configDir folder holding default.json @default the package's config/
 */
export function loadConfig(env: Env, configDir: string = CONFIG_DIR): Config {
  const gatewayErrors: string[] = [];
  const raw = overlayEnv(readDefaults(configDir), env, gatewayErrors);
  const result = ConfigSchema.safeParse(raw);
  const problems = [...gatewayErrors];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${describePath(issue.path)}: ${issue.message}`);
  }
  problems.push(...secretProblems(namedSecrets(raw)), ...httpLimitProblems(raw.http));
  if (problems.length > 0 || !result.success) {
    throw new AppError(
      'CONFIG_INVALID',
      `Invalid configuration:\n  - ${problems.join('\n  - ')}\n` +
        'See the configuration table in README.md, or run `npm run demo` to try wrapup against the built-in simulator.',
    );
  }
  const config = result.data;
  if (!path.isAbsolute(config.summary.promptsDir)) {
    config.summary.promptsDir = path.resolve(configDir, '..', config.summary.promptsDir);
  }
  return config;
}

/** The configured secrets, named as a user would recognise them (empty ones are reported by the schema). */
function namedSecrets(raw: Record<string, any>): NamedSecret[] {
  const apiKeys: string[] = Array.isArray(raw.http?.apiKeys) ? raw.http.apiKeys : [];
  const secrets: NamedSecret[] = apiKeys.map((value, i) => ({ name: apiKeys.length > 1 ? `API_KEYS entry ${i + 1}` : 'API_KEYS', value, bearer: true }));
  const add = (name: string, value: unknown, bearer: boolean): void => {
    if (typeof value === 'string' && value !== '') secrets.push({ name, value, bearer });
  };
  add('WEBHOOK_TOKEN', raw.webhookToken, true);
  add('GENESYS_CLIENT_SECRET', raw.genesys?.clientSecret, false);
  add('OPENAI_API_KEY', raw.openai?.apiKey, false);
  return secrets;
}

/** Node refuses a headers timeout longer than the request timeout. */
function httpLimitProblems(http: Record<string, unknown> | undefined): string[] {
  const headers = Number(http?.headersTimeoutMs);
  const request = Number(http?.requestTimeoutMs);
  return headers > request ? ['HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS'] : [];
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
  'http.headersTimeoutMs': 'HTTP_HEADERS_TIMEOUT_MS',
  'http.requestTimeoutMs': 'HTTP_REQUEST_TIMEOUT_MS',
  'http.keepAliveTimeoutMs': 'HTTP_KEEPALIVE_TIMEOUT_MS',
  'http.maxConnections': 'HTTP_MAX_CONNECTIONS',
  webhookToken: 'WEBHOOK_TOKEN',
  'store.url': 'STORE_URL',
  'store.summaryTtlSeconds': 'SUMMARY_TTL_SECONDS',
  'summary.maxLength': 'SUMMARY_MAX_LENGTH',
  'summary.promptsDir': 'PROMPTS_DIR',
  'summary.template': 'SUMMARY_TEMPLATE',
  'summary.maxRepairs': 'SUMMARY_MAX_REPAIRS',
  'worker.concurrency': 'WORKER_CONCURRENCY',
  'worker.taskTimeoutMs': 'WORKER_TASK_TIMEOUT_MS',
  'worker.retryWindowMs': 'WORKER_RETRY_WINDOW_MS',
  'limits.apiTaskRatePerMin': 'API_TASK_RATE_PER_MIN',
  'limits.apiTaskBurst': 'API_TASK_BURST',
  'limits.webhookTaskRatePerMin': 'WEBHOOK_TASK_RATE_PER_MIN',
  'limits.webhookTaskBurst': 'WEBHOOK_TASK_BURST',
  'limits.forceIntervalMs': 'FORCE_INTERVAL_MS',
  'limits.notFoundTtlMs': 'NOT_FOUND_TTL_MS',
  'limits.notFoundTaskTtlSeconds': 'NOT_FOUND_TASK_TTL_SECONDS',
  'backfill.maxLookbackMs': 'BACKFILL_MAX_LOOKBACK_MS',
  'backfill.maxConversationMs': 'MAX_CONVERSATION_MS',
  logLevel: 'LOG_LEVEL',
  shutdownDeadlineMs: 'SHUTDOWN_DEADLINE_MS',
};

function describePath(p: ReadonlyArray<PropertyKey>): string {
  const key = p.filter((s) => typeof s === 'string').join('.');
  const envName = ENV_NAMES[key] ?? ENV_NAMES[key.split('.').slice(0, 2).join('.')];
  return envName ? `${envName} (${key})` : key || '(root)';
}
