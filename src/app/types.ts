// The composition root's shared shapes: the running service, its core parts, its intake, and what closes them.
import type { Backfill, SummaryService, Worker } from '../pipeline/index.js';
import type { KeyvBackend, SummaryInvalidation } from '../store/index.js';
import type { Dispatcher } from '../deliveries/index.js';
import type { GenesysClient } from '../genesys/rest/index.js';
import type { NotificationSubscriber } from '../genesys/notifications/index.js';
import type { ConversationSource, SettleHook, SummaryChanges, SummaryEngine } from '../ports.js';
import type { Observability } from './observability.js';
import type { ClosableDeliveryQueue, ClosableTaskQueue } from './replicas.js';

export interface Wrapup {
  /** Base URL of the HTTP API once started. */
  readonly url: string;
  readonly service: SummaryService;
  /**
   * Graceful stop within `deadlineMs` in all (each step gets what remains): intake → HTTP (long-polls answered at
   * once) → in-flight tasks → store. Tasks still running at the deadline stay persisted and resume on the next start.
   * @default 8000
   */
  stop(deadlineMs?: number): Promise<void>;
}

export type Closer = () => Promise<unknown>;

export interface Core {
  backend: KeyvBackend;
  queue: ClosableTaskQueue;
  genesys: GenesysClient;
  engine: SummaryEngine;
  worker: Worker;
  service: SummaryService;
  /** Tells the other replicas a summary was replaced; a memory tier subscribes with onReplaced(). */
  invalidation: SummaryInvalidation;
  /** REPLICA_ID, else hostname:pid. */
  replicaId: string;
  /** Metrics and the dashboard feed. */
  obs: Observability;
  /** The Genesys conversation source (the dashboard re-reads transcripts through it). */
  source: ConversationSource;
  /** PII allow patterns (config/pii.json), read once. */
  piiAllow: readonly RegExp[];
  /** Announces every summary write (the HTTP memory tier follows it). */
  summaryChanges: SummaryChanges;
  deliveries: Deliveries;
}

/** Outbound webhooks: their queue, the worker's before-settle outbox, and the dispatcher that sends them. */
export interface Deliveries {
  queue: ClosableDeliveryQueue;
  outbox: SettleHook;
  dispatcher: Dispatcher;
}

/** The notification channels and the backfill of what they missed, while they run on this replica. */
export interface Channels {
  subscriber: NotificationSubscriber;
  backfill: Backfill;
  /** How many queues are watched (discovered or configured). */
  queues: number;
  /** Stops the backfill, then the sockets, within `deadlineMs`. */
  stop(deadlineMs: number): Promise<void>;
}

/** Who runs the channels: `replica` is this one, `holder` the one holding them now (undefined: none right now). */
export interface ChannelRole {
  replica: string;
  holder: string | undefined;
  /** True when the channels go by a lease in Redis (several replicas). */
  leased: boolean;
}

export interface Intake {
  /** The channels while this replica runs them (always on a single replica), else undefined. */
  channels(): Channels | undefined;
  role(): Promise<ChannelRole>;
  /** Stops the channels (if they run here) and, with a lease, stops competing and releases it. */
  stop(deadlineMs: number): Promise<void>;
}
