// The memory tier in front of the summary store, for the HTTP read of a conversation's default-length summary: each
// answer held already serialized (bytes plus a strong ETag), bounded by entries and by bytes (lru-cache: the least
// recently read goes first). Filled on write (the store's replacement notice carries the record) and on first read;
// a notice without a record (another replica's write) drops the entry. A read that overlaps a replacement never
// fills, so the tier cannot keep what the store no longer holds; nor past the summary's expiry (created_at + TTL).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { SummaryRecord } from '../domain.js';
import type { SummaryChanges } from '../ports.js';

/** One answer, ready to write. */
export interface CachedResponse {
  /** The serialized answer (its own memory: never a slice of a shared pool that an evicted entry would pin). */
  readonly body: Buffer;
  /** A strong validator of exactly these bytes: `"<32 base64url characters of their SHA-256>"`. */
  readonly etag: string;
}

export interface SummaryResponseCacheOptions {
  /** Most answers held; 0 turns the tier off (every read renders what the store returns). */
  maxEntries: number;
  /** Most bytes held: each answer's body plus ENTRY_OVERHEAD_BYTES for its key, ETag and bookkeeping. */
  maxBytes: number;
  /**
   * The store's summary TTL (SUMMARY_TTL_SECONDS) in ms: an answer is held at most until its record's `created_at`
   * plus this (set just before the write, so never after the store drops it). 0 or undefined: no expiry.
   */
  ttlMs?: number | undefined;
  /** SUMMARY_MAX_LENGTH: written records at any other length never touch the tier. */
  defaultMaxLength: number;
  /** The store's replacement notices. */
  changes: SummaryChanges;
  /** The answer's text for a record the default read serves. */
  render(record: SummaryRecord): string;
  /** True when the default read serves this written record as it is (so a write may fill the tier with it). */
  servesAsIs(record: SummaryRecord): boolean;
}

export interface SummaryResponseCache {
  /** The held answer, or undefined (no promise, no allocation on a hit). */
  get(conversationId: string): CachedResponse | undefined;
  /**
   * The held answer, else the one rendered from `read()` (the store's record, parsed), which is then held unless a
   * replacement of the conversation was announced meanwhile. Concurrent misses of one conversation share one read.
   */
  load(conversationId: string, read: () => Promise<SummaryRecord | undefined>): Promise<CachedResponse | undefined>;
  /** Answers held, and their bytes as counted against maxBytes. */
  stats(): { entries: number; bytes: number };
  /** Stops following replacement notices and drops every entry. */
  close(): void;
}

/** Bytes counted per entry besides its body: key, ETag, the entry object and the LRU's slots. */
export const ENTRY_OVERHEAD_BYTES = 256;

/** The answer for `text`, with its ETag. */
export function toCachedResponse(text: string): CachedResponse {
  const length = Buffer.byteLength(text);
  const body = Buffer.allocUnsafeSlow(length);
  body.write(text);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

interface PendingRead {
  promise: Promise<CachedResponse | undefined>;
  /** False once a replacement was announced while the read was under way. */
  fresh: boolean;
}

/** The notice that any summary may have changed (a replica lost its invalidation channel for a while): drop all. */
export const ALL_SUMMARIES = '*';

/** Creates the tier and subscribes it to the replacement notices. */
export function createSummaryResponseCache(options: SummaryResponseCacheOptions): SummaryResponseCache {
  const lru =
    options.maxEntries > 0
      ? new LRUCache<string, CachedResponse>({
          max: options.maxEntries,
          maxSize: options.maxBytes,
          sizeCalculation: (value) => value.body.byteLength + ENTRY_OVERHEAD_BYTES,
        })
      : undefined;
  const pending = new Map<string, PendingRead>();
  const ttlMs = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;
  /** Holds `response` for what remains of the record's life (nothing when that is over). */
  const hold = (conversationId: string, record: SummaryRecord, response: CachedResponse): void => {
    if (!lru) return;
    if (ttlMs === undefined) {
      lru.set(conversationId, response);
      return;
    }
    const left = Date.parse(record.created_at) + ttlMs - Date.now();
    if (left > 0) lru.set(conversationId, response, { ttl: left });
    else lru.delete(conversationId);
  };

  const unsubscribe = options.changes.onReplaced((conversationId, record) => {
    if (conversationId === ALL_SUMMARIES) {
      for (const reading of pending.values()) reading.fresh = false;
      pending.clear();
      lru?.clear();
      return;
    }
    // A summary at another length is stored beside the default one: the default read does not change.
    if (record && record.max_length !== options.defaultMaxLength) return;
    const reading = pending.get(conversationId);
    if (reading) {
      reading.fresh = false;
      pending.delete(conversationId);
    }
    if (record && options.servesAsIs(record)) hold(conversationId, record, toCachedResponse(options.render(record)));
    else lru?.delete(conversationId);
  });

  function load(conversationId: string, read: () => Promise<SummaryRecord | undefined>): Promise<CachedResponse | undefined> {
    const held = lru?.get(conversationId);
    if (held) return Promise.resolve(held);
    const joined = pending.get(conversationId);
    if (joined) return joined.promise;
    const entry: PendingRead = { fresh: true, promise: Promise.resolve(undefined) };
    entry.promise = (async () => {
      try {
        const record = await read();
        if (!record) return undefined;
        const response = toCachedResponse(options.render(record));
        if (entry.fresh) hold(conversationId, record, response);
        return response;
      } finally {
        if (pending.get(conversationId) === entry) pending.delete(conversationId);
      }
    })();
    pending.set(conversationId, entry);
    return entry.promise;
  }

  return {
    get: (conversationId) => lru?.get(conversationId),
    load,
    stats: () => ({ entries: lru?.size ?? 0, bytes: lru?.calculatedSize ?? 0 }),
    close() {
      unsubscribe();
      lru?.clear();
    },
  };
}
