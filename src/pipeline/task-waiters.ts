// Task waiters: long-polls on one task, answered when it settles, when their timeout passes, or at once at shutdown.
import type { EventEmitter } from 'node:events';
import { isTaskSettled, type TaskRecord } from '../domain.js';
import type { TaskQueue } from '../ports.js';

export interface TaskWaiters {
  /** The task once it settles, or as it is when `timeoutMs` passes (or at once if settled, unknown or released). */
  wait(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined>;
  /** Every waiter answers now with the task as it is, and later ones answer at once. */
  releaseAll(): void;
  /** Waiters waiting right now. */
  size(): number;
}

/** Creates the waiters over the queue and the worker's 'settled' events. */
export function createTaskWaiters(queue: Pick<TaskQueue, 'get'>, events: EventEmitter): TaskWaiters {
  /** Ends a pending wait with the task's current state. */
  const waiters = new Set<() => void>();
  let released = false;

  async function wait(taskId: string, timeoutMs: number): Promise<TaskRecord | undefined> {
    const first = await queue.get(taskId);
    if (!first || isTaskSettled(first) || timeoutMs <= 0 || released) return first;
    return new Promise<TaskRecord | undefined>((resolve) => {
      let done = false;
      const finish = (task: TaskRecord | undefined): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        events.off('settled', onSettled);
        waiters.delete(release);
        resolve(task);
      };
      const release = (): void => void queue.get(taskId).then(finish, () => finish(first));
      waiters.add(release);
      const onSettled = (task: TaskRecord): void => {
        if (task.task_id === taskId) finish(task);
      };
      const timer = setTimeout(() => void queue.get(taskId).then(finish, () => finish(first)), timeoutMs);
      events.on('settled', onSettled);
      // The task may have settled between the first read and the subscription.
      void queue.get(taskId).then((t) => t && isTaskSettled(t) && finish(t), () => undefined);
    });
  }

  return {
    wait,
    releaseAll() {
      released = true;
      for (const release of [...waiters]) release();
      waiters.clear();
    },
    size: () => waiters.size,
  };
}
