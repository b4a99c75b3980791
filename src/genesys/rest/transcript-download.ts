// Guarded download of the pre-signed transcript JSON: allow-listed URLs only, re-checked redirects, a timeout, a byte cap.
import type { Logger } from '../../logger.js';
import { AppError } from '../../errors.js';
import { checkTranscriptUrl } from './transcript-url-policy.js';

export interface TranscriptDownloadOptions {
  /** Allowed origins and host patterns (see checkTranscriptUrl); every other URL, redirect targets included, is refused. */
  allow: readonly string[];
  /** The whole download (every hop and the body) is abandoned after this long. @default 30000 */
  timeoutMs?: number;
  /** Largest body accepted, counted in decoded bytes (so a gzip bomb is capped too). @default 8388608 (8 MiB) */
  maxBytes?: number;
  /** Redirects followed, each target checked like the first URL. @default 3 */
  maxRedirects?: number;
}

export interface DownloadContext {
  fetchImpl: typeof fetch;
  logger: Logger;
  conversationId: string;
  /** Suggested wait on retryable failures (network, HTTP errors, timeout). */
  retryAfterMs: number;
  /** The task's signal: aborting it ends the download at once with its reason. */
  signal?: AbortSignal;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Refuses a URL the allow-list does not cover; logs the host and the rule, never the URL (it carries a signature). */
function allowedUrl(raw: string | URL, options: TranscriptDownloadOptions, ctx: DownloadContext, hop: number): URL {
  const verdict = checkTranscriptUrl(raw, options.allow);
  if (verdict.ok) return verdict.url;
  const { refusal, scheme, host } = verdict;
  ctx.logger.warn({ conversationId: ctx.conversationId, scheme, host, refusal, hop }, 'transcript URL refused');
  const where = host ? `host ${host}` : `a ${scheme || 'malformed'} URL`;
  throw new AppError('TRANSCRIPT_UNAVAILABLE', `transcript URL not allowed (${refusal}: ${where}${hop > 0 ? `, redirect ${hop}` : ''})`, {
    details: { reason: 'url_not_allowed', refusal, host, hop },
  });
}

/** Resolves a Location header against the URL that answered it (a malformed one is refused as url_invalid). */
function redirectTarget(res: Response, from: URL): string | URL {
  const location = res.headers.get('location');
  if (!location) throw new AppError('TRANSCRIPT_UNAVAILABLE', `transcript download answered ${res.status} without a Location`, { details: { reason: 'bad_redirect' } });
  try {
    return new URL(location, from);
  } catch {
    return location;
  }
}

/** GETs the URL without following redirects itself: each Location is checked before it is requested. */
async function fetchAllowed(rawUrl: string, options: TranscriptDownloadOptions, ctx: DownloadContext, signal: AbortSignal): Promise<{ res: Response; host: string }> {
  const maxRedirects = options.maxRedirects ?? 3;
  let url = allowedUrl(rawUrl, options, ctx, 0);
  for (let hop = 1; ; hop += 1) {
    const res = await ctx.fetchImpl(url, { method: 'GET', redirect: 'manual', signal });
    if (!REDIRECT_STATUSES.has(res.status)) return { res, host: url.hostname };
    await res.body?.cancel().catch(() => undefined);
    if (hop > maxRedirects) {
      throw new AppError('TRANSCRIPT_UNAVAILABLE', `transcript download redirected more than ${maxRedirects} times`, { details: { reason: 'too_many_redirects' } });
    }
    url = allowedUrl(redirectTarget(res, url), options, ctx, hop);
  }
}

function tooLarge(ctx: DownloadContext, host: string, maxBytes: number, declared?: number): AppError {
  ctx.logger.warn({ conversationId: ctx.conversationId, host, maxBytes, declaredBytes: declared }, 'transcript too large; download stopped');
  return new AppError('TRANSCRIPT_TOO_LARGE', `voice transcript is larger than ${maxBytes} bytes`, { details: { maxBytes, ...(declared ? { declaredBytes: declared } : {}) } });
}

/** Reads the body chunk by chunk and stops (cancelling the stream) as soon as it passes `maxBytes`. */
async function readCapped(res: Response, host: string, maxBytes: number, ctx: DownloadContext): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(ctx, host, maxBytes, declared);
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, total);
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(ctx, host, maxBytes);
    }
    chunks.push(value);
  }
}

/**
 * One signal for the download: fires on the task's abort or on the timeout. Combined by hand rather than with
 * AbortSignal.any so nothing stays attached to the long-lived task signal once the download is over.
 */
function downloadSignal(timeoutMs: number, task: AbortSignal | undefined) {
  const controller = new AbortController();
  let timedOut = false;
  const onTaskAbort = (): void => controller.abort(task?.reason);
  if (task?.aborted) onTaskAbort();
  else task?.addEventListener('abort', onTaskAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('transcript download timed out'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    /** Clears the timer, detaches from the task, and aborts whatever is still open (the socket is released). */
    release(): void {
      clearTimeout(timer);
      task?.removeEventListener('abort', onTaskAbort);
      controller.abort();
    },
  };
}

/** Maps what a download threw: the task's abort reason first, then the timeout, then our errors, then the network. */
function downloadFailure(err: unknown, ctx: DownloadContext, timedOut: boolean, timeoutMs: number): AppError {
  const task = ctx.signal;
  if (task?.aborted) {
    return task.reason instanceof AppError ? task.reason : new AppError('TRANSCRIPT_UNAVAILABLE', 'transcript download aborted', { retryable: true, cause: err });
  }
  if (timedOut) {
    ctx.logger.warn({ conversationId: ctx.conversationId, timeoutMs }, 'transcript download timed out');
    return new AppError('TRANSCRIPT_UNAVAILABLE', `transcript download timed out after ${timeoutMs}ms`, {
      retryable: true,
      retryAfterMs: ctx.retryAfterMs,
      details: { reason: 'timeout' },
    });
  }
  if (err instanceof AppError) return err;
  return new AppError('TRANSCRIPT_UNAVAILABLE', 'transcript download failed (network)', { retryable: true, retryAfterMs: ctx.retryAfterMs, cause: err });
}

/**
 * Downloads the pre-signed transcript JSON (no auth header: the URL carries its own signature). Refusals (URL or
 * redirect target off the allow-list) and TRANSCRIPT_TOO_LARGE are final; network errors, HTTP errors (an expired
 * URL answers 403) and the timeout are retryable; the task's abort rethrows its reason.
 */
export async function downloadTranscriptJson(rawUrl: string, options: TranscriptDownloadOptions, ctx: DownloadContext): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const guard = downloadSignal(timeoutMs, ctx.signal);
  let body: Buffer;
  try {
    const { res, host } = await fetchAllowed(rawUrl, options, ctx, guard.signal);
    if (!res.ok) {
      // 403/404 here usually means the 10-minute URL expired; asking again later gets a fresh one.
      throw new AppError('TRANSCRIPT_UNAVAILABLE', `transcript download failed (HTTP ${res.status})`, {
        retryable: true,
        retryAfterMs: ctx.retryAfterMs,
        upstreamStatus: res.status,
      });
    }
    body = await readCapped(res, host, options.maxBytes ?? 8 * 1024 * 1024, ctx);
  } catch (err) {
    throw downloadFailure(err, ctx, guard.timedOut(), timeoutMs);
  } finally {
    guard.release();
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new AppError('TRANSCRIPT_UNAVAILABLE', 'transcript download was not JSON', { cause: err });
  }
}
