// `wrapup backfill --since 2h`: summarizes conversations that ended in the window and have no summary yet (missed
// while wrapup was down longer than BACKFILL_MAX_LOOKBACK_MS, or before a queue was watched). The same analytics
// query and window fill as the service's own backfill (pipeline fillWindow), through a running wrapup's API or,
// with --service-stopped, straight into its store (the next start processes the tasks).
import type { Config } from '../config.js';
import type { TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createGenesysClient, discoverQueueIds, queryEndedConversations } from '../genesys/rest/index.js';
import { fillWindow, type WindowFill } from '../pipeline/index.js';
import { loadTemplateRouter } from '../summarize/index.js';
import { apiEnqueue, submitKey } from './api-submit.js';
import { openOfflineService } from './offline-service.js';
import type { Progress } from './progress.js';

export interface BackfillArgs {
  /** The window reaches back this far from now. */
  sinceMs: number;
  /** A running wrapup's base URL; undefined: write the store (--service-stopped). */
  apiUrl: string | undefined;
  /** Only count the conversations in the window. */
  dryRun: boolean;
}

export interface BackfillReport {
  from: string;
  to: string;
  queues: number;
  /** Conversations analytics returned (it selects by start, so it reaches back MAX_CONVERSATION_MS more). */
  found: number;
  /** Of those, ended inside the window. */
  inWindow: number;
  /** Started (or joined) a summary. */
  queued: number;
  /** Already summarized (skipped; through the API: the submit answered 200). */
  alreadySummarized: number;
}

/** `2h`, `30m`, `90s`, `1d`, `1h30m` → ms; throws BAD_REQUEST otherwise. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  const parts = [...text.trim().matchAll(/(\d+)\s*([dhms])/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== text.replace(/\s/g, '')) {
    throw new AppError('BAD_REQUEST', `not a duration: ${JSON.stringify(text)} (e.g. 2h, 30m, 1d, 1h30m)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * (units[p[2]!] ?? 0), 0);
}

/** The one line the command prints. */
export function formatBackfillReport(r: BackfillReport, dryRun: boolean): string {
  const queued = dryRun ? `would_check=${r.inWindow}` : `queued=${r.queued} already_summarized=${r.alreadySummarized}`;
  return `backfill${dryRun ? ' (dry run)' : ''}: from=${r.from} to=${r.to} queues=${r.queues} found=${r.found} in_window=${r.inWindow} ${queued}`;
}

type FillService = WindowFill['service'];

/** Through the API: every conversation in the window is submitted (no force); a 200 means it was already summarized. */
function apiService(apiUrl: string, apiKey: string, counts: { already: number }): FillService {
  const submit = apiEnqueue(apiUrl, apiKey, { force: false });
  return {
    getSummary: async () => undefined,
    conversationEnded: async (conversationId) => {
      if ((await submit(conversationId)) === 200) counts.already += 1;
      return undefined as unknown as TaskRecord;
    },
  };
}

const dryService: FillService = { getSummary: async () => undefined, conversationEnded: async () => undefined as unknown as TaskRecord };

/** Runs one window fill from the configuration; the Genesys client and the store are closed whatever happens. */
export async function runBackfill(config: Config, args: BackfillArgs, logger: Logger, progress: Progress): Promise<BackfillReport> {
  const genesys = createGenesysClient({ config: config.genesys, logger: logger.child({ module: 'genesys' }) });
  const closers: Array<() => Promise<unknown>> = [async () => genesys.close()];
  try {
    await genesys.login();
    const queueIds = await discoverQueueIds(genesys, config.genesys.queueIds);
    const counts = { already: 0 };
    const service = args.dryRun ? dryService : args.apiUrl ? apiService(args.apiUrl, submitKey(config), counts) : await storeService(config, logger, closers);
    const toMs = Date.now();
    const fromMs = toMs - args.sinceMs;
    const result = await fillWindow(
      {
        query: (q) => queryEndedConversations(genesys, q),
        service,
        queueIds,
        maxConversationMs: config.backfill.maxConversationMs,
        endSlackMs: 0,
        onProgress: ({ done, total, queued }) => progress.update(done, total, args.dryRun ? '' : `submitted ${queued}`),
      },
      fromMs,
      toMs,
    );
    if (result.inWindow === 0) progress.update(0, 0, 'nothing in the window');
    progress.finish();
    const window = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), queues: queueIds.length };
    // Through the API every conversation is submitted and a 200 tells it was summarized; the store is asked first.
    const already = args.apiUrl ? counts.already : result.inWindow - result.queued;
    const queued = args.dryRun ? 0 : args.apiUrl ? result.queued - counts.already : result.queued;
    return { ...window, found: result.found, inWindow: result.inWindow, queued, alreadySummarized: args.dryRun ? 0 : already };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The service over the store itself (its queue chosen as the service chooses it: BullMQ on redis://). */
async function storeService(config: Config, logger: Logger, closers: Array<() => Promise<unknown>>): Promise<FillService> {
  // The service's own idempotency key: the default template's id and version, as the engine resolves it.
  const router = await loadTemplateRouter(config.summary.promptsDir, config.summary.template);
  const offline = await openOfflineService(config, logger, `${router.defaultTemplate.id}@${router.defaultTemplate.version}`);
  closers.push(() => offline.close());
  return offline.service;
}
