// The ConversationSource adapter: conversation metadata and normalized transcripts (voice, messaging, email) from Genesys.
import type { Logger } from '../../logger.js';
import type { ConversationInfo, Transcript, Turn } from '../../domain.js';
import type { ConversationSource } from '../../ports.js';
import { AppError, isAppError } from '../../errors.js';
import type { Sleep } from './backoff.js';
import type { GenesysClient } from './client.js';
import { customerAddressesOf, toConversationInfo } from './conversation-info.js';
import { ConversationSchema, type ConversationBody } from './rest-schemas.js';
import type { TranscriptDownloadOptions } from './transcript-download.js';
import { fetchEmailTurns } from './transcript-email.js';
import { fetchMessagingTurns } from './transcript-messaging.js';
import { abortableSleep, fetchVoiceTurns, type VoiceTranscriptDeps } from './transcript-voice.js';
import { parseUpstream } from './upstream-error.js';

export interface ConversationSourceOptions {
  client: GenesysClient;
  logger: Logger;
  /** Downloads the pre-signed STA transcript URL. @default globalThis.fetch */
  fetchImpl?: typeof fetch;
  /**
   * Which transcript URLs may be downloaded (see regionAllowList), the download timeout and byte cap. Required: a
   * URL off the list is refused, so the caller decides what is trusted.
   */
  transcriptDownload: TranscriptDownloadOptions;
  /** Keep retrying an unprocessed voice transcript until this long after the conversation's endTime. */
  transcriptRetryWindowMs: number;
  /** First wait between transcripturl attempts (doubles, capped at 5 min). */
  transcriptRetryBaseMs: number;
  /**
   * Longest one getTranscript call waits in-process; past it, with the window still open, it throws a retryable
   * TRANSCRIPT_UNAVAILABLE (with retryAfterMs) so the caller can re-queue. @default transcriptRetryWindowMs
   */
  maxTranscriptWaitMs?: number;
  /** @default setTimeout-based sleep, cut short when the run is aborted */
  sleep?: Sleep;
  /** @default Date.now */
  now?: () => number;
}

/** Sorts by time, drops empty turns, trims text. */
function normalizeTurns(turns: Turn[]): Turn[] {
  return turns
    .map((t) => ({ ...t, text: t.text.trim() }))
    .filter((t) => t.text.length > 0)
    .sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
}

/** Creates the Genesys-backed ConversationSource. */
export function createConversationSource(options: ConversationSourceOptions): ConversationSource {
  const deps = sourceDeps(options);
  return {
    async getConversation(conversationId) {
      return toConversationInfo(await fetchConversation(deps.client, conversationId));
    },
    getTranscript: (info, signal) => fetchTranscript(deps, info, signal),
  };
}

/** The options with their defaults, in the shape the voice path takes (client and logger serve every medium). */
function sourceDeps(options: ConversationSourceOptions): VoiceTranscriptDeps {
  return {
    client: options.client,
    logger: options.logger.child({ module: 'conversation-source' }),
    fetchImpl: options.fetchImpl ?? globalThis.fetch,
    sleep: options.sleep ?? abortableSleep,
    now: options.now ?? Date.now,
    retryWindowMs: options.transcriptRetryWindowMs,
    retryBaseMs: options.transcriptRetryBaseMs,
    maxWaitMs: options.maxTranscriptWaitMs ?? options.transcriptRetryWindowMs,
    download: options.transcriptDownload,
  };
}

/** GET /api/v2/conversations/{id}; 404 is CONVERSATION_NOT_FOUND. */
async function fetchConversation(client: GenesysClient, conversationId: string): Promise<ConversationBody> {
  try {
    const raw = await client.call('getConversation', (apis) => apis.conversations.getConversation(conversationId));
    return parseUpstream(ConversationSchema, raw, 'getConversation');
  } catch (err) {
    if (isAppError(err, 'NOT_FOUND')) {
      throw new AppError('CONVERSATION_NOT_FOUND', `Genesys has no conversation ${conversationId}`, { upstreamStatus: 404, cause: err });
    }
    throw err;
  }
}

/** The normalized transcript of a conversation; 404 or no text turns is TRANSCRIPT_UNAVAILABLE. */
async function fetchTranscript(deps: VoiceTranscriptDeps, info: ConversationInfo, signal: AbortSignal | undefined): Promise<Transcript> {
  let result: { turns: Turn[]; language?: string };
  try {
    result = await turnsFor(deps, info, signal);
  } catch (err) {
    if (isAppError(err, 'NOT_FOUND')) {
      throw new AppError('TRANSCRIPT_UNAVAILABLE', `Genesys has no ${info.mediaType} content for this conversation`, { upstreamStatus: 404, cause: err });
    }
    throw err;
  }
  const turns = normalizeTurns(result.turns);
  if (turns.length === 0) throw new AppError('TRANSCRIPT_UNAVAILABLE', 'conversation has no text turns');
  deps.logger.debug({ conversationId: info.conversationId, turns: turns.length, mediaType: info.mediaType }, 'transcript fetched');
  const transcript: Transcript = { conversationId: info.conversationId, mediaType: info.mediaType, turns };
  if (result.language) transcript.language = result.language;
  return transcript;
}

/** The raw turns from the media type's own source. */
async function turnsFor(deps: VoiceTranscriptDeps, info: ConversationInfo, signal: AbortSignal | undefined): Promise<{ turns: Turn[]; language?: string }> {
  const { client } = deps;
  switch (info.mediaType) {
    case 'voice':
      return fetchVoiceTurns(deps, info, signal);
    case 'message':
      return { turns: await fetchMessagingTurns(client, info.conversationId) };
    case 'email':
      return { turns: await fetchEmailTurns(client, info.conversationId, await customerAddresses(client, info)) };
    default:
      throw new AppError('UNSUPPORTED_MEDIA', `no transcript source for media type ${info.mediaType}`, { details: { mediaType: info.mediaType } });
  }
}

/**
 * The customer participants' addresses: an email from one of them is a customer turn, any other an agent turn.
 * Taken from the info that getConversation already read; only an info built elsewhere costs a second read.
 */
async function customerAddresses(client: GenesysClient, info: ConversationInfo): Promise<Set<string>> {
  if (info.customerAddresses) return new Set(info.customerAddresses);
  return new Set(customerAddressesOf(await fetchConversation(client, info.conversationId)));
}
