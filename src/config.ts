// Configuration: defaults from config/default.json, overridden by environment variables, validated once with zod.
// Nothing else reads process.env; loadConfig is pure given its inputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.js';
import { secretProblems, type NamedSecret } from './config-secrets.js';
import { describePath, GatewaySchema, overlayEnv, type Env } from './config-env.js';

export { parseGatewayUrl, type GatewayConfig } from './config-env.js';

/** Folder holding default.json and the prompt templates (the package's own config/). */
export const CONFIG_DIR = fileURLToPath(new URL('../config/', import.meta.url));

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
  /** Several replicas on one redis:// store (app/replicas.ts). */
  cluster: z.object({
    /** Names this replica in /readyz, logs and job locks; REPLICA_ID, else hostname:pid. */
    replicaId: z.string().min(1).max(200).optional(),
    /** The task queue: `bullmq` (several replicas; needs a redis:// store) or `embedded`; unset: bullmq on redis://. */
    queue: z.enum(['bullmq', 'embedded']).optional(),
    /** The notification-channel lease lasts this long unrenewed: a dead holder is replaced within about this long. */
    leaseTtlMs: z.coerce.number().int().min(500).max(600_000),
    /** A claimed task's BullMQ lock: a dead replica's tasks go to the others after about twice this. */
    queueLockMs: z.coerce.number().int().min(500).max(3_600_000),
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Running tasks get this long to finish on SIGTERM (below Docker's and Kubernetes' default grace periods). */
  shutdownDeadlineMs: positiveInt,
});

export type Config = z.infer<typeof ConfigSchema>;

function readDefaults(configDir: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(configDir, 'default.json'), 'utf8'));
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
  problems.push(...secretProblems(namedSecrets(raw)), ...httpLimitProblems(raw.http), ...queueProblems(raw));
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

/** BullMQ lives in Redis: QUEUE=bullmq needs a redis:// store. */
function queueProblems(raw: Record<string, any>): string[] {
  const redis = /^rediss?:\/\//i.test(String(raw.store?.url ?? ''));
  return raw.cluster?.queue === 'bullmq' && !redis ? ['QUEUE (cluster.queue): bullmq needs STORE_URL=redis://…'] : [];
}

/** Node refuses a headers timeout longer than the request timeout. */
function httpLimitProblems(http: Record<string, unknown> | undefined): string[] {
  const headers = Number(http?.headersTimeoutMs);
  const request = Number(http?.requestTimeoutMs);
  return headers > request ? ['HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS'] : [];
}

