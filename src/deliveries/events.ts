// Outbound events: which settled tasks become one, the event id (stable per settle, the `webhook-id`), and the
// payload: Standard Webhooks' {type, timestamp, data}, with `data` shaped as GET /api/summary answers. No transcript.
import { createHash } from 'node:crypto';
import type { DeliveryEventType, SummaryRecord } from '../domain.js';
import type { SettledTask } from '../ports.js';

/** Shapes a stored summary as GET /api/summary/{id} does (the HTTP layer's function, injected). */
export type RenderSummary = (record: SummaryRecord) => Record<string, unknown>;

const TYPES: Record<SettledTask['status'], DeliveryEventType> = {
  completed: 'summary.completed',
  skipped: 'summary.skipped',
  failed: 'summary.failed',
};

export const eventTypeOf = (settled: SettledTask): DeliveryEventType => TYPES[settled.status];

/**
 * The event id: the same for the same settle (task, the claim that ran it, its outcome), so a settle reported twice
 * is one event; a later run of the task (a forced re-run, a revival) is a new event.
 */
export function eventIdOf(settled: SettledTask): string {
  const { task, status } = settled;
  const digest = createHash('sha256').update(`${task.task_id}|${task.updated_at}|${task.attempts}|${status}`).digest('base64url');
  return `msg_${digest.slice(0, 27)}`;
}

/** Whether a settled task is worth telling a CRM: not a conversation Genesys does not know (a guessed or mistyped id). */
export function isReportable(settled: SettledTask): boolean {
  return !(settled.status === 'failed' && settled.error?.code === 'CONVERSATION_NOT_FOUND');
}

/** The JSON body: `{type, timestamp, data}`; `data` is GET /api/summary's body for a completed one, else the reason. */
export function eventPayload(settled: SettledTask, summary: Record<string, unknown> | undefined, at: Date): string {
  const { task } = settled;
  const base = { conversation_id: task.conversation_id, task_id: task.task_id, status: settled.status };
  // A completed task's summary is read back just after it was stored; should it be gone, the event still says so.
  const data =
    settled.status === 'completed'
      ? { task_id: task.task_id, status: 'completed', ...(summary ?? { conversation_id: task.conversation_id }) }
      : { ...base, error: settled.error ?? { code: 'INTERNAL', message: 'no reason recorded' } };
  return JSON.stringify({ type: eventTypeOf(settled), timestamp: at.toISOString(), data });
}
