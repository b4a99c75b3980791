// Configuration: defaults from config/default.json, overridden by environment variables, validated once with zod.
// Nothing else reads process.env; loadConfig is pure given its inputs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './errors.js';
import { secretProblems, type NamedSecret } from './config-secrets.js';
import { describePath, GatewaySchema, overlayEnv, type Env } from './config-env.js';
import { loadApiKeys } from './config-keys.js';
import { readWebhookEndpoints, secretProblem, urlProblem } from './config-webhooks.js';

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


const EndpointSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'name must be 1–64 letters, digits, dot, dash or underscore'),
    url: z.string(),
    secret: z.string().trim(),
  })
  .strict();

const CrmWebhooksSchema = z
  .object({
    endpoints: z.array(EndpointSchema),
    /** Accept http:// URLs to loopback hosts (tests, a local relay); https is required otherwise. */
    allowHttpLoopback: z.boolean(),
    /** Deliveries in flight at once, beside (never instead of) the summary workers. */
    concurrency: positiveInt,
    timeoutMs: positiveInt,
    /** Retries go on until a delivery is this old (at least a day: a CRM down for hours still gets everything). */
    retryWindowMs: positiveInt,
    retryBaseDelayMs: positiveInt,
    retryMaxDelayMs: positiveInt,
    minAttempts: positiveInt,
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.endpoints.forEach((endpoint, i) => {
      // Messages name the endpoint and the rule, never the URL or the secret.
      const url = urlProblem(endpoint.url, value.allowHttpLoopback);
      if (url) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'url'], message: `endpoint ${endpoint.name}: url ${url}` });
      const secret = secretProblem(endpoint.secret);
      if (secret) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'secret'], message: `endpoint ${endpoint.name}: secret ${secret}` });
      if (seen.has(endpoint.name)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'name'], message: `endpoint name ${endpoint.name} is used twice` });
      seen.add(endpoint.name);
    });
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
    /** Bearer keys for /api/* (config-keys.ts): name, scopes, secret, and whether they came from API_KEYS_FILE. */
    apiKeys: z
      .array(z.object({ name: z.string().min(1), scopes: z.array(z.enum(['read', 'submit'])), secret: z.string().min(1), from: z.enum(['env', 'file']) }))
      .min(1, 'API_KEYS (or API_KEYS_FILE) is required: a comma list of bearer keys, each `secret` or `name:scopes:secret`'),
    /** JSON file of named keys, re-read when it changes (rotation without a restart). */
    apiKeysFile: z.string().min(1).optional(),
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
    /** Answers the memory tier of GET /api/summary/{id} holds; 0 turns it off. */
    summaryCacheMaxEntries: nonNegativeInt,
    /** Bytes it holds at most (answers plus 256 bytes each of bookkeeping). */
    summaryCacheMaxBytes: positiveInt,
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
    /** Requests one API key may make to /api/* per minute (steady rate; 0 = no limit), and at once (burst). */
    apiRequestRatePerMin: nonNegativeInt,
    apiRequestBurst: positiveInt,
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
  /** Outbound webhooks to CRMs (deliveries/); no endpoints: off. */
  crmWebhooks: CrmWebhooksSchema,
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
  const keys = loadApiKeys(env);
  raw.http.apiKeys = keys.keys;
  raw.worker.concurrency ??= defaultWorkerConcurrency(raw.openai?.maxConcurrency);
  const endpoints = readWebhookEndpoints(env, gatewayErrors);
  if (endpoints.length > 0) raw.crmWebhooks = { ...raw.crmWebhooks, endpoints };
  const result = ConfigSchema.safeParse(raw);
  const problems = [...gatewayErrors, ...keys.problems];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${describePath(issue.path)}: ${issue.message}`);
  }
  problems.push(...secretProblems([...keys.secrets, ...otherSecrets(raw)]), ...httpLimitProblems(raw.http), ...queueProblems(raw));
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

/**
 * The configured secrets other than the API keys, named as a user would recognise them (empty ones are reported by
 * the schema). A key added to API_KEYS_FILE later must differ from these too.
 */
export function otherSecrets(raw: Record<string, any>): NamedSecret[] {
  const secrets: NamedSecret[] = [];
  const add = (name: string, value: unknown, bearer: boolean): void => {
    if (typeof value === 'string' && value !== '') secrets.push({ name, value, bearer });
  };
  add('WEBHOOK_TOKEN', raw.webhookToken, true);
  add('GENESYS_CLIENT_SECRET', raw.genesys?.clientSecret, false);
  add('OPENAI_API_KEY', raw.openai?.apiKey, false);
  const endpoints: unknown[] = Array.isArray(raw.crmWebhooks?.endpoints) ? raw.crmWebhooks.endpoints : [];
  for (const endpoint of endpoints) {
    const { name, secret } = (endpoint ?? {}) as { name?: unknown; secret?: unknown };
    if (typeof secret === 'string') add(`CRM_WEBHOOKS endpoint ${String(name)} secret`, secret.trim(), false);
  }
  return secrets;
}

/**
 * Unset WORKER_CONCURRENCY: twice the model's slots. The conversations beyond OPENAI_MAX_CONCURRENCY are fetched,
 * redacted and prompted while the model answers the others and take its slots as they free, so a model slot never
 * waits on Genesys reads (hundreds of milliseconds against a real org) or on redaction. An invalid
 * OPENAI_MAX_CONCURRENCY is reported by the schema; the worker's default then does not matter.
 */
function defaultWorkerConcurrency(modelSlots: unknown): number {
  const slots = Number(modelSlots);
  return Number.isInteger(slots) && slots > 0 ? 2 * slots : 8;
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

