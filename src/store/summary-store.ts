// Summary store: SummaryRecords in Keyv, keyed by conversation id (the default-length summary) or by conversation id and
// length (one made at another length, stored beside it), zod-validated on write and parsed (or migrated) on read, plus
// an index of the conversation ids written (for bounded re-runs such as rerun-stale). Every write is announced on the
// SummaryChanges port, so caches in front of the store (the HTTP memory tier) drop or refill what they hold.
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { SummaryRecordSchema, type SummaryRecord } from '../domain.js';
import { type SummaryChanges, type SummaryStore } from '../ports.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex } from './async-mutex.js';
import { issuePaths, storeCall } from './store-call.js';

/** The SummaryStore port plus the id index. */
export interface IndexedSummaryStore extends SummaryStore {
  /**
   * Conversation ids of every record written through this store since the index existed, oldest first. Some may
   * have expired since (get() then misses); records written before the index existed are not listed.
   */
  listIds(): Promise<string[]>;
}

/**
 * The index: per UTC day of writes, chunks of at most INDEX_CHUNK ids (`__index__:ids:YYYY-MM-DD`, then `…#2`, `…#3`;
 * `__index__:chunks:YYYY-MM-DD` counts them), expiring a day after the records they list, and one key listing the
 * days. A write rewrites one bounded chunk, not the day's whole list (which made a day of 100,000 writes quadratic).
 * Conversation ids are UUIDs, so no index key can collide with a record.
 */
export const INDEX_DAYS_KEY = '__index__:days';
export const INDEX_CHUNK = 1000;
const dayKey = (day: string, chunk = 1): string => `__index__:ids:${day}${chunk > 1 ? `#${chunk}` : ''}`;
const chunksKey = (day: string): string => `__index__:chunks:${day}`;
const CountSchema = z.number().int().positive();
/** A summary made at a length other than the default one, beside the conversation's summary (ids are UUIDs). */
const lengthKey = (conversationId: string, maxLength: number): string => `${conversationId}:len${maxLength}`;
const IdListSchema = z.array(z.string());
const DAY_MS = 86_400_000;

export interface SummaryStoreOptions {
  /** The 'summaries' namespace of the store. */
  keyv: Keyv;
  /** How long a summary is kept, in milliseconds; 0 or undefined keeps it forever. @default undefined */
  ttlMs?: number;
  /**
   * The length of the conversation's own summary (SUMMARY_MAX_LENGTH): a record made at this length replaces it, one
   * made at any other length is stored beside it and never replaces it.
   */
  defaultMaxLength: number;
  logger: Logger;
  /** Told of every write (after it succeeded), for the caches in front of the store. @default none */
  changes?: SummaryChanges | undefined;
  /**
   * Serializes the index's read-modify-write of its chunks among every writer of the store. Pass the backend's
   * `exclusive` (KeyvBackend) where several replicas write one redis:// store, or two of them writing summaries of
   * the same day at once can each drop the other's id. @default an in-process mutex (one writer process)
   */
  exclusive?: (<T>(name: string, fn: () => Promise<T>) => Promise<T>) | undefined;
}

const CURRENT_VERSION = 2;

const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** v0 (no schema_version) → v1: fields stored since v1 get neutral defaults. */
function fromV0(record: Record<string, unknown>): Record<string, unknown> {
  return {
    quality: {},
    redactions: {},
    stage_latency_ms: {},
    repaired: false,
    turn_count: 0,
    template: { id: 'unknown', version: '0', hash: '' },
    media_type: 'unknown',
    ...record,
    schema_version: 1,
  };
}

/** A headline from the intent: one line, at most 80 characters, cut at a word. */
function headlineFrom(intent: unknown): unknown {
  if (typeof intent !== 'string') return intent;
  const flat = intent.replace(/\s+/g, ' ').trim().replace(/[.!]+$/, '');
  if (flat.length <= 80) return flat;
  const cut = flat.slice(0, 79);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40))}…`;
}

/**
 * v1 → v2 without inventing content: the free-text resolution keeps its text with status `unknown`; follow-ups
 * become agent-owned actions without a due date; the one sentiment is both start and end; the headline is the
 * intent; no topics, entities, wrap-up code or confidence; language `und` (undetermined) when none was recorded.
 */
function fromV1(r: Record<string, unknown>): Record<string, unknown> {
  const sentiment = r.sentiment;
  return {
    ...r,
    schema_version: 2,
    headline: headlineFrom(r.intent),
    resolution: typeof r.resolution === 'string' ? { status: 'unknown', text: r.resolution } : r.resolution,
    follow_up_actions: Array.isArray(r.follow_up_actions)
      ? r.follow_up_actions.map((a) => (typeof a === 'string' ? { action: a, owner: 'agent', due: null } : a))
      : r.follow_up_actions,
    sentiment: typeof sentiment === 'string' ? { start: sentiment, end: sentiment } : sentiment,
    topics: [],
    entities: [],
    language: typeof r.language === 'string' && r.language.length >= 2 ? r.language : 'und',
    wrapup_code: null,
  };
}

/**
 * Brings an older stored shape up to the current schema (v0 → v1 → v2) when that is possible without inventing
 * content. Unknown shapes are returned unchanged (the caller's parse then reports them).
 */
export function migrateSummaryRecord(raw: unknown): unknown {
  if (!obj(raw)) return raw;
  const version = typeof raw.schema_version === 'number' ? raw.schema_version : 0;
  if (version >= CURRENT_VERSION) return raw;
  const v1 = version < 1 ? fromV0(raw) : raw;
  return fromV1(v1);
}

/** What the store's functions share: the namespace, the settings and the lock of the id index. */
interface SummaryStoreContext {
  readonly keyv: Keyv;
  readonly logger: Logger;
  readonly defaultMaxLength: number;
  /** Summary TTL in ms; undefined keeps them forever. */
  readonly ttl: number | undefined;
  /** Serializes the index's read-modify-write of its day lists (across replicas when the store is shared). */
  readonly indexLock: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly changes: SummaryChanges | undefined;
}

/** Creates the Keyv-backed SummaryStore. Store outages throw AppError STORE_UNAVAILABLE; bad records read as misses. */
export function createSummaryStore(options: SummaryStoreOptions): IndexedSummaryStore {
  const ctx: SummaryStoreContext = {
    keyv: options.keyv,
    logger: options.logger,
    defaultMaxLength: options.defaultMaxLength,
    ttl: options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined,
    indexLock: indexLockOf(options),
    changes: options.changes,
  };
  return {
    get: (conversationId, maxLength) => get(ctx, conversationId, maxLength),
    put: (record) => put(ctx, record),
    ping: () => ping(ctx),
    listIds: () => listIds(ctx),
  };
}

function indexLockOf(options: SummaryStoreOptions): <T>(fn: () => Promise<T>) => Promise<T> {
  const { exclusive } = options;
  if (exclusive) return (fn) => exclusive('summary-index', fn);
  const mutex = createAsyncMutex();
  return (fn) => mutex.run(fn);
}

const keyOf = (ctx: SummaryStoreContext, conversationId: string, maxLength: number | undefined): string =>
  maxLength === undefined || maxLength === ctx.defaultMaxLength ? conversationId : lengthKey(conversationId, maxLength);

async function get(ctx: SummaryStoreContext, conversationId: string, maxLength?: number): Promise<SummaryRecord | undefined> {
  const raw: unknown = await storeCall('read', () => ctx.keyv.get(keyOf(ctx, conversationId, maxLength)));
  if (raw === undefined || raw === null) return undefined;
  const parsed = SummaryRecordSchema.safeParse(migrateSummaryRecord(raw));
  if (!parsed.success) {
    ctx.logger.warn(
      { conversationId, issues: issuePaths(parsed.error.issues) },
      'stored summary record is unreadable; treating as missing',
    );
    return undefined;
  }
  return parsed.data;
}

async function put(ctx: SummaryStoreContext, record: SummaryRecord): Promise<void> {
  const parsed = SummaryRecordSchema.safeParse(record);
  if (!parsed.success) {
    throw new AppError('STORE_RECORD_INVALID', 'summary record does not match the schema', {
      details: { issues: issuePaths(parsed.error.issues) },
    });
  }
  const key = keyOf(ctx, parsed.data.conversation_id, parsed.data.max_length);
  await storeCall('write', () => ctx.keyv.set(key, parsed.data, ctx.ttl));
  ctx.changes?.replaced(parsed.data.conversation_id, parsed.data);
  // The index lists conversations; a summary beside the default one is found through its conversation.
  if (key !== parsed.data.conversation_id) return;
  await ctx.indexLock(() => addToIndex(ctx, parsed.data.conversation_id, new Date().toISOString().slice(0, 10)));
}

async function readList(ctx: SummaryStoreContext, key: string): Promise<string[] | undefined> {
  const raw: unknown = await storeCall('read', () => ctx.keyv.get(key));
  if (raw === undefined || raw === null) return undefined;
  const parsed = IdListSchema.safeParse(raw);
  if (!parsed.success) ctx.logger.warn({ key, issues: issuePaths(parsed.error.issues) }, 'summary id index entry is unreadable; ignoring it');
  return parsed.success ? parsed.data : undefined;
}

async function chunkCount(ctx: SummaryStoreContext, day: string): Promise<number> {
  const raw: unknown = await storeCall('read', () => ctx.keyv.get(chunksKey(day)));
  const parsed = CountSchema.safeParse(raw);
  return parsed.success ? parsed.data : 1;
}

/** Appends to the day's last chunk, or starts the next one when it is full. An id written twice a day may be listed twice. */
async function addToIndex(ctx: SummaryStoreContext, conversationId: string, day: string): Promise<void> {
  const { keyv } = ctx;
  const ttl = ctx.ttl === undefined ? undefined : ctx.ttl + DAY_MS;
  const days = (await readList(ctx, INDEX_DAYS_KEY)) ?? [];
  if (!days.includes(day)) await storeCall('write', () => keyv.set(INDEX_DAYS_KEY, [...days, day]));
  let chunk = await chunkCount(ctx, day);
  let ids = (await readList(ctx, dayKey(day, chunk))) ?? [];
  if (ids.includes(conversationId)) return;
  if (ids.length >= INDEX_CHUNK) {
    chunk += 1;
    ids = [];
    await storeCall('write', () => keyv.set(chunksKey(day), chunk, ttl));
  }
  const list = [...ids, conversationId];
  await storeCall('write', () => keyv.set(dayKey(day, chunk), list, ttl));
}

/** Every id in the live day lists, oldest first; days whose list expired are dropped from the day list. */
async function listIds(ctx: SummaryStoreContext): Promise<string[]> {
  return ctx.indexLock(async () => {
    const days = (await readList(ctx, INDEX_DAYS_KEY)) ?? [];
    const live: string[] = [];
    const ids = new Set<string>();
    for (const day of days) {
      const first = await readList(ctx, dayKey(day));
      if (first === undefined) continue;
      live.push(day);
      for (const id of first) ids.add(id);
      const chunks = await chunkCount(ctx, day);
      for (let chunk = 2; chunk <= chunks; chunk++) for (const id of (await readList(ctx, dayKey(day, chunk))) ?? []) ids.add(id);
    }
    if (live.length !== days.length) await storeCall('write', () => ctx.keyv.set(INDEX_DAYS_KEY, live));
    return [...ids];
  });
}

async function ping(ctx: SummaryStoreContext): Promise<boolean> {
  try {
    await ctx.keyv.get('__ping__');
    return true;
  } catch {
    return false;
  }
}
