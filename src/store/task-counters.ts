// Terminal-status counters: which transitions change them and how (pure functions over TerminalCounters).
import type { TaskStatus } from '../domain.js';
import type { TerminalCounters } from './task-repo.js';

type Terminal = 'completed' | 'failed' | 'skipped';

/** True for pending and processing. */
export const isOpen = (status: TaskStatus): status is 'pending' | 'processing' =>
  status === 'pending' || status === 'processing';
const isTerminal = (status: TaskStatus): status is Terminal => !isOpen(status);

/** True when moving a task from `from` to `to` changes the terminal counters. */
export function countersChange(from: TaskStatus, to: TaskStatus): boolean {
  return from !== to && (isTerminal(from) || isTerminal(to));
}

/** The counters after a task moved from `from` to `to` (no `last` stamp). */
export function shiftCounters(counters: TerminalCounters, from: TaskStatus, to: TaskStatus): TerminalCounters {
  const next: TerminalCounters = { completed: counters.completed, failed: counters.failed, skipped: counters.skipped };
  if (!countersChange(from, to)) return next;
  if (isTerminal(from)) next[from] = Math.max(0, next[from] - 1);
  if (isTerminal(to)) next[to] += 1;
  return next;
}
