// `wrapup summarize <conversationId>`: one conversation summarized now, in this process, with the service's own
// configuration and core (Genesys login, transcript, redaction, model, checks, worker retries), on a memory store:
// it never writes the service's store, so it is safe beside a running wrapup. Resolves with the summary record.
import type { Config } from '../config.js';
import type { SummaryRecord } from '../domain.js';
import { AppError, isAppError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { startCore } from '../app/core.js';
import type { Closer } from '../app/types.js';

export interface SummarizeArgs {
  conversationId: string;
  /** @default SUMMARY_MAX_LENGTH */
  maxLength?: number | undefined;
  /** Give up (the worker may still be retrying: a transcript not processed yet, a conversation not over). */
  timeoutMs: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Runs the pipeline once for the conversation; throws the task's error (its code and message) when it fails. */
export async function summarizeOne(config: Config, args: SummarizeArgs, logger: Logger): Promise<SummaryRecord> {
  const conversationId = args.conversationId.toLowerCase();
  if (!UUID.test(conversationId)) throw new AppError('INVALID_ID', `conversation id must be a UUID: ${JSON.stringify(args.conversationId)}`);
  const closers: Closer[] = [];
  try {
    const core = await startCore({ ...config, store: { ...config.store, url: 'memory://' } }, logger, closers);
    const maxLength = args.maxLength ?? config.summary.maxLength;
    const task = await core.service.request(conversationId, { maxLength, source: 'api' });
    core.worker.start();
    closers.push(() => core.worker.stop(0));
    const settled = await core.service.waitForTask(task.task_id, args.timeoutMs);
    if (settled?.status === 'completed') {
      const record = await core.service.getSummary(conversationId, maxLength);
      if (record) return record;
    }
    const error = settled?.error;
    if (settled?.status === 'failed' || settled?.status === 'skipped') {
      throw new AppError((error?.code ?? 'INTERNAL') as ErrorCode, error?.message ?? `task ${settled.status}`, { details: error?.details });
    }
    const last = error ? ` (last attempt: ${error.code}: ${error.message})` : '';
    throw new AppError('REQUEST_TIMEOUT', `no summary within ${Math.round(args.timeoutMs / 1000)} s${last}`, { retryable: true });
  } catch (err) {
    throw isAppError(err) ? err : new AppError('INTERNAL', (err as Error).message, { cause: err });
  } finally {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  }
}
