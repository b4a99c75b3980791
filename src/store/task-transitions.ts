// Status transitions of the task queue, in a crash-safe write order, and their side effects on the open-task index,
// the open markers, the terminal counters, TTLs and idempotency keys.
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { entryFor, type OpenEntry, type OpenIndex, type QueueRecord } from './open-index.js';
import { countersChange, isOpen, shiftCounters } from './task-counters.js';
import { roundUpToBlock } from './task-load.js';
import type { QueueRepo, TerminalCounters } from './task-repo.js';

/**
 * Write order (the invariant: every open task record has a marker in a slot below the persisted capacity):
 * - opening (enqueue, re-queue): counters → [capacity] → marker → idempotency key → record;
 * - closing (complete, fail, skip): counters → record (with TTL) → [key with TTL] → marker deleted;
 * - open to open (claim, retry later, recover): the record only.
 * Counters are written first with a stamp of the change; the load pass undoes it when the record write is missing.
 */
export interface Transitions<R extends QueueRecord> {
  /** Persists a new open task (marker first, record last) and indexes it. */
  open(task: R): Promise<void>;
  /** Writes `task` with `patch` applied and updated_at stamped; terminal tasks (and their keys) get the TTL. */
  save(task: R, patch: Partial<R>): Promise<R>;
  /** Makes memory follow the record when they disagree (record gone, finished, or in another state). */
  resync(entry: OpenEntry, task: R | undefined): Promise<void>;
  mustRead(taskId: string): Promise<R>;
  counters(): TerminalCounters;
  /** After a load: the persisted capacity and counters. */
  reset(capacity: number, counters: TerminalCounters): void;
}

/** The transitions' record: what they write through, and the capacity and counters last persisted. */
interface TransitionState<R extends QueueRecord> {
  readonly repo: QueueRepo<R>;
  readonly index: OpenIndex;
  readonly now: () => number;
  readonly ttlFor: (task: R) => number | undefined;
  readonly logger: Logger;
  /** Marker slots below this are reserved in the store (persisted before a marker goes above it). */
  capacity: number;
  counters: TerminalCounters;
}

/**
 * Creates the transitions over `repo`, keeping `index` in step (memory is updated after the writes succeed).
 * `ttlFor` says how long a task that has just become terminal (and its idempotency key) is kept; undefined: forever.
 */
export function createTransitions<R extends QueueRecord>(
  repo: QueueRepo<R>,
  index: OpenIndex,
  now: () => number,
  ttlFor: (task: R) => number | undefined,
  logger: Logger,
): Transitions<R> {
  const state: TransitionState<R> = { repo, index, now, ttlFor, logger, capacity: 0, counters: { completed: 0, failed: 0, skipped: 0 } };
  return {
    open: (task) => open(state, task),
    save: (task, patch) => save(state, task, patch),
    resync: (entry, task) => resync(state, entry, task),
    mustRead: (taskId) => mustRead(state, taskId),
    counters: () => ({ ...state.counters }),
    reset(nextCapacity, nextCounters) {
      state.capacity = nextCapacity;
      state.counters = { completed: nextCounters.completed, failed: nextCounters.failed, skipped: nextCounters.skipped };
    },
  };
}

async function open<R extends QueueRecord>(state: TransitionState<R>, task: R): Promise<void> {
  const { repo, index } = state;
  const slot = index.allocateSlot();
  const seq = index.nextSeq();
  if (slot >= state.capacity) {
    await repo.setCapacity(roundUpToBlock(slot + 1));
    state.capacity = roundUpToBlock(slot + 1);
  }
  await repo.writeSlots([{ slot, value: { id: task.task_id, seq } }]);
  await repo.setKey(task.idempotency_key, task.task_id);
  await repo.write(task);
  index.put(entryFor(task, slot, seq));
}

async function close<R extends QueueRecord>(state: TransitionState<R>, entry: OpenEntry): Promise<void> {
  await state.repo.deleteSlots([entry.slot]);
  state.index.remove(entry.taskId);
  state.index.releaseSlot(entry.slot);
}

async function recordCounters<R extends QueueRecord>(state: TransitionState<R>, task: R, updated: R): Promise<void> {
  if (!countersChange(task.status, updated.status)) return;
  const next = shiftCounters(state.counters, task.status, updated.status);
  const last = { task_id: task.task_id, from: task.status, to: updated.status, prev_updated_at: task.updated_at };
  await state.repo.setCounters({ ...next, last });
  state.counters = next;
}

async function save<R extends QueueRecord>(state: TransitionState<R>, task: R, patch: Partial<R>): Promise<R> {
  const { repo, index } = state;
  const updated: R = { ...task, ...patch, updated_at: new Date(state.now()).toISOString() };
  await recordCounters(state, task, updated);
  const entry = index.get(task.task_id);
  if (isOpen(updated.status)) {
    if (!entry) await open(state, updated);
    else {
      await repo.write(updated);
      index.put(entryFor(updated, entry.slot, entry.seq));
    }
    return updated;
  }
  const ttl = state.ttlFor(updated);
  await repo.write(updated, ttl);
  if (ttl !== undefined && isOpen(task.status)) await repo.setKey(updated.idempotency_key, updated.task_id, ttl);
  if (entry) await close(state, entry);
  return updated;
}

async function resync<R extends QueueRecord>(state: TransitionState<R>, entry: OpenEntry, task: R | undefined): Promise<void> {
  state.logger.warn({ taskId: entry.taskId, status: task?.status ?? 'missing' }, 'open-task index disagreed with the task record; followed the record');
  if (task && isOpen(task.status)) state.index.put(entryFor(task, entry.slot, entry.seq));
  else await close(state, entry);
}

async function mustRead<R extends QueueRecord>(state: TransitionState<R>, taskId: string): Promise<R> {
  const task = await state.repo.read(taskId);
  if (!task) throw new AppError('TASK_NOT_FOUND', `task ${taskId} not found`);
  return task;
}
