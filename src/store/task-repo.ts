// Task persistence in Keyv: task records, idempotency keys, open-task markers (slots), terminal counters and the
// legacy `index:open` list (read once for migration).
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { TaskRecordSchema, type TaskRecord } from '../domain.js';
import type { QueueRecord } from './open-index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { issuePaths, storeCall } from './store-call.js';

const LEGACY_OPEN_INDEX_KEY = 'index:open';
const COUNTERS_KEY = 'counters:terminal';
const CAPACITY_KEY = 'open:capacity';
const slotKey = (slot: number): string => `open:slot:${slot}`;
/** Keys per getMany/setMany round trip (the SQLite adapter matches rows in O(batch²)). */
const BATCH = 500;

const TaskStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed', 'skipped']);
const LegacyIndexSchema = z.array(z.string());
const SlotSchema = z.object({ id: z.string().min(1), seq: z.number().int().nonnegative() });
const CountersSchema = z.object({
  completed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int().default(0),
  /** The last counter change, written BEFORE the task record it accounts for (undone at load if that write is missing). */
  last: z
    .object({ task_id: z.string(), from: TaskStatusSchema, to: TaskStatusSchema, prev_updated_at: z.string() })
    .optional(),
});

/** Lifetime totals of tasks that reached a terminal status (decremented when a task is re-queued). */
export type TerminalCounters = z.infer<typeof CountersSchema>;
/** One open-task marker: the task id and its position in the order tasks were opened. */
export type OpenSlot = z.infer<typeof SlotSchema>;

/** Raw reads and writes of a queue's keys; no locking here (the queue serializes). */
export interface QueueRepo<R extends QueueRecord> {
  /** The task, or undefined when missing, expired or unreadable (unreadable ones are reported). */
  read(taskId: string): Promise<R | undefined>;
  /** Like read, for many ids, in batches. */
  readMany(taskIds: readonly string[]): Promise<Array<R | undefined>>;
  write(task: R, ttlMs?: number): Promise<void>;
  taskIdForKey(idempotencyKey: string): Promise<string | undefined>;
  setKey(idempotencyKey: string, taskId: string, ttlMs?: number): Promise<void>;
  /** Slots at or above this are unused: load reads slots [0, capacity). Undefined when missing or unreadable. */
  capacity(): Promise<number | undefined>;
  setCapacity(capacity: number): Promise<void>;
  /** The markers in slots [from, count); undefined for empty or unreadable slots. @param from @default 0 */
  readSlots(count: number, from?: number): Promise<Array<OpenSlot | undefined>>;
  writeSlots(entries: ReadonlyArray<{ slot: number; value: OpenSlot }>): Promise<void>;
  deleteSlots(slots: readonly number[]): Promise<void>;
  /** The open-task list of versions before slots, or undefined when there is none. */
  legacyOpenIds(): Promise<string[] | undefined>;
  deleteLegacyOpenIds(): Promise<void>;
  counters(): Promise<TerminalCounters>;
  setCounters(counters: TerminalCounters): Promise<void>;
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/** The summary tasks' repo. */
export type TaskRepo = QueueRepo<TaskRecord>;

/** A zod schema whose output is a queue record (its input may be an older shape it migrates). */
export type RecordSchema<R extends QueueRecord> = z.ZodType<R, unknown>;

/** Creates the repo over the 'tasks' namespace. */
export function createTaskRepo(keyv: Keyv, logger: Logger): TaskRepo {
  return createQueueRepo(keyv, logger, TaskRecordSchema);
}

/** Creates a queue's repo over its namespace; records are parsed with `schema` on every read and before every write. */
export function createQueueRepo<R extends QueueRecord>(keyv: Keyv, logger: Logger, schema: RecordSchema<R>): QueueRepo<R> {
  const ns: Namespace<R> = { keyv, logger, schema };
  return {
    read: async (taskId) => parseTask(ns, await storeCall('read', () => keyv.get(`task:${taskId}`)), taskId),
    readMany: (taskIds) => readMany(ns, taskIds),
    write: (task, ttlMs) => writeTask(ns, task, ttlMs),
    taskIdForKey: async (idempotencyKey) => {
      const raw: unknown = await storeCall('read', () => keyv.get(`key:${idempotencyKey}`));
      return typeof raw === 'string' ? raw : undefined;
    },
    setKey: async (idempotencyKey, taskId, ttlMs) => {
      await storeCall('write', () => keyv.set(`key:${idempotencyKey}`, taskId, ttlMs));
    },
    capacity: () => readValue(ns, CAPACITY_KEY, z.number().int().nonnegative()),
    setCapacity: async (capacity) => {
      await storeCall('write', () => keyv.set(CAPACITY_KEY, capacity));
    },
    readSlots: (count, from) => readSlots(ns, count, from),
    writeSlots: async (entries) => {
      for (const batch of batches(entries)) {
        await storeCall('write', () => Promise.all(batch.map(async ({ slot, value }) => keyv.set(slotKey(slot), value))));
      }
    },
    deleteSlots: async (slots) => {
      for (const batch of batches(slots)) {
        await storeCall('write', () => Promise.all(batch.map(async (slot) => keyv.delete(slotKey(slot)))));
      }
    },
    legacyOpenIds: () => readValue(ns, LEGACY_OPEN_INDEX_KEY, LegacyIndexSchema),
    deleteLegacyOpenIds: async () => {
      await storeCall('write', () => keyv.delete(LEGACY_OPEN_INDEX_KEY));
    },
    counters: async () => (await readValue(ns, COUNTERS_KEY, CountersSchema)) ?? { completed: 0, failed: 0, skipped: 0 },
    setCounters: async (counters) => {
      await storeCall('write', () => keyv.set(COUNTERS_KEY, counters));
    },
  };
}

/** The namespace, where unreadable records are reported, and the record schema. */
interface Namespace<R extends QueueRecord = QueueRecord> {
  readonly keyv: Keyv;
  readonly logger: Logger;
  readonly schema: RecordSchema<R>;
}

/** keyv.getMany swallows per-key errors when the store has no getMany of its own: fall back to single gets. */
async function getMany({ keyv }: Pick<Namespace, 'keyv'>, keys: string[]): Promise<unknown[]> {
  if (keys.length === 0) return [];
  const store = keyv.store as { getMany?: unknown };
  return storeCall('read', async () =>
    typeof store.getMany === 'function' ? keyv.getMany(keys) : Promise.all(keys.map(async (key) => keyv.get(key))),
  );
}

function parseTask<R extends QueueRecord>({ logger, schema }: Namespace<R>, raw: unknown, taskId: string): R | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  logger.warn({ taskId, issues: issuePaths(parsed.error.issues) }, 'stored task record is unreadable; skipped');
  return undefined;
}

async function readMany<R extends QueueRecord>(ns: Namespace<R>, taskIds: readonly string[]): Promise<Array<R | undefined>> {
  const out: Array<R | undefined> = [];
  for (const batch of batches(taskIds)) {
    const raws = await getMany(ns, batch.map((id) => `task:${id}`));
    batch.forEach((id, i) => out.push(parseTask(ns, raws[i], id)));
  }
  return out;
}

async function writeTask<R extends QueueRecord>({ keyv, schema }: Namespace<R>, task: R, ttlMs: number | undefined): Promise<void> {
  const parsed = schema.safeParse(task);
  if (!parsed.success) {
    throw new AppError('STORE_RECORD_INVALID', 'task record does not match the schema', {
      details: { issues: issuePaths(parsed.error.issues) },
    });
  }
  await storeCall('write', () => keyv.set(`task:${task.task_id}`, parsed.data, ttlMs));
}

async function readValue<T>({ keyv, logger }: Pick<Namespace, 'keyv' | 'logger'>, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const raw: unknown = await storeCall('read', () => keyv.get(key));
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  logger.warn({ key, issues: issuePaths(parsed.error.issues) }, 'stored queue metadata is unreadable; reset');
  return undefined;
}

async function readSlots(ns: Pick<Namespace, 'keyv' | 'logger'>, count: number, from = 0): Promise<Array<OpenSlot | undefined>> {
  const keys = Array.from({ length: Math.max(0, count - from) }, (_, i) => slotKey(from + i));
  const out: Array<OpenSlot | undefined> = [];
  for (const batch of batches(keys)) {
    for (const [i, raw] of (await getMany(ns, batch)).entries()) {
      const parsed = raw === undefined || raw === null ? undefined : SlotSchema.safeParse(raw);
      if (parsed && !parsed.success) ns.logger.warn({ key: batch[i] }, 'stored open-task marker is unreadable; dropped');
      out.push(parsed?.success ? parsed.data : undefined);
    }
  }
  return out;
}
