// The in-process SummaryChanges adapter: replacement notices delivered synchronously to this process's listeners.
import type { SummaryChanges } from '../ports.js';

/** Notices reach only this process; a multi-replica deployment swaps in an adapter over a shared channel. */
export function createLocalSummaryChanges(): SummaryChanges {
  const listeners = new Set<Parameters<SummaryChanges['onReplaced']>[0]>();
  return {
    replaced(conversationId, record) {
      for (const listener of listeners) listener(conversationId, record);
    },
    onReplaced(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
