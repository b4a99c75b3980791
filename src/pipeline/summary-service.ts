// Summary service: the intake every source shares (socket, API, webhook, backfill) and the read side the HTTP API uses.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { hasTransientFailure, isTaskSettled, type SummaryRecord, type SummaryStore, type TaskQueue, type TaskRecord, type TaskSource } from '../domain.js';

export interface SummaryServiceDeps {
  queue: TaskQueue;
  summaries: SummaryStore;
  /** The worker's event emitter ('settled' with the task). */
  events: EventEmitter;
  defaultMaxLength: number;
  /** `<template id>@<version>`: a new template version summarizes again; the same one never twice. */
  templateVersion: string;
  logger: Logger;
  /** A failed task older than this is tried again when a client asks. @default 300000 */
  retryFailedAfterMs?: number;
  /** Revivals by events (socket, webhook, backfill) of one task that failed for a transient reason. @default 3 */
  maxRevivals?: number;
  /** An event revives a failed task only once its failure is this old (ms). @default 600000 */
  reviveAfterMs?: number;
  now?: () => number;
}

export interface RequestOptions {
  maxLength?: number;
  /**
   * Summarize again even if a summary exists: a new task per current summary, so repeated forces while one is
   * pending join it, and a force after it completed makes a new one.
   */
  force?: boolean;
  /** @default 'api' */
  source?: TaskSource;
}

/**
 * One summarization per (conversation, prompt template version, max length): every source that sees the same
 * conversation joins one task; only an explicit client request (`force`) summarizes it again.
 */
export function idempotencyKey(conversationId: string, templateVersion: string, maxLength: number): string {
  return `${conversationId}:${templateVersion}:len${maxLength}`;
}

export interface SummaryService {
  getSummary(conversationId: string): Promise<SummaryRecord | undefined>;
  request(conversationId: string, options?: RequestOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** The (unforced) task of a conversation at this length, without creating or reviving anything. */
  findTask(conversationId: string, maxLength?: number): Promise<TaskRecord | undefined>;
  waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined>;
  /** Intake for ended conversations seen by the notification subscriber, webhooks or backfill. */
  conversationEnded(conversationId: string, source: TaskSource): Promise<TaskRecord>;
  /** At shutdown: every waitForTask answers now with the task as it is, and later ones answer at once. */
  releaseWaiters(): void;
  /** Long-polls (waitForTask calls) waiting right now. */
  waiting(): number;
}

/** Creates the service shared by the HTTP API and every event intake. */
export function createSummaryService(deps: SummaryServiceDeps): SummaryService {
  const now = deps.now ?? Date.now;
  const retryFailedAfterMs = deps.retryFailedAfterMs ?? 300_000;
  const maxRevivals = deps.maxRevivals ?? 3;
  const reviveAfterMs = deps.reviveAfterMs ?? 600_000;
  /** Ends a pending waitForTask with the task's current state. */
  const waiters = new Set<() => void>();
  let released = false;

  /** The force key follows the current summary: forces join one pending task until it has replaced the summary. */
  async function keyFor(conversationId: string, maxLength: number, force: boolean | undefined): Promise<string> {
    const base = idempotencyKey(conversationId, deps.templateVersion, maxLength);
    if (!force) return base;
    return `${base}:force:${(await deps.summaries.get(conversationId))?.task_id ?? 'none'}`;
  }

  async function request(conversationId: string, options: RequestOptions = {}): Promise<TaskRecord> {
    const maxLength = options.maxLength ?? deps.defaultMaxLength;
    const key = await keyFor(conversationId, maxLength, options.force);
    const source = options.source ?? 'api';
    const { task, created } = await deps.queue.enqueue({ conversationId, idempotencyKey: key, maxLength, source });
    if (created) {
      deps.logger.info({ conversationId, taskId: task.task_id, source }, 'summarization queued');
      return task;
    }
    if (shouldRevive(task, source, options.force === true)) {
      deps.logger.info({ conversationId, taskId: task.task_id, source, status: task.status }, 'retrying settled task');
      return deps.queue.retry(task.task_id, { revival: source !== 'api' });
    }
    return task;
  }

  /**
   * A client may ask again for any failure; an event revives a task that failed for a transient reason (an outage,
   * a transcript or an end that came late), never one whose content failed (too long, PII, schema), at most
   * `maxRevivals` times and only once the failure is `reviveAfterMs` old (repeated events and backfill passes would
   * otherwise retry a conversation that always fails forever). A force that
   * joins a settled forced task whose summary is gone (expired) runs it again.
   */
  function shouldRevive(task: TaskRecord, source: TaskSource, force: boolean): boolean {
    if (task.status === 'failed') return source === 'api' ? shouldRetry(task) : eventMayRevive(task);
    return force && isTaskSettled(task);
  }

  function eventMayRevive(task: TaskRecord): boolean {
    const age = now() - Date.parse(task.updated_at);
    return hasTransientFailure(task) && (task.revivals ?? 0) < maxRevivals && age >= reviveAfterMs;
  }

  function shouldRetry(task: TaskRecord): boolean {
    const age = now() - Date.parse(task.updated_at);
    return task.error?.code !== 'CONVERSATION_NOT_FOUND' || age > retryFailedAfterMs;
  }

  async function waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const first = await deps.queue.get(taskId);
    if (!first || isTaskSettled(first) || timeoutMs <= 0 || released) return first;
    return new Promise<TaskRecord | undefined>((resolve) => {
      let done = false;
      const finish = (task: TaskRecord | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        deps.events.off('settled', onSettled);
        waiters.delete(release);
        resolve(task);
      };
      const release = (): void => void deps.queue.get(taskId).then(finish, () => finish(first));
      waiters.add(release);
      const onSettled = (task: TaskRecord): void => {
        if (task.task_id === taskId) finish(task);
      };
      const timer = setTimeout(() => void deps.queue.get(taskId).then(finish, () => finish(first)), timeoutMs);
      deps.events.on('settled', onSettled);
      // The task may have settled between the first read and the subscription.
      void deps.queue.get(taskId).then((t) => t && isTaskSettled(t) && finish(t), () => undefined);
    });
  }

  return {
    getSummary: (conversationId) => deps.summaries.get(conversationId),
    request,
    getTask: (taskId) => deps.queue.get(taskId),
    findTask: (conversationId, maxLength) =>
      deps.queue.findByKey(idempotencyKey(conversationId, deps.templateVersion, maxLength ?? deps.defaultMaxLength)),
    waitForTask,
    conversationEnded: (conversationId, source) => request(conversationId, { source }),
    releaseWaiters() {
      released = true;
      for (const release of [...waiters]) release();
      waiters.clear();
    },
    waiting: () => waiters.size,
  };
}
