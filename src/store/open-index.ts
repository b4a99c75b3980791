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

/**
 * What every record an embedded queue holds has in common (summary tasks, webhook deliveries): the fields its
 * index, markers, keys and transitions read. Each queue's own schema adds the rest.
 */
export type QueueRecord = Pick<TaskRecord, 'task_id' | 'idempotency_key' | 'status' | 'created_at' | 'updated_at' | 'not_before' | 'priority'>;

/** Builds an entry from a queue record that is open. */
export function entryFor(task: QueueRecord, slot: number, seq: number): OpenEntry {
  if (task.status !== 'pending' && task.status !== 'processing') throw new TypeError(`task ${task.task_id} is not open`);
  const low = task.priority === 'low';
  return { taskId: task.task_id, status: task.status, createdAt: task.created_at, notBefore: task.not_before, low, slot, seq };
}

const oldestFirst = (a: HeapItem, b: HeapItem): boolean =>
  a.entry.createdAt === b.entry.createdAt ? a.entry.seq < b.entry.seq : a.entry.createdAt < b.entry.createdAt;

/** The index's record: the entries by id, the three heaps, and the slot and order counters. */
interface IndexState {
  /** The current entry of each open task and the version its heap items must carry to count. */
  readonly byId: Map<string, HeapItem>;
  readonly ready: MinHeap<HeapItem>;
  readonly readyLow: MinHeap<HeapItem>;
  /** Pending tasks with a not_before, any priority, soonest first. */
  readonly delayed: MinHeap<HeapItem>;
  readonly tally: { pending: number; processing: number };
  version: number;
  /** Released slots, reused last-released first. */
  free: number[];
  /** The first slot never used. */
  highWater: number;
  seq: number;
}

/**
 * Creates an empty index: one ready heap per priority and one heap of delayed tasks (any priority), so every
 * operation stays O(log n). Heaps use lazy deletion: an item whose version is no longer current is skipped.
 */
export function createOpenIndex(): OpenIndex {
  const state: IndexState = {
    byId: new Map(),
    ready: createMinHeap<HeapItem>(oldestFirst),
    readyLow: createMinHeap<HeapItem>(oldestFirst),
    delayed: createMinHeap<HeapItem>((a, b) => (a.entry.notBefore ?? 0) < (b.entry.notBefore ?? 0)),
    tally: { pending: 0, processing: 0 },
    version: 0,
    free: [],
    highWater: 0,
    seq: 0,
  };
  return {
    get: (taskId) => state.byId.get(taskId)?.entry,
    put: (entry) => put(state, entry),
    remove: (taskId) => remove(state, taskId),
    nextClaimable: (now, includeLow) => nextClaimable(state, now, includeLow),
    entries: () => [...state.byId.values()].map((held) => held.entry),
    counts: () => ({ ...state.tally }),
    allocateSlot: () => state.free.pop() ?? state.highWater++,
    releaseSlot: (slot) => {
      state.free.push(slot);
    },
    nextSeq: () => state.seq++,
    reset: (entries, highWater, freeSlots, nextSeq) => reset(state, entries, highWater, freeSlots, nextSeq),
  };
}

const readyFor = (state: IndexState, item: HeapItem): MinHeap<HeapItem> => (item.entry.low ? state.readyLow : state.ready);
const isCurrent = (state: IndexState, item: HeapItem): boolean => state.byId.get(item.entry.taskId)?.version === item.version;

function remove(state: IndexState, taskId: string): void {
  const held = state.byId.get(taskId);
  if (!held) return;
  state.tally[held.entry.status] -= 1;
  state.byId.delete(taskId);
}

function put(state: IndexState, entry: OpenEntry): void {
  remove(state, entry.taskId);
  state.version += 1;
  const item = { entry, version: state.version };
  state.byId.set(entry.taskId, item);
  state.tally[entry.status] += 1;
  if (entry.status !== 'pending') return;
  (entry.notBefore === undefined ? readyFor(state, item) : state.delayed).push(item);
}

function firstReady(state: IndexState, heap: MinHeap<HeapItem>, now: number): OpenEntry | undefined {
  for (let top = heap.peek(); top; top = heap.peek()) {
    if (!isCurrent(state, top)) heap.pop();
    else if ((top.entry.notBefore ?? 0) > now) state.delayed.push(heap.pop() as HeapItem); // the clock went back
    else return top.entry;
  }
  return undefined;
}

function nextClaimable(state: IndexState, now: number, includeLow = true): OpenEntry | undefined {
  const { delayed } = state;
  for (let due = delayed.peek(); due && (due.entry.notBefore ?? 0) <= now; due = delayed.peek()) {
    delayed.pop();
    if (isCurrent(state, due)) readyFor(state, due).push(due);
  }
  return firstReady(state, state.ready, now) ?? (includeLow ? firstReady(state, state.readyLow, now) : undefined);
}

function reset(state: IndexState, entries: readonly OpenEntry[], highWater: number, freeSlots: readonly number[], nextSeq: number): void {
  state.byId.clear();
  state.ready.clear();
  state.readyLow.clear();
  state.delayed.clear();
  state.tally.pending = 0;
  state.tally.processing = 0;
  for (const entry of entries) put(state, entry);
  state.highWater = highWater;
  state.free = [...freeSlots].reverse();
  state.seq = nextSeq;
}
