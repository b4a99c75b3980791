// `wrapup rerun-stale --max-count N --max-cost-usd X [--dry-run] (--api-url URL | --service-stopped)`: re-queues
// (force) summaries whose prompt template is stale, bounded by a count cap and an estimated cost cap.
import path from 'node:path';
import { CONFIG_DIR, type Config } from '../config.js';
import type { SummaryRecord } from '../domain.js';
import { apiEnqueue, submitKey } from './api-submit.js';
import { createLogger, type Logger } from '../logger.js';
import type { IndexedSummaryStore } from '../store/index.js';
import { openOfflineService } from './offline-service.js';
import { costUsd, isSummaryStale, loadModelTable, loadTemplateRouter, templateRef } from '../summarize/index.js';

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

export interface CliArgs extends RerunStaleOptions {
  /** The running wrapup's base URL; undefined: write the store directly (--service-stopped). */
  apiUrl: string | undefined;
}

/** Builds the deps from the configuration and runs once. */
export async function runFromConfig(config: Config, args: CliArgs, logger: Logger): Promise<RerunStaleReport> {
  const router = await loadTemplateRouter(config.summary.promptsDir, config.summary.template);
  const { service, summaries, close } = await openOfflineService(config, logger, `${router.defaultTemplate.id}@${router.defaultTemplate.version}`);
  try {
    const model = config.openai.apiKey ? config.openai.model : undefined;
    const models = loadModelTable(path.join(CONFIG_DIR, 'models.json'));
    const enqueue = args.apiUrl
      ? apiEnqueue(args.apiUrl, submitKey(config), { force: true })
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
    await close();
  }
}
