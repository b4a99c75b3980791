// Voice transcripts: STA transcripturl (retried while not yet processed) → guarded pre-signed JSON download → turns.
import type { Logger } from '../../logger.js';
import type { ConversationInfo, Turn } from '../../domain.js';
import { AppError, isAppError } from '../../errors.js';
import type { Sleep } from './backoff.js';
import type { GenesysClient } from './client.js';
import { CUSTOMER_PURPOSES, speakerForPurpose } from './conversation-info.js';
import { StaTranscriptSchema, TranscriptUrlSchema } from './rest-schemas.js';
import { downloadTranscriptJson, type TranscriptDownloadOptions } from './transcript-download.js';
import { parseUpstream } from './upstream-error.js';

export interface VoiceTranscriptDeps {
  client: GenesysClient;
  logger: Logger;
  fetchImpl: typeof fetch;
  /** Waits between transcripturl attempts; given the run's signal (an injected Sleep may ignore it). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  /** Keep retrying a not-yet-processed transcript until this long after the conversation ended. */
  retryWindowMs: number;
  retryBaseMs: number;
  /** Longest this one call waits; past it (window still open) it throws a retryable error. */
  maxWaitMs: number;
  /** Allow-list, timeout and byte cap of the pre-signed URL download. */
  download: TranscriptDownloadOptions;
}

/** Longest single wait between transcripturl attempts. */
const MAX_STEP_MS = 300_000;

/** The call sessions to fetch: the customer's (they carry both channels), else every call session. */
export function voiceCommunicationIds(info: ConversationInfo): string[] {
  const calls = info.communications.filter((c) => c.mediaType === 'voice');
  const customer = calls.filter((c) => CUSTOMER_PURPOSES.has(c.participantPurpose.toLowerCase()));
  return [...new Set((customer.length > 0 ? customer : calls).map((c) => c.id))];
}

/** Asks for the transcript URL; a 404 means "not processed yet": back off, bounded by the window and maxWaitMs. */
async function transcriptUrl(deps: VoiceTranscriptDeps, info: ConversationInfo, communicationId: string, signal?: AbortSignal): Promise<string> {
  const started = deps.now();
  const ended = info.endTime ? Date.parse(info.endTime) : Number.NaN;
  const deadline = (Number.isFinite(ended) ? ended : started) + deps.retryWindowMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const raw = await deps.client.call('getTranscriptUrl', (apis) =>
        apis.speechTextAnalytics.getSpeechandtextanalyticsConversationCommunicationTranscripturl(info.conversationId, communicationId),
      );
      return parseUpstream(TranscriptUrlSchema, raw, 'getTranscriptUrl').url;
    } catch (err) {
      if (!isAppError(err, 'NOT_FOUND')) throw err;
      const wait = Math.min(MAX_STEP_MS, deps.retryBaseMs * 2 ** (attempt - 1));
      const t = deps.now();
      if (t + wait > deadline) {
        throw new AppError('TRANSCRIPT_UNAVAILABLE', `voice transcript not processed within ${deps.retryWindowMs}ms of the conversation end`, {
          upstreamStatus: 404,
          details: { communicationId },
        });
      }
      if (t + wait - started > deps.maxWaitMs) {
        throw new AppError('TRANSCRIPT_UNAVAILABLE', 'voice transcript not processed yet', { retryable: true, retryAfterMs: wait, upstreamStatus: 404 });
      }
      deps.logger.debug({ conversationId: info.conversationId, attempt, wait }, 'transcript not ready; waiting');
      await sleepUnlessAborted(deps, wait, signal);
    }
  }
}

/** Throws the abort reason (the worker's timeout or shutdown) once `signal` is aborted. */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof AppError ? signal.reason : new AppError('TRANSCRIPT_UNAVAILABLE', 'transcript wait aborted', { retryable: true });
}

/** Sleeps, ending early (with the abort reason) when the run is aborted. */
async function sleepUnlessAborted(deps: VoiceTranscriptDeps, ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (!signal) return deps.sleep(ms);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([deps.sleep(ms, signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  throwIfAborted(signal);
}

/** Abortable real sleep: the timer is cleared on abort (the default sleep of the conversation source). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Fetches and normalizes the voice transcript of every relevant call session. */
export async function fetchVoiceTurns(
  deps: VoiceTranscriptDeps,
  info: ConversationInfo,
  signal?: AbortSignal,
): Promise<{ turns: Turn[]; language?: string }> {
  const ids = voiceCommunicationIds(info);
  if (ids.length === 0) throw new AppError('TRANSCRIPT_UNAVAILABLE', 'conversation has no call sessions');
  const turns: Turn[] = [];
  let language: string | undefined;
  for (const id of ids) {
    const url = await transcriptUrl(deps, info, id, signal);
    const raw = await downloadTranscriptJson(url, deps.download, {
      fetchImpl: deps.fetchImpl,
      logger: deps.logger,
      conversationId: info.conversationId,
      retryAfterMs: deps.retryBaseMs,
      ...(signal ? { signal } : {}),
    });
    const parsed = StaTranscriptSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('TRANSCRIPT_UNAVAILABLE', 'voice transcript JSON has an unexpected shape');
    for (const t of parsed.data.transcripts) {
      language ??= t.language;
      for (const ph of t.phrases) {
        turns.push({ speaker: speakerForPurpose(ph.participantPurpose), text: ph.text, at: new Date(ph.startTimeMs).toISOString() });
      }
    }
  }
  return { turns, ...(language ? { language } : {}) };
}
