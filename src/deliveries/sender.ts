// One delivery attempt: sign the stored payload per Standard Webhooks (the `standardwebhooks` package: webhook-id,
// webhook-timestamp, webhook-signature), POST it with a timeout and without following redirects, and classify what
// came back. Never reads or logs the response body, the URL or the secret.
import { Webhook } from 'standardwebhooks';
import type { DeliveryAttempt, DeliveryRecord } from '../domain.js';
import type { WebhookEndpoint } from './endpoints.js';

/** How an attempt ended, for the retry policy. */
export type SendResult =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver says this endpoint is no more. */
  | { kind: 'gone' }
  | { kind: 'failed'; code: string; message: string; statusCode?: number | undefined; retryAfterMs?: number | undefined };

export interface SendOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  userAgent: string;
  /** Aborts the request (shutdown). */
  signal?: AbortSignal | undefined;
}

/** Signs and sends one delivery; never throws. */
export async function sendOnce(endpoint: WebhookEndpoint, delivery: DeliveryRecord, options: SendOptions): Promise<{ attempt: DeliveryAttempt; result: SendResult }> {
  const startedAt = options.now();
  const at = new Date(startedAt);
  const signature = new Webhook(endpoint.secret).sign(delivery.event_id, at, delivery.payload);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const { signal, dispose } = anyOf(timeout, options.signal);
  let result: SendResult;
  let statusCode: number | undefined;
  try {
    const response = await options.fetch(endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      signal,
      headers: {
        'content-type': 'application/json',
        'user-agent': options.userAgent,
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(Math.floor(startedAt / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.payload,
    });
    statusCode = response.status;
    await response.body?.cancel().catch(() => undefined);
    result = classifyStatus(response.status, response.headers.get('retry-after'), options.now());
  } catch (err) {
    result = classifyError(err, timeout.aborted);
  } finally {
    dispose();
  }
  const attempt: DeliveryAttempt = {
    at: at.toISOString(),
    ...(statusCode === undefined ? {} : { status_code: statusCode }),
    ...(result.kind === 'failed' ? { error: result.code } : {}),
    duration_ms: Math.max(0, options.now() - startedAt),
  };
  return { attempt, result };
}

/**
 * A signal aborted by either, and a dispose that detaches it (the dispatcher's signal lives for the whole process, so
 * every attempt must take its listener off again). AbortSignal.any needs Node 20.3; the package allows any Node 20.
 */
function anyOf(a: AbortSignal, b: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  if (!b) return { signal: a, dispose: () => undefined };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}

/** 2xx delivered; 410 gone; anything else (3xx not followed, 4xx, 5xx) failed, with Retry-After when given. */
export function classifyStatus(status: number, retryAfter: string | null, nowMs: number): SendResult {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if (status >= 300 && status < 400) return { kind: 'failed', code: 'REDIRECT_NOT_FOLLOWED', message: `receiver answered ${status}; redirects are not followed`, statusCode: status };
  return { kind: 'failed', code: 'RECEIVER_ERROR', message: `receiver answered ${status}`, statusCode: status, retryAfterMs: retryAfterMs(retryAfter, nowMs) };
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function classifyError(err: unknown, timedOut: boolean): SendResult {
  if (timedOut) return { kind: 'failed', code: 'TIMEOUT', message: 'no answer within the attempt timeout' };
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return { kind: 'failed', code: 'CONNECTION_REFUSED', message: 'connection refused' };
  if (err instanceof Error && err.name === 'AbortError') return { kind: 'failed', code: 'ABORTED', message: 'attempt aborted' };
  return { kind: 'failed', code: 'CONNECTION_FAILED', message: code ? `connection failed (${code})` : 'connection failed' };
}
