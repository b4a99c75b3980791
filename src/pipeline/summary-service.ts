// Summary service: the intake every source shares (socket, API, webhook, backfill) and the read side the HTTP API uses;
// long-polls on a task are in task-waiters.ts.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { hasTransientFailure, isTaskSettled, type SummaryRecord, type TaskRecord, type TaskSource } from '../domain.js';
import { type SummaryStore, type TaskQueue } from '../ports.js';
import { adjustmentPenalty, shortenAtSentence } from '../summarize/index.js';
import { createAdmission, type Admission } from './admission.js';
import { createTaskWaiters } from './task-waiters.js';

export interface SummaryServiceDeps {
  queue: TaskQueue;
  summaries: SummaryStore;
  /** The worker's event emitter ('settled' with the task). */
  events: EventEmitter;
  defaultMaxLength: number;
  /** `<template id>@<version>`: a new template version summarizes again; the same one never twice. */
  templateVersion: string;
  logger: Logger;
  /**
   * What may start work (admission.ts): recently unknown conversations, the per-conversation force interval (a force
   * that starts or restarts work; joining a forced task still pending is free) and per-client task budgets.
   * @default createAdmission(): force once a minute, not-found remembered 10 min, no client budgets
   */
  admission?: Admission;
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
  /** The name of the API key (or `webhook`) asking: whose task budget starting work spends. */
  client?: string | undefined;
  /** False when the asking key may only read: joining a task is fine, starting one throws FORBIDDEN. @default true */
  mayStart?: boolean | undefined;
}

/**
 * One summarization per (conversation, prompt template version, max length): every source that sees the same
 * conversation joins one task; only an explicit client request (`force`) summarizes it again.
 */
export function idempotencyKey(conversationId: string, templateVersion: string, maxLength: number): string {
  return `${conversationId}:${templateVersion}:len${maxLength}`;
}

export interface SummaryService {
  /**
   * Without `maxLength`: the conversation's default-length summary, whatever other lengths were asked for. With it:
   * the summary made at that length (a forced re-run, stored beside the default one), else the default one, or a copy
   * of it shortened at a sentence boundary (marked `summary_shortened`) when it is longer. Never a model call.
   */
  getSummary(conversationId: string, maxLength?: number): Promise<SummaryRecord | undefined>;
  /**
   * Starts the conversation's task, or joins the one that exists. Only events (within the revival caps) and `force`
   * run a settled task again: a client read never does. Starting or re-running work must pass the admission (it
   * throws CONVERSATION_NOT_FOUND or TOO_MANY_REQUESTS); joining a task never costs anything.
   */
  request(conversationId: string, options?: RequestOptions): Promise<TaskRecord>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** The (unforced) task of a conversation at this length, without creating or reviving anything. */
  findTask(conversationId: string, maxLength?: number): Promise<TaskRecord | undefined>;
  waitForTask(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined>;
  /** Intake for ended conversations seen by the notification subscriber, webhooks (with the token's `client` id) or backfill. */
  conversationEnded(conversationId: string, source: TaskSource, client?: string): Promise<TaskRecord>;
  /** At shutdown: every waitForTask answers now with the task as it is, and later ones answer at once. */
  releaseWaiters(): void;
  /** Long-polls (waitForTask calls) waiting right now. */
  waiting(): number;
}

/** What the service's functions share: the deps and the settings with their defaults applied. */
interface ServiceContext {
  readonly deps: SummaryServiceDeps;
  readonly now: () => number;
  readonly admission: Admission;
  readonly maxRevivals: number;
  readonly reviveAfterMs: number;
}

/** Creates the service shared by the HTTP API and every event intake. */
export function createSummaryService(deps: SummaryServiceDeps): SummaryService {
  const now = deps.now ?? Date.now;
  const ctx: ServiceContext = {
    deps,
    now,
    admission: deps.admission ?? createAdmission({ now }),
    maxRevivals: deps.maxRevivals ?? 3,
    reviveAfterMs: deps.reviveAfterMs ?? 600_000,
  };
  // Genesys does not know a conversation: further client requests are refused at once, whatever length or force.
  deps.events.on('settled', (task: TaskRecord) => {
    if (isNotFound(task)) ctx.admission.rememberNotFound(task.conversation_id);
  });
  const waiters = createTaskWaiters(deps.queue, deps.events);
  return {
    getSummary: (conversationId, maxLength) => getSummary(ctx, conversationId, maxLength),
    request: (conversationId, options) => request(ctx, conversationId, options),
    getTask: (taskId) => deps.queue.get(taskId),
    findTask: (conversationId, maxLength) =>
      deps.queue.findByKey(idempotencyKey(conversationId, deps.templateVersion, maxLength ?? deps.defaultMaxLength)),
    waitForTask: (taskId, timeoutMs) => waiters.wait(taskId, timeoutMs),
    conversationEnded: (conversationId, source, client) => request(ctx, conversationId, { source, client }),
    releaseWaiters: () => waiters.releaseAll(),
    waiting: () => waiters.size(),
  };
}

/**
 * The force key follows the current summary at that length: forces join one pending task until it has replaced
 * that summary (the default-length one, or the one stored beside it for another length).
 */
async function keyFor(ctx: ServiceContext, conversationId: string, maxLength: number, force: boolean | undefined): Promise<string> {
  const base = idempotencyKey(conversationId, ctx.deps.templateVersion, maxLength);
  if (!force) return base;
  return `${base}:force:${(await ctx.deps.summaries.get(conversationId, maxLength))?.task_id ?? 'none'}`;
}

async function request(ctx: ServiceContext, conversationId: string, options: RequestOptions = {}): Promise<TaskRecord> {
  const { deps, admission } = ctx;
  const maxLength = options.maxLength ?? deps.defaultMaxLength;
  const key = await keyFor(ctx, conversationId, maxLength, options.force);
  const source = options.source ?? 'api';
  const force = options.force === true;
  // Only starting work costs (a token, a force): joining a task, pending or settled, is free.
  const existing = await deps.queue.findByKey(key);
  if (!existing || (force && isTaskSettled(existing))) admission.admit({ conversationId, source, force, client: options.client, mayStart: options.mayStart });
  // Work a client's read starts waits behind event work (and an event joining it raises it).
  const priority = source === 'api' ? 'low' : 'normal';
  const { task, created } = await deps.queue.enqueue({ conversationId, idempotencyKey: key, maxLength, source, priority });
  if (created) {
    deps.logger.info({ conversationId, taskId: task.task_id, source, ...(options.client ? { client: options.client } : {}) }, 'summarization queued');
    return task;
  }
  if (isNotFound(task)) admission.rememberNotFound(conversationId);
  if (shouldRevive(ctx, task, source, force)) {
    deps.logger.info({ conversationId, taskId: task.task_id, source, status: task.status }, 'retrying settled task');
    return deps.queue.retry(task.task_id, { revival: source !== 'api', priority });
  }
  return task;
}

/**
 * Only `force` (a client) re-runs a settled task; an event revives a task that failed for a transient reason (an
 * outage, a transcript or an end that came late), never one whose content failed (too long, PII, schema), at most
 * `maxRevivals` times and only once the failure is `reviveAfterMs` old (repeated events and backfill passes would
 * otherwise retry a conversation that always fails forever). A plain client request never re-runs anything.
 */
function shouldRevive(ctx: ServiceContext, task: TaskRecord, source: TaskSource, force: boolean): boolean {
  if (force) return isTaskSettled(task);
  return task.status === 'failed' && source !== 'api' && eventMayRevive(ctx, task);
}

function eventMayRevive(ctx: ServiceContext, task: TaskRecord): boolean {
  const age = ctx.now() - Date.parse(task.updated_at);
  return hasTransientFailure(task) && (task.revivals ?? 0) < ctx.maxRevivals && age >= ctx.reviveAfterMs;
}

/** The summary made at exactly `maxLength` when one was (a forced re-run), else the default one, cut to fit. */
async function getSummary(ctx: ServiceContext, conversationId: string, maxLength?: number): Promise<SummaryRecord | undefined> {
  const { deps } = ctx;
  if (maxLength !== undefined && maxLength !== deps.defaultMaxLength) {
    const exact = await deps.summaries.get(conversationId, maxLength);
    if (exact) return exact;
  }
  const record = await deps.summaries.get(conversationId);
  if (!record || maxLength === undefined || record.summary.length <= maxLength) return record;
  return shorterCopy(record, maxLength);
}

const isNotFound = (task: TaskRecord): boolean => task.status === 'failed' && task.error?.code === 'CONVERSATION_NOT_FOUND';

/** A stored summary cut to `maxLength` at a sentence boundary, for a client that asked for less (never stored). */
export function shorterCopy(record: SummaryRecord, maxLength: number): SummaryRecord {
  const adjustments = [...new Set([...(record.adjustments ?? []), 'summary_shortened'])];
  const penalty = adjustmentPenalty(adjustments) - adjustmentPenalty(record.adjustments);
  return {
    ...record,
    summary: shortenAtSentence(record.summary, maxLength),
    max_length: maxLength,
    adjustments,
    quality_score: Math.round(record.quality_score * (1 - penalty) * 1000) / 1000,
  };
}
