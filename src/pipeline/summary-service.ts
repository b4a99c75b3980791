// Summary service: the intake every source shares (socket, API, webhook, backfill) and the read side the HTTP API uses.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import type { SummaryRecord, SummaryStore, TaskQueue, TaskRecord, TaskSource } from '../domain.js';

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
  now?: () => number;
}

export interface RequestOptions {
  maxLength?: number;
  /** Summarize again even if a summary exists (a new task, not the cached one). */
  force?: boolean;
  /** @default 'api' */
  source?: TaskSource;
}

const isSettled = (task: TaskRecord): boolean => task.status !== 'pending' && task.status !== 'processing';

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
  waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined>;
  /** Intake for ended conversations seen by the notification subscriber, webhooks or backfill. */
  conversationEnded(conversationId: string, source: TaskSource): Promise<TaskRecord>;
}

/** Creates the service shared by the HTTP API and every event intake. */
export function createSummaryService(deps: SummaryServiceDeps): SummaryService {
  const now = deps.now ?? Date.now;
  const retryFailedAfterMs = deps.retryFailedAfterMs ?? 300_000;

  async function request(conversationId: string, options: RequestOptions = {}): Promise<TaskRecord> {
    const maxLength = options.maxLength ?? deps.defaultMaxLength;
    const base = idempotencyKey(conversationId, deps.templateVersion, maxLength);
    const key = options.force ? `${base}:force:${now()}` : base;
    const source = options.source ?? 'api';
    const { task, created } = await deps.queue.enqueue({ conversationId, idempotencyKey: key, maxLength, source });
    if (created) {
      deps.logger.info({ conversationId, taskId: task.task_id, source }, 'summarization queued');
      return task;
    }
    // A client may ask again for any failure; an event may revive a task that gave up waiting for the end.
    const revive = source === 'api' ? shouldRetry(task) : task.error?.code === 'CONVERSATION_NOT_ENDED';
    if (task.status === 'failed' && revive) {
      deps.logger.info({ conversationId, taskId: task.task_id, source }, 'retrying failed task');
      return deps.queue.retry(task.task_id);
    }
    return task;
  }

  function shouldRetry(task: TaskRecord): boolean {
    const age = now() - Date.parse(task.updated_at);
    return task.error?.code !== 'CONVERSATION_NOT_FOUND' || age > retryFailedAfterMs;
  }

  async function waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const first = await deps.queue.get(taskId);
    if (!first || isSettled(first) || timeoutMs <= 0) return first;
    return new Promise<TaskRecord | undefined>((resolve) => {
      let done = false;
      const finish = (task: TaskRecord | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        deps.events.off('settled', onSettled);
        resolve(task);
      };
      const onSettled = (task: TaskRecord): void => {
        if (task.task_id === taskId) finish(task);
      };
      const timer = setTimeout(() => void deps.queue.get(taskId).then(finish, () => finish(first)), timeoutMs);
      deps.events.on('settled', onSettled);
      // The task may have settled between the first read and the subscription.
      void deps.queue.get(taskId).then((t) => t && isSettled(t) && finish(t), () => undefined);
    });
  }

  return {
    getSummary: (conversationId) => deps.summaries.get(conversationId),
    request,
    getTask: (taskId) => deps.queue.get(taskId),
    waitForTask,
    conversationEnded: (conversationId, source) => request(conversationId, { source }),
  };
}
