// Summary store: SummaryRecords in Keyv, keyed by conversation id, zod-validated on write and parsed (or migrated) on read.
import type { Keyv } from 'keyv';
import { SummaryRecordSchema, type SummaryRecord, type SummaryStore } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { issuePaths, storeCall } from './store-call.js';

export interface SummaryStoreOptions {
  /** The 'summaries' namespace of the store. */
  keyv: Keyv;
  /** How long a summary is kept, in milliseconds; 0 or undefined keeps it forever. @default undefined */
  ttlMs?: number;
  logger: Logger;
}

const CURRENT_VERSION = 1;

/**
 * Brings an older stored shape up to the current schema when that is possible without inventing content.
 * v0 (no schema_version): records written before quality breakdown, redaction counts, stage latencies, repair flag,
 * turn count and template provenance were stored; those get neutral defaults. Unknown shapes are returned unchanged
 * (the caller's parse then reports them).
 */
export function migrateSummaryRecord(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  const version = typeof record.schema_version === 'number' ? record.schema_version : 0;
  if (version >= CURRENT_VERSION) return raw;
  return {
    quality: {},
    redactions: {},
    stage_latency_ms: {},
    repaired: false,
    turn_count: 0,
    template: { id: 'unknown', version: '0', hash: '' },
    media_type: 'unknown',
    ...record,
    schema_version: CURRENT_VERSION,
  };
}

/** Creates the Keyv-backed SummaryStore. Store outages throw AppError STORE_UNAVAILABLE; bad records read as misses. */
export function createSummaryStore(options: SummaryStoreOptions): SummaryStore {
  const { keyv, logger } = options;
  const ttl = options.ttlMs && options.ttlMs > 0 ? options.ttlMs : undefined;

  async function get(conversationId: string): Promise<SummaryRecord | undefined> {
    const raw: unknown = await storeCall('read', () => keyv.get(conversationId));
    if (raw === undefined || raw === null) return undefined;
    const parsed = SummaryRecordSchema.safeParse(migrateSummaryRecord(raw));
    if (!parsed.success) {
      logger.warn(
        { conversationId, issues: issuePaths(parsed.error.issues) },
        'stored summary record is unreadable; treating as missing',
      );
      return undefined;
    }
    return parsed.data;
  }

  async function put(record: SummaryRecord): Promise<void> {
    const parsed = SummaryRecordSchema.safeParse(record);
    if (!parsed.success) {
      throw new AppError('STORE_RECORD_INVALID', 'summary record does not match the schema', {
        details: { issues: issuePaths(parsed.error.issues) },
      });
    }
    await storeCall('write', () => keyv.set(parsed.data.conversation_id, parsed.data, ttl));
  }

  async function ping(): Promise<boolean> {
    try {
      await keyv.get('__ping__');
      return true;
    } catch {
      return false;
    }
  }

  return { get, put, ping };
}
