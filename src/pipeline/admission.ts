// Admission of requests that would start work (create or re-run a task): conversations Genesys just said it does not
// know, the per-conversation force interval, and per-client task budgets. Asked only when work would start, so joining
// a task or reading a stored summary never costs anything.
import { AppError } from '../errors.js';
import type { TaskSource } from '../domain.js';
import { createTokenBuckets, type TokenBucketOptions, type TokenBuckets } from './token-buckets.js';

export interface AdmissionOptions {
  /** Per conversation, a `force` that starts work is accepted once per this many ms. @default 60000 */
  forceIntervalMs?: number;
  /** How long a conversation Genesys answered 404 for is answered CONVERSATION_NOT_FOUND at once (ms). @default 600000 */
  notFoundTtlMs?: number;
  /** Tasks each API key may start (a bucket per key). Omitted: unlimited. */
  apiTasks?: Omit<TokenBucketOptions, 'now'> | undefined;
  /** Tasks each webhook token may start (a bucket per token). Omitted: unlimited. */
  webhookTasks?: Omit<TokenBucketOptions, 'now'> | undefined;
  /** @default Date.now */
  now?: () => number;
}

/** What would start work, and for whom. */
export interface WorkRequest {
  conversationId: string;
  source: TaskSource;
  force: boolean;
  /** The name of the API key (or `webhook`) that asked: whose budget it spends; requests without one share a bucket. */
  client?: string | undefined;
  /** False for a key that may only read (no scope `submit`): it may join work but never start it. @default true */
  mayStart?: boolean | undefined;
}

export interface Admission {
  /**
   * Admits `request` (recording its force and spending its client's token) or throws: CONVERSATION_NOT_FOUND when
   * Genesys recently said the conversation does not exist (API and webhook requests; events from Genesys itself are
   * never refused), FORBIDDEN for a read-only key, TOO_MANY_REQUESTS with `retryAfterMs` when a force is too soon or
   * the client's budget is spent.
   */
  admit(request: WorkRequest): void;
  /** Genesys has no such conversation: refuse work on it for notFoundTtlMs. */
  rememberNotFound(conversationId: string): void;
}

const MAX_REMEMBERED = 10_000;

function tooMany(message: string, waitMs: number): AppError {
  return new AppError('TOO_MANY_REQUESTS', message, { retryAfterMs: waitMs, details: { retry_after_ms: waitMs } });
}

/** Creates the admission rules; all state is in memory (a restart forgets it: the task records still answer). */
export function createAdmission(options: AdmissionOptions = {}): Admission {
  const now = options.now ?? Date.now;
  const forceIntervalMs = options.forceIntervalMs ?? 60_000;
  const notFoundTtlMs = options.notFoundTtlMs ?? 600_000;
  const lastForce = new Map<string, number>();
  /** Conversation id → until when it is known not to exist (insertion order = age, for eviction). */
  const notFound = new Map<string, number>();
  const buckets: Partial<Record<TaskSource, TokenBuckets>> = {
    ...(options.apiTasks ? { api: createTokenBuckets({ ...options.apiTasks, now }) } : {}),
    ...(options.webhookTasks ? { webhook: createTokenBuckets({ ...options.webhookTasks, now }) } : {}),
  };

  function knownMissing(conversationId: string, at: number): boolean {
    const until = notFound.get(conversationId);
    if (until === undefined) return false;
    if (until > at) return true;
    notFound.delete(conversationId);
    return false;
  }

  function forceWait(conversationId: string, at: number): number {
    const last = lastForce.get(conversationId);
    return last !== undefined && at - last < forceIntervalMs ? forceIntervalMs - (at - last) : 0;
  }

  function recordForce(conversationId: string, at: number): void {
    if (lastForce.size >= MAX_REMEMBERED) for (const [id, t] of lastForce) if (at - t >= forceIntervalMs) lastForce.delete(id);
    lastForce.set(conversationId, at);
  }

  function admit(request: WorkRequest): void {
    const at = now();
    const fromClient = request.source === 'api' || request.source === 'webhook';
    if (fromClient && knownMissing(request.conversationId, at)) {
      throw new AppError('CONVERSATION_NOT_FOUND', `Genesys has no conversation ${request.conversationId}`, { upstreamStatus: 404 });
    }
    if (request.mayStart === false) {
      throw new AppError('FORBIDDEN', `this API key has scope read only: it cannot start a summary of ${request.conversationId}; use a key with scope submit`);
    }
    const forceMs = request.force ? forceWait(request.conversationId, at) : 0;
    if (forceMs > 0) {
      throw tooMany(`this conversation was re-summarized less than ${Math.round(forceIntervalMs / 1000)} s ago`, forceMs);
    }
    const budgetMs = buckets[request.source]?.take(request.client ?? '') ?? 0;
    if (budgetMs > 0) throw tooMany(`this ${request.source === 'webhook' ? 'webhook token' : 'API key'} started too many summaries; retry later`, budgetMs);
    if (request.force) recordForce(request.conversationId, at);
  }

  function rememberNotFound(conversationId: string): void {
    const at = now();
    notFound.delete(conversationId);
    if (notFound.size >= MAX_REMEMBERED) {
      for (const [id, until] of notFound) if (until <= at) notFound.delete(id);
      const oldest = notFound.keys().next();
      if (notFound.size >= MAX_REMEMBERED && !oldest.done) notFound.delete(oldest.value);
    }
    notFound.set(conversationId, at + notFoundTtlMs);
  }

  return { admit, rememberNotFound };
}
