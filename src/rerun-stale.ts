// `npm run rerun-stale -- --max-count N --max-cost-usd X [--dry-run] [--api-url URL]`: re-queues (force) summaries
// whose prompt template is stale, bounded by a count cap and an estimated cost cap, and prints one summary line.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CONFIG_DIR, loadConfig, type Config } from './config.js';
import type { SummaryRecord } from './domain.js';
import { AppError, toAppError } from './errors.js';
import { createLogger, type Logger } from './logger.js';
import { createSummaryService } from './pipeline/index.js';
import { createEmbeddedTaskQueue, createKeyvBackend, createSummaryStore, type IndexedSummaryStore } from './store/index.js';
import { costUsd, isSummaryStale, loadModelTable, loadTemplateRouter, templateRef } from './summarize/index.js';

export interface RerunStaleDeps {
  summaries: Pick<IndexedSummaryStore, 'get' | 'listIds'>;
  isStale: (record: SummaryRecord) => boolean;
  /**
   * Re-queues one conversation with force (a new task even though a summary exists) at the default length: the
   * re-run replaces the conversation's summary, whatever length the stale one was written at.
   */
  enqueue: (conversationId: string) => Promise<unknown>;
  /** Estimated cost of summarizing again, from the old record's usage; undefined when no usage was recorded. */
  estimateCostUsd: (record: SummaryRecord) => number | undefined;
}

export interface RerunStaleOptions {
  /** Stop after queuing this many. */
  maxCount: number;
  /** Stop before the estimated total cost would exceed this (records without usage count toward maxCount only). */
  maxCostUsd: number;
  /** Count and estimate, queue nothing. */
  dryRun: boolean;
}

export interface RerunStaleReport {
  scanned: number;
  stale: number;
  /** Queued (or, in a dry run, that would be queued). */
  queued: number;
  estimatedCostUsd: number;
  /** Queued without a cost estimate (no usage recorded). */
  unpriced: number;
  stoppedBy: 'count' | 'cost' | null;
}

/** Walks the summary index oldest first and re-queues stale summaries until a cap is reached. */
export async function rerunStale(deps: RerunStaleDeps, options: RerunStaleOptions): Promise<RerunStaleReport> {
  const report: RerunStaleReport = { scanned: 0, stale: 0, queued: 0, estimatedCostUsd: 0, unpriced: 0, stoppedBy: null };
  for (const id of await deps.summaries.listIds()) {
    const record = await deps.summaries.get(id);
    if (!record) continue;
    report.scanned += 1;
    if (!deps.isStale(record)) continue;
    report.stale += 1;
    if (report.queued >= options.maxCount) {
      report.stoppedBy = 'count';
      break;
    }
    const cost = deps.estimateCostUsd(record);
    if (cost !== undefined && report.estimatedCostUsd + cost > options.maxCostUsd) {
      report.stoppedBy = 'cost';
      break;
    }
    if (!options.dryRun) await deps.enqueue(record.conversation_id);
    report.queued += 1;
    if (cost === undefined) report.unpriced += 1;
    else report.estimatedCostUsd = Math.round((report.estimatedCostUsd + cost) * 1e8) / 1e8;
  }
  return report;
}

/** The one line the command prints. */
export function formatReport(report: RerunStaleReport, dryRun: boolean): string {
  return (
    `rerun-stale${dryRun ? ' (dry run)' : ''}: scanned=${report.scanned} stale=${report.stale} ` +
    `${dryRun ? 'would_queue' : 'queued'}=${report.queued} unpriced=${report.unpriced} ` +
    `estimated_cost_usd=${report.estimatedCostUsd.toFixed(4)} stopped_by=${report.stoppedBy ?? 'none'}`
  );
}

interface CliArgs extends RerunStaleOptions {
  apiUrl: string | undefined;
}

/** Parses the command line; throws AppError BAD_REQUEST with the usage on anything missing or malformed. */
export function parseCliArgs(argv: string[]): CliArgs {
  const usage =
    'usage: rerun-stale --max-count N --max-cost-usd X [--dry-run] (--api-url http://host:port | --service-stopped)';
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'max-count': { type: 'string' },
        'max-cost-usd': { type: 'string' },
        'dry-run': { type: 'boolean' },
        'api-url': { type: 'string' },
        'service-stopped': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new AppError('BAD_REQUEST', `${(err as Error).message}\n${usage}`);
  }
  const maxCount = Number(values['max-count']);
  const maxCostUsd = Number(values['max-cost-usd']);
  if (!Number.isInteger(maxCount) || maxCount < 0) throw new AppError('BAD_REQUEST', `--max-count must be a non-negative integer\n${usage}`);
  if (!Number.isFinite(maxCostUsd) || maxCostUsd < 0) throw new AppError('BAD_REQUEST', `--max-cost-usd must be a non-negative number\n${usage}`);
  const apiUrl = typeof values['api-url'] === 'string' ? values['api-url'].replace(/\/+$/, '') : undefined;
  // The embedded task queue is single-process: writing it beside a running wrapup could drop tasks.
  if (!apiUrl && values['service-stopped'] !== true && values['dry-run'] !== true) {
    throw new AppError('BAD_REQUEST', `pass --api-url of the running wrapup, or --service-stopped if none runs on this store\n${usage}`);
  }
  return { maxCount, maxCostUsd, dryRun: values['dry-run'] === true, apiUrl };
}

/** 429s waited out per conversation before giving up (the key's task budget refills at API_TASK_RATE_PER_MIN). */
const MAX_WAITS = 10;

/**
 * Enqueues through a running wrapup's API (its own queue and worker): safe while the service runs. Every forced
 * re-run starts a task, so it spends the key's task budget: a 429 is waited out (its Retry-After, at most 2 min).
 */
export function apiEnqueue(apiUrl: string, apiKey: string) {
  return async (conversationId: string): Promise<void> => {
    for (let waits = 0; ; waits += 1) {
      const res = await fetch(`${apiUrl}/api/summary/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ conversation_id: conversationId, force: true }),
      });
      await res.body?.cancel();
      if (res.ok) return;
      if (res.status !== 429 || waits >= MAX_WAITS) {
        throw new AppError('INTERNAL', `submit answered HTTP ${res.status}`, { upstreamStatus: res.status });
      }
      const header = res.headers.get('retry-after');
      const asked = header === null ? Number.NaN : Number(header);
      const seconds = Number.isFinite(asked) && asked >= 0 ? Math.min(120, asked) : 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  };
}

/** Builds the deps from the configuration and runs once. */
export async function runFromConfig(config: Config, args: CliArgs, logger: Logger): Promise<RerunStaleReport> {
  const router = await loadTemplateRouter(config.summary.promptsDir, config.summary.template);
  const backend = await createKeyvBackend(config.store.url, { logger });
  const queue = createEmbeddedTaskQueue({ keyv: backend.keyv('tasks'), logger: logger.child({ module: 'task-queue' }) });
  try {
    const summaries = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: config.summary.maxLength, logger: logger.child({ module: 'summary-store' }) });
    const service = createSummaryService({
      queue,
      summaries,
      events: new EventEmitter(),
      defaultMaxLength: config.summary.maxLength,
      templateVersion: `${router.defaultTemplate.id}@${router.defaultTemplate.version}`,
      logger: logger.child({ module: 'service' }),
    });
    const model = config.openai.apiKey ? config.openai.model : undefined;
    const models = loadModelTable(path.join(CONFIG_DIR, 'models.json'));
    const enqueue = args.apiUrl
      ? apiEnqueue(args.apiUrl, config.http.apiKeys.find((k) => k.scopes.includes('submit'))?.secret ?? '')
      : (id: string) => service.request(id, { force: true, source: 'api' });
    return await rerunStale(
      {
        summaries,
        isStale: (record) => isSummaryStale(record, (route) => templateRef(router.resolve(route))),
        enqueue,
        // The re-run uses the configured model; the offline summarizer costs nothing.
        estimateCostUsd: (record) => (record.usage === undefined ? undefined : model ? costUsd(model, record.usage, models) : 0),
      },
      args,
    );
  } finally {
    queue.close();
    await backend.close();
  }
}

async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  try {
    const args = parseCliArgs(process.argv.slice(2));
    const config = loadConfig(process.env);
    const report = await runFromConfig(config, args, logger);
    process.stdout.write(`${formatReport(report, args.dryRun)}\n`);
  } catch (err) {
    process.stderr.write(`rerun-stale: ${toAppError(err).message}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
