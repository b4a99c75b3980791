// Checkpoint store: named epoch-ms marks (e.g. "the notification stream was healthy until T"), zod-parsed on read.
import type { Keyv } from 'keyv';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { storeCall } from './store-call.js';

const CheckpointSchema = z.object({ schema_version: z.literal(1), at: z.number().int().nonnegative(), updated_at: z.string() });

export interface CheckpointStore {
  /**
   * The mark; undefined when none was ever written; 0 when a record exists but is unreadable (logged), so a reader
   * falls back to its longest reach-back instead of treating it like a first start.
   */
  get(name: string): Promise<number | undefined>;
  set(name: string, atMs: number): Promise<void>;
}

/** Creates the store over the 'checkpoints' Keyv namespace. Checkpoints never expire. */
export function createCheckpointStore(options: { keyv: Keyv; logger: Logger }): CheckpointStore {
  const { keyv, logger } = options;
  return {
    async get(name) {
      const raw = await storeCall('read checkpoint', () => keyv.get(name));
      if (raw === undefined || raw === null) return undefined;
      const parsed = CheckpointSchema.safeParse(raw);
      if (!parsed.success) {
        logger.warn({ checkpoint: name, issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'unreadable checkpoint: reading it as 0');
        return 0;
      }
      return parsed.data.at;
    },
    async set(name, atMs) {
      const record = { schema_version: 1 as const, at: Math.floor(atMs), updated_at: new Date(atMs).toISOString() };
      await storeCall('write checkpoint', () => keyv.set(name, record));
    },
  };
}
