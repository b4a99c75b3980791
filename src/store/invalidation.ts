// How one replica tells the others that a summary was replaced (their memory tiers drop it), and the single-process
// form; the Redis pub/sub one is in redis-invalidation.ts, loaded only on a redis:// store (store/redis.ts).
export interface SummaryInvalidation {
  /** Tells the other replicas that this conversation's summary was replaced. Never throws (a failure is logged). */
  replaced(conversationId: string): Promise<void>;
  /**
   * Calls `listener` with the conversation id whenever ANOTHER replica replaced its summary, and with `undefined`
   * after the channel was down (drop every cached entry). Returns the unsubscribe function.
   */
  onReplaced(listener: (conversationId: string | undefined) => void): () => void;
  close(): Promise<void>;
}

/** The single-process invalidation: nobody else to tell, nothing to hear. */
export function createLocalInvalidation(): SummaryInvalidation {
  return { replaced: async () => undefined, onReplaced: () => () => undefined, close: async () => undefined };
}
