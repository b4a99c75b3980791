// What the replicas test prints when a conversation has no summary: the task record, its BullMQ job (state, lock
// holder, stalled mark) and every replica's log lines that name the task or the conversation — enough to tell a
// task that was never handed back from one handed back and not run, or one completed without its summary.
// After every run it also tallies the replicas' warnings and the transcripts the model was asked about twice.
import { Redis } from 'ioredis';
import type { KeyvBackend } from '../../src/store/keyv-backend.js';
import { createTaskRepo } from '../../src/store/task-repo.js';
import { silentLogger } from '../../src/logger.js';
import type { OpenAiFake } from '../../src/sim/openai-fake.js';
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

/** Warnings, errors and retry-like lines of every replica that ran, counted by message: where a duplicate or a delay came from. */
export function logTally(children: Map<string, WrapupChild>): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const child of children.values()) {
    for (const line of child.output) {
      let entry: { level?: number; msg?: string } = {};
      try {
        entry = JSON.parse(line) as { level?: number; msg?: string };
      } catch {
        continue;
      }
      const worthTelling = (entry.level ?? 0) >= 40 || /re-?ask|retr|again|discard|supersed|handed back|timed out|repair|fallback/i.test(entry.msg ?? '');
      if (worthTelling && entry.msg) tally[entry.msg] = (tally[entry.msg] ?? 0) + 1;
    }
  }
  return tally;
}

/** Transcripts the model was asked about more than once, by the replicas asked (one replica twice: a re-ask or an SDK retry), and the SDK's own retries. */
export function modelAskedAgain(fakes: Map<string, OpenAiFake>): string {
  const askedOn = new Map<string, string[]>();
  for (const [id, fake] of fakes) for (const [key, n] of fake.callsByTranscript()) askedOn.set(key, [...(askedOn.get(key) ?? []), ...Array<string>(n).fill(id)]);
  const repeated = [...askedOn.values()].filter((on) => on.length > 1).map((on) => on.join('+'));
  const sdkRetries = [...fakes.values()].flatMap((f) => f.requests).filter((r) => Number(r.headers['x-stainless-retry-count'] ?? 0) > 0).length;
  return `transcripts asked more than once ${JSON.stringify(repeated)}; requests that were SDK retries ${sdkRetries}`;
}
