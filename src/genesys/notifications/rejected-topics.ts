// Topics Genesys rejected on a channel (e.g. a permission not granted yet): kept visible and re-subscribed a few times with backoff.
import { backoffDelay } from '../../backoff.js';
import type { Logger } from '../../logger.js';
import { addSubscriptions } from './channel.js';
import type { GenesysClient } from '../rest/index.js';

/** How often and how patiently rejected topics are re-subscribed. */
export interface RejectedTopicRetryPolicy {
  /** Re-subscribe attempts per channel (0 disables). @default 5 */
  maxAttempts: number;
  /** @default 60000 */
  baseDelayMs: number;
  /** @default 900000 */
  maxDelayMs: number;
}

export const DEFAULT_REJECTED_TOPIC_RETRY: RejectedTopicRetryPolicy = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 900_000 };

export interface RejectedTopicsDeps {
  client: GenesysClient;
  logger: Logger;
  policy: RejectedTopicRetryPolicy;
  random: () => number;
  /** Called when the rejected list changes. */
  onChange(): void;
}

export interface RejectedTopics {
  /** A new channel answered its subscriptions: track its rejected topics (resets the attempt count). */
  reset(channelId: string, rejected: string[]): void;
  /** Topic ids currently rejected on the slot's channel. */
  ids(): string[];
  stop(): void;
}

/** Creates the tracker for one channel slot. */
export function createRejectedTopics(deps: RejectedTopicsDeps): RejectedTopics {
  let channelId = '';
  let rejected: string[] = [];
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;

  function schedule(): void {
    clearTimeout(timer);
    timer = undefined;
    if (rejected.length === 0 || attempts >= deps.policy.maxAttempts) return;
    timer = setTimeout(() => void retry(), backoffDelay(attempts + 1, deps.policy, deps.random));
    timer.unref();
  }

  async function retry(): Promise<void> {
    const target = channelId;
    attempts += 1;
    try {
      const still = await addSubscriptions(deps.client, target, rejected, deps.logger);
      if (target !== channelId) return; // the slot moved on to another channel meanwhile
      if (still.length < rejected.length) deps.logger.info({ channelId: target, granted: rejected.length - still.length }, 'previously rejected topics now subscribed');
      rejected = still;
      deps.onChange();
    } catch (err) {
      deps.logger.warn({ channelId: target, err: err instanceof Error ? err.message : String(err) }, 're-subscribing rejected topics failed');
    }
    if (target === channelId) schedule();
  }

  return {
    reset(id, list) {
      channelId = id;
      rejected = [...list];
      attempts = 0;
      schedule();
    },
    ids: () => [...rejected],
    stop() {
      clearTimeout(timer);
      timer = undefined;
      channelId = '';
    },
  };
}
