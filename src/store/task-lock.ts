// The task queue's record and its lock: every operation runs alone, with the open-task index loaded from the store first.
import type { TaskRecord } from '../domain.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AsyncMutex } from './async-mutex.js';
import type { OpenIndex, QueueRecord } from './open-index.js';
import { loadOpenTasks } from './task-load.js';
import type { QueueRepo } from './task-repo.js';
import type { Transitions } from './task-transitions.js';
import type { Wakeups } from './task-wakeups.js';

/** What every queue operation works on; built once per queue (createEmbeddedTaskQueue, createEmbeddedDeliveryQueue). */
export interface QueueCore<R extends QueueRecord = TaskRecord> {
  readonly repo: QueueRepo<R>;
  readonly mutex: AsyncMutex;
  /** The open tasks in memory (claim order, counts, marker slots); valid only while `loaded`. */
  readonly index: OpenIndex;
  /** Status changes, written in their crash-safe order and mirrored in `index`. */
  readonly transitions: Transitions<R>;
  readonly wake: Wakeups;
  readonly now: () => number;
  readonly newId: () => string;
  readonly logger: Logger;
  /** False until the first operation loads the index, and again after a write failed midway. */
  loaded: boolean;
}

/** Runs `fn` alone with the index loaded; a failed write may leave memory behind the store, so it is reloaded. */
export function locked<T, R extends QueueRecord>(core: QueueCore<R>, fn: () => Promise<T>): Promise<T> {
  return core.mutex.run(async () => {
    await ensureLoaded(core);
    try {
      return await fn();
    } catch (err) {
      if (!isAppError(err, 'TASK_NOT_FOUND')) core.loaded = false;
      throw err;
    }
  });
}

async function ensureLoaded<R extends QueueRecord>(core: QueueCore<R>): Promise<void> {
  if (core.loaded) return;
  const result = await loadOpenTasks(core.repo, core.logger);
  core.index.reset(result.entries, result.entries.length, [], result.nextSeq);
  core.transitions.reset(result.capacity, result.counters);
  core.loaded = true;
  if (result.dropped > 0 || result.migrated > 0) {
    core.logger.info({ open: result.entries.length, dropped: result.dropped, migrated: result.migrated }, 'open-task index rebuilt');
  }
}
