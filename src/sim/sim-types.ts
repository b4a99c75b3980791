// Public types of the Genesys Cloud simulator: queues, scenarios, options, the handle returned by startGenesysSim.
import type { Logger } from '../logger.js';

/** A routing queue with its wrap-up codes. */
export interface SimQueue {
  id: string;
  name: string;
  wrapupCodes: Array<{ id: string; name: string }>;
}

/** One utterance (voice), message (messaging) or email (email) of a scripted conversation. */
export interface ScenarioTurn {
  speaker: 'agent' | 'customer' | 'ivr' | 'bot';
  text: string;
}

/** A PII value planted verbatim in a customer turn. */
export interface ScenarioPii {
  type: 'card' | 'email' | 'phone' | 'ssn' | 'name' | 'address' | 'dob' | 'iban';
  value: string;
}

/** A scripted contact-center conversation. */
export interface Scenario {
  key: string;
  mediaType: 'voice' | 'message' | 'email';
  language: string;
  /** Email subject (email scenarios). */
  subject?: string;
  turns: ScenarioTurn[];
  pii: ScenarioPii[];
}

/** Options of startGenesysSim. */
export interface SimOptions {
  /** @default 0 (ephemeral) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 'sim-client-id' */
  clientId?: string;
  /** @default 'sim-client-secret' */
  clientSecret?: string;
  /** @default DEFAULT_QUEUES (3 queues with fixed UUIDs) */
  queues?: SimQueue[];
  /** Interval of `channel.metadata` heartbeats. @default 30000 */
  heartbeatIntervalMs?: number;
  /** `expires_in` of issued tokens. @default 86399 */
  tokenTtlSeconds?: number;
  /** Notification channel lifetime. @default 86400000 (24 h) */
  channelTtlMs?: number;
  /** Requests per token per minute; 0 disables the budget. @default 300 */
  rateLimitPerMinute?: number;
  /**
   * Time every /api/v2 call takes before it is answered. The real API answers in tens of milliseconds (more under
   * load); 0 answers at once, which hides any ordering that depends on calls taking time. @default 0
   */
  apiLatencyMs?: number;
  /** How long after a conversation ends its voice transcript becomes available. @default 0 */
  transcriptDelayMs?: number;
  /** Lifetime of pre-signed transcript URLs (X-Amz-Expires). @default 600000 */
  transcriptUrlTtlMs?: number;
  /**
   * Queue snapshots carry explicit `null` for absent optional fields (nothing in the docs guarantees Genesys omits
   * them). @default false
   */
  nullFields?: boolean;
  /**
   * GET /api/v2/conversations/{id} `endTime` and analytics `conversationEnd` are only set once the agent's wrap-up is
   * applied, instead of when the agent leaves (docs/genesys.md §6 leaves this open). @default false
   */
  endTimeAfterAcw?: boolean;
  /** Time between the agent leaving and applying the wrap-up (ACW), after endConversation. @default 0 */
  wrapupDelayMs?: number;
  /**
   * Voice transcripts as Speech & Text Analytics writes them: lower case, no punctuation, numbers, dates, amounts and
   * e-mail addresses spoken (src/sim/asr.ts). false serves each scenario's written text as it is. @default true
   */
  asrVoice?: boolean;
  /** Seed of the deterministic id/timing generator. @default 1 */
  seed?: number;
  logger?: Logger;
}

/** A simulated conversation as seen by the test code. */
export interface SimConversation {
  id: string;
  queueId: string;
  mediaType: 'voice' | 'message' | 'email';
  /**
   * The scenario as played: for voice with ASR on, its turns and planted `pii` values in the spoken form the
   * transcript carries ("four one one one …"), so a check for planted values looks for what was actually served.
   */
  scenario: Scenario;
  startTime: string;
  endTime: string | null;
}

/** Options of startConversation / playConversation. */
export interface StartConversationOptions {
  /** A scenario or a built-in scenario key. @default next built-in scenario (round robin) */
  scenario?: Scenario | string;
  /** @default the first queue */
  queueId?: string;
  /** Conversation start. @default now minus the scripted duration (so every turn lies in the past) */
  startTime?: Date;
  /** Voice only: transcribe as ASR text (see SimOptions.asrVoice). @default the simulator's asrVoice */
  asr?: boolean;
}

export interface PlayConversationOptions extends StartConversationOptions {
  /** Wall-clock time between start and end. @default 50 */
  durationMs?: number;
}

/** Fault injection controls. */
export interface SimFaults {
  /** The next `count` /api/v2 calls get 429 with Retry-After. @default retryAfterSeconds 1 */
  rateLimitNext(count: number, retryAfterSeconds?: number): void;
  /** The next `count` /api/v2 calls (under `pathPrefix` if given) get a 5xx ErrorBody. @default status 503 */
  failNext(count: number, status?: number, pathPrefix?: string): void;
  /** /oauth/token answers 503 for `ms`. */
  tokenDownFor(ms: number): void;
  /** Terminates every open socket abruptly (no close frame). */
  dropSockets(): void;
  /** Sends v2.system.socket_closing to every socket, closes them after graceMs (capped at 60000). @default 60000 */
  socketClosing(graceMs?: number): void;
  /**
   * Stops heartbeats and pongs while true. With `dropEvents`, notifications vanish too: a half-open socket that
   * looks open to both ends but carries nothing (only the client's liveness watchdog can notice).
   * @default dropEvents false
   */
  silenceHeartbeats(silent: boolean, options?: { dropEvents?: boolean }): void;
  /** Every channel expires now: sockets closed, REST calls on them 404. */
  expireChannels(): void;
  /**
   * Sends `v2.system.no_longer_subscribed.{channelId}` (SystemMessageSystemMessage-like body, reason
   * another_channel_subscribed) to each connected channel (or only `channelId`), then drops that channel's
   * subscriptions: nothing more is delivered on it and GET …/subscriptions lists none. The socket stays open.
   */
  noLongerSubscribed(channelId?: string): void;
  /**
   * Sends `v2.system.token_revoked.{channelId}` (reason user_tokens_revoked) to every connected socket and revokes every
   * issued token: API calls with them get 401 until the client logs in again.
   */
  tokenRevoked(): void;
}

export interface SimStats {
  requests: Array<{ method: string; path: string; status: number }>;
  socketsOpened: number;
  tokensIssued: number;
}

/** A running simulator. */
export interface GenesysSim {
  /** http://127.0.0.1:PORT — use as GENESYS_GATEWAY_URL. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly queues: SimQueue[];
  /** The built-in scenario library. */
  readonly scenarios: Scenario[];
  /** Creates a conversation and publishes its start snapshots. */
  startConversation(opts?: StartConversationOptions): SimConversation;
  /** Customer hangs up, agent disconnects, ACW, wrap-up: publishes snapshots (with duplicates) and detail events. */
  endConversation(id: string): void;
  /** start, wait durationMs, a "during" snapshot, end. */
  playConversation(opts?: PlayConversationOptions): Promise<SimConversation>;
  getConversation(id: string): SimConversation | undefined;
  readonly faults: SimFaults;
  readonly stats: SimStats;
  connectedSockets(): number;
  /** Closes the http server, every socket and every timer. */
  close(): Promise<void>;
}
