// Start-up pass of the task queue: rebuilds the open-task index from the markers (and the legacy `index:open` list),
// drops markers whose task is gone or finished, compacts the markers into slots [0, open count), repairs the counters.
import type { Logger } from '../logger.js';
import { entryFor, type OpenEntry, type QueueRecord } from './open-index.js';
import { isOpen, shiftCounters } from './task-counters.js';
import type { OpenSlot, QueueRepo, TerminalCounters } from './task-repo.js';

/** Capacity grows in blocks so that extending it is one write per block of enqueues, not per enqueue. */
export const SLOT_BLOCK = 64;
export const roundUpToBlock = (count: number): number => Math.ceil(count / SLOT_BLOCK) * SLOT_BLOCK;

/** What the queue needs in memory after loading. */
export interface LoadedTasks {
  entries: OpenEntry[];
  /** Persisted capacity after the pass. */
  capacity: number;
  nextSeq: number;
  counters: TerminalCounters;
  /** Tasks whose marker was dropped because the task was missing, unreadable or finished. */
  dropped: number;
  migrated: number;
}

interface Live {
  task: QueueRecord;
  slot: number | undefined;
  seq: number;
}

/**
 * The capacity key is missing (a fresh store) or unreadable: read slot blocks until one is wholly empty, so open
 * tasks whose markers sit in higher slots are never hidden.
 */
async function probeCapacity(repo: QueueRepo<QueueRecord>, logger: Logger): Promise<number> {
  let capacity = 0;
  for (;;) {
    const block = await repo.readSlots(capacity + SLOT_BLOCK, capacity);
    if (block.every((slot) => slot === undefined)) break;
    capacity += SLOT_BLOCK;
  }
  if (capacity > 0) logger.warn({ capacity }, 'open-task capacity was missing or unreadable; recovered by probing the markers');
  return capacity;
}

/** Reads every marker and its task record (O(capacity) reads in batches), then compacts. */
export async function loadOpenTasks<R extends QueueRecord>(repo: QueueRepo<R>, logger: Logger): Promise<LoadedTasks> {
  const legacy = await repo.legacyOpenIds();
  const capacity = (await repo.capacity()) ?? (await probeCapacity(repo, logger));
  const slots = await repo.readSlots(capacity);
  const first = new Map<string, OpenSlot & { slot: number }>();
  slots.forEach((value, slot) => {
    if (value && !first.has(value.id)) first.set(value.id, { ...value, slot });
  });
  let nextSeq = [...first.values()].reduce((max, value) => Math.max(max, value.seq + 1), 0);
  const candidates: Array<{ id: string; slot: number | undefined; seq: number }> = [...first.values()];
  for (const id of new Set(legacy ?? [])) if (!first.has(id)) candidates.push({ id, slot: undefined, seq: nextSeq++ });
  const records = await repo.readMany(candidates.map((candidate) => candidate.id));
  const live: Live[] = [];
  candidates.forEach((candidate, i) => {
    const task = records[i];
    if (task && isOpen(task.status)) live.push({ task, slot: candidate.slot, seq: candidate.seq });
  });
  const entries = await compact(repo, slots, live, capacity);
  if (legacy !== undefined) await repo.deleteLegacyOpenIds();
  const counters = await repairCounters(repo, logger);
  return {
    entries,
    capacity: roundUpToBlock(entries.length),
    nextSeq,
    counters,
    dropped: candidates.length - live.length,
    migrated: live.filter((item) => item.slot === undefined).length,
  };
}

/**
 * Puts the live markers in slots [0, k): markers already there stay, the others move into free or stale slots below k
 * (never over a live marker), then everything at or above k is deleted. A crash at any write leaves every open task
 * with at least one marker; extra or stale markers are harmless (they are checked against the task at the next load).
 */
async function compact(
  repo: QueueRepo<QueueRecord>,
  slots: ReadonlyArray<OpenSlot | undefined>,
  live: Live[],
  capacity: number,
): Promise<OpenEntry[]> {
  const k = live.length;
  const kept = new Set(live.filter((item) => item.slot !== undefined && item.slot < k).map((item) => item.slot));
  const freeBelow = Array.from({ length: k }, (_, slot) => slot).filter((slot) => !kept.has(slot));
  const moves: Array<{ slot: number; value: OpenSlot }> = [];
  let nextFree = 0;
  const entries = live.map((item) => {
    const slot = item.slot !== undefined && item.slot < k ? item.slot : (freeBelow[nextFree++] as number);
    if (slot !== item.slot) moves.push({ slot, value: { id: item.task.task_id, seq: item.seq } });
    return entryFor(item.task, slot, item.seq);
  });
  const stale = slots.flatMap((value, slot) => (value !== undefined && slot >= k ? [slot] : []));
  const target = roundUpToBlock(k);
  if (target > capacity) await repo.setCapacity(target);
  await repo.writeSlots(moves);
  await repo.deleteSlots(stale);
  if (target < capacity) await repo.setCapacity(target);
  return entries;
}

/** Undoes the last counter change when the task write it was made for never happened (a crash in between). */
async function repairCounters(repo: QueueRepo<QueueRecord>, logger: Logger): Promise<TerminalCounters> {
  const counters = await repo.counters();
  const { last } = counters;
  if (!last) return counters;
  const task = await repo.read(last.task_id);
  if (!task || task.status !== last.from || task.updated_at !== last.prev_updated_at) return counters;
  const repaired = shiftCounters(counters, last.to, last.from);
  await repo.setCounters(repaired);
  logger.info({ taskId: last.task_id }, 'terminal counters: undid a change whose task write did not happen');
  return repaired;
}
