// What the replicas test prints when a conversation has no summary: the task record, its BullMQ job (state, lock
// holder, stalled mark) and every replica's log lines that name the task or the conversation — enough to tell a
// task that was never handed back from one handed back and not run, or one completed without its summary.
import { Redis } from 'ioredis';
import type { KeyvBackend } from '../../src/store/keyv-backend.js';
import { createTaskRepo } from '../../src/store/task-repo.js';
import { silentLogger } from '../../src/logger.js';
import type { WrapupChild } from './child.js';

const QUEUES = ['tasks', 'tasks-low'] as const;

/** Where the task's job is in BullMQ (its lists and sets), with its lock token and stalled mark. */
async function jobState(redis: Redis, taskId: string): Promise<string> {
  const parts: string[] = [];
  for (const queue of QUEUES) {
    const k = (s: string): string => `wrapup:bull:${queue}:${s}`;
    const [exists, lock, active, wait, delayed, stalled, prioritized] = await Promise.all([
      redis.exists(k(taskId)),
      redis.get(k(`${taskId}:lock`)),
      redis.lpos(k('active'), taskId),
      redis.lpos(k('wait'), taskId),
      redis.zscore(k('delayed'), taskId),
      redis.sismember(k('stalled'), taskId),
      redis.zscore(k('prioritized'), taskId),
    ]);
    if (!exists && lock === null) continue;
    const where = [active !== null && 'active', wait !== null && 'wait', delayed !== null && `delayed@${delayed}`, prioritized !== null && 'prioritized'].filter(Boolean);
    parts.push(`${queue}: job=${exists ? 'yes' : 'no'} in=[${where.join(',')}] lock=${lock ?? '-'} stalledMark=${stalled}`);
  }
  return parts.length > 0 ? parts.join(' | ') : 'no job';
}

/** One line per missing conversation; `taskIds` maps a conversation to its task (from the API's answer). */
export async function diagnose(redisUrl: string, backend: KeyvBackend, missing: Map<string, string | undefined>, replicas: Iterable<[string, WrapupChild]>): Promise<string> {
  const repo = createTaskRepo(backend.keyv('tasks'), silentLogger());
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const logs = [...replicas];
  try {
    const lines: string[] = [];
    for (const [conversationId, taskId] of missing) {
      const task = taskId ? await repo.read(taskId) : undefined;
      const record = task ? `status=${task.status} attempts=${task.attempts} updated=${task.updated_at} error=${task.error?.code ?? '-'}` : 'no task record';
      const job = taskId ? await jobState(redis, taskId) : '-';
      const mentions = logs.flatMap(([id, c]) => c.output.filter((l) => (taskId && l.includes(taskId)) || l.includes(conversationId)).map((l) => `  [${id}] ${l.slice(0, 400)}`));
      lines.push(`${conversationId} task ${taskId ?? '?'}: ${record}; ${job}\n${mentions.join('\n')}`);
    }
    return lines.join('\n');
  } finally {
    redis.disconnect();
  }
}
