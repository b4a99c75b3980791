// In-memory index of open (pending and processing) tasks: claim order (normal priority before low, then oldest first),
// per-status counts and marker slot allocation.
import type { TaskRecord } from '../domain.js';
import { createMinHeap, type MinHeap } from './min-heap.js';

/** What the queue keeps in memory about one open task (the task record in the store stays the source of truth). */
export interface OpenEntry {
  taskId: string;
  status: 'pending' | 'processing';
  createdAt: string;
  notBefore?: number | undefined;
  /** Claimed only when no normal-priority task is claimable (work a client's read started). */
  low: boolean;
  /** The store slot holding this task's open marker. */
  slot: number;
  /** Order in which tasks were opened: breaks created_at ties. */
  seq: number;
}

interface HeapItem {
  entry: OpenEntry;
  version: number;
}

/** Open tasks in memory; every method is synchronous and does no I/O. */
export interface OpenIndex {
  get(taskId: string): OpenEntry | undefined;
  /** Adds or replaces the entry for its task. */
  put(entry: OpenEntry): void;
  remove(taskId: string): void;
  /**
   * The pending normal-priority task with the oldest created_at whose not_before has passed, else (with `includeLow`)
   * such a low-priority task; left in the index.
   */
  nextClaimable(now: number, includeLow?: boolean): OpenEntry | undefined;
  entries(): OpenEntry[];
  counts(): { pending: number; processing: number };
  /** A free slot for a new marker: a released one, else the next never used. */
  allocateSlot(): number;
  releaseSlot(slot: number): void;
  nextSeq(): number;
  /** Replaces everything: `highWater` is the first slot never used, `freeSlots` the unused ones below it. */
  reset(entries: readonly OpenEntry[], highWater: number, freeSlots: readonly number[], nextSeq: number): void;
}

/** Builds an entry from a task record that is open. */
export function entryFor(task: TaskRecord, slot: number, seq: number): OpenEntry {
  if (task.status !== 'pending' && task.status !== 'processing') throw new TypeError(`task ${task.task_id} is not open`);
  const low = task.priority === 'low';
  return { taskId: task.task_id, status: task.status, createdAt: task.created_at, notBefore: task.not_before, low, slot, seq };
}

const oldestFirst = (a: HeapItem, b: HeapItem): boolean =>
  a.entry.createdAt === b.entry.createdAt ? a.entry.seq < b.entry.seq : a.entry.createdAt < b.entry.createdAt;

/**
 * Creates an empty index: one ready heap per priority and one heap of delayed tasks (any priority), so every
 * operation stays O(log n). Heaps use lazy deletion: an item whose version is no longer current is skipped.
 */
export function createOpenIndex(): OpenIndex {
  const byId = new Map<string, { entry: OpenEntry; version: number }>();
  const ready = createMinHeap<HeapItem>(oldestFirst);
  const readyLow = createMinHeap<HeapItem>(oldestFirst);
  const readyFor = (item: HeapItem) => (item.entry.low ? readyLow : ready);
  const delayed = createMinHeap<HeapItem>((a, b) => (a.entry.notBefore ?? 0) < (b.entry.notBefore ?? 0));
  let version = 0;
  let free: number[] = [];
  let highWater = 0;
  let seq = 0;
  const tally = { pending: 0, processing: 0 };

  const current = (item: HeapItem): boolean => byId.get(item.entry.taskId)?.version === item.version;

  function remove(taskId: string): void {
    const held = byId.get(taskId);
    if (!held) return;
    tally[held.entry.status] -= 1;
    byId.delete(taskId);
  }

  function put(entry: OpenEntry): void {
    remove(entry.taskId);
    version += 1;
    byId.set(entry.taskId, { entry, version });
    tally[entry.status] += 1;
    if (entry.status !== 'pending') return;
    const item = { entry, version };
    (entry.notBefore === undefined ? readyFor(item) : delayed).push(item);
  }

  function firstReady(heap: MinHeap<HeapItem>, now: number): OpenEntry | undefined {
    for (let top = heap.peek(); top; top = heap.peek()) {
      if (!current(top)) heap.pop();
      else if ((top.entry.notBefore ?? 0) > now) delayed.push(heap.pop() as HeapItem); // the clock went back
      else return top.entry;
    }
    return undefined;
  }

  function nextClaimable(now: number, includeLow = true): OpenEntry | undefined {
    for (let due = delayed.peek(); due && (due.entry.notBefore ?? 0) <= now; due = delayed.peek()) {
      delayed.pop();
      if (current(due)) readyFor(due).push(due);
    }
    return firstReady(ready, now) ?? (includeLow ? firstReady(readyLow, now) : undefined);
  }

  return {
    get: (taskId) => byId.get(taskId)?.entry,
    put,
    remove,
    nextClaimable,
    entries: () => [...byId.values()].map((held) => held.entry),
    counts: () => ({ ...tally }),
    allocateSlot: () => free.pop() ?? highWater++,
    releaseSlot: (slot) => {
      free.push(slot);
    },
    nextSeq: () => seq++,
    reset(entries, nextHighWater, freeSlots, nextSeq) {
      byId.clear();
      ready.clear();
      readyLow.clear();
      delayed.clear();
      tally.pending = 0;
      tally.processing = 0;
      for (const entry of entries) put(entry);
      highWater = nextHighWater;
      free = [...freeSlots].reverse();
      seq = nextSeq;
    },
  };
}
