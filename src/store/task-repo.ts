// Task persistence in Keyv: task records, idempotency keys, the open-task index and terminal counters.
import type { Keyv } from 'keyv';
import { z } from 'zod';
import { TaskRecordSchema, type TaskRecord } from '../domain.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { issuePaths, storeCall } from './store-call.js';

const OPEN_INDEX_KEY = 'index:open';
const COUNTERS_KEY = 'counters:terminal';
const OpenIndexSchema = z.array(z.string());
const CountersSchema = z.object({ completed: z.number().int(), failed: z.number().int(), skipped: z.number().int().default(0) });

/** Lifetime totals of tasks that reached a terminal status (decremented when a task is re-queued). */
export type TerminalCounters = z.infer<typeof CountersSchema>;

/** Raw reads and writes of the queue's keys; no locking here (the queue serializes). */
export interface TaskRepo {
  /** The task, or undefined when missing, expired or unreadable (unreadable ones are reported). */
  read(taskId: string): Promise<TaskRecord | undefined>;
  write(task: TaskRecord, ttlMs?: number): Promise<void>;
  taskIdForKey(idempotencyKey: string): Promise<string | undefined>;
  setKey(idempotencyKey: string, taskId: string, ttlMs?: number): Promise<void>;
  /** Ids of pending and processing tasks, oldest enqueue first. */
  openIds(): Promise<string[]>;
  setOpenIds(ids: string[]): Promise<void>;
  counters(): Promise<TerminalCounters>;
  setCounters(counters: TerminalCounters): Promise<void>;
}

/** Creates the repo over the 'tasks' namespace. */
export function createTaskRepo(keyv: Keyv, logger: Logger): TaskRepo {
  async function read(taskId: string): Promise<TaskRecord | undefined> {
    const raw: unknown = await storeCall('read', () => keyv.get(`task:${taskId}`));
    if (raw === undefined || raw === null) return undefined;
    const parsed = TaskRecordSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    logger.warn({ taskId, issues: issuePaths(parsed.error.issues) }, 'stored task record is unreadable; skipped');
    return undefined;
  }

  async function readList<T>(key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
    const raw: unknown = await storeCall('read', () => keyv.get(key));
    if (raw === undefined || raw === null) return fallback;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    logger.warn({ key, issues: issuePaths(parsed.error.issues) }, 'stored queue metadata is unreadable; reset');
    return fallback;
  }

  return {
    read,
    write: async (task, ttlMs) => {
      const parsed = TaskRecordSchema.safeParse(task);
      if (!parsed.success) {
        throw new AppError('STORE_RECORD_INVALID', 'task record does not match the schema', {
          details: { issues: issuePaths(parsed.error.issues) },
        });
      }
      await storeCall('write', () => keyv.set(`task:${task.task_id}`, parsed.data, ttlMs));
    },
    taskIdForKey: async (idempotencyKey) => {
      const raw: unknown = await storeCall('read', () => keyv.get(`key:${idempotencyKey}`));
      return typeof raw === 'string' ? raw : undefined;
    },
    setKey: async (idempotencyKey, taskId, ttlMs) => {
      await storeCall('write', () => keyv.set(`key:${idempotencyKey}`, taskId, ttlMs));
    },
    openIds: () => readList(OPEN_INDEX_KEY, OpenIndexSchema, []),
    setOpenIds: async (ids) => {
      await storeCall('write', () => keyv.set(OPEN_INDEX_KEY, ids));
    },
    counters: () => readList(COUNTERS_KEY, CountersSchema, { completed: 0, failed: 0, skipped: 0 }),
    setCounters: async (counters) => {
      await storeCall('write', () => keyv.set(COUNTERS_KEY, counters));
    },
  };
}
