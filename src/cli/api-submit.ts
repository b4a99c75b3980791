// The command line's way into a running wrapup: POST /api/summary/submit with one of the configured keys, waiting
// out 429s (the key's task budget or request rate). Safe while the service runs, unlike writing its store.
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

/** 429s waited out per conversation before giving up (the key's task budget refills at API_TASK_RATE_PER_MIN). */
const MAX_WAITS = 10;

/** The secret of the first configured key with scope submit (the command runs with the service's configuration). */
export function submitKey(config: Pick<Config, 'http'>): string {
  const key = config.http.apiKeys.find((k) => k.scopes.includes('submit'));
  if (!key) throw new AppError('CONFIG_INVALID', 'no API key with scope submit is configured (API_KEYS or API_KEYS_FILE)');
  return key.secret;
}

/**
 * Submits one conversation through a running wrapup's API (its own queue and worker). Resolves with the status:
 * 200 (a summary is stored) or 202 (a task was started or joined). A 429 is waited out (its Retry-After, at most
 * 2 min each, ten times); any other answer throws.
 */
export function apiEnqueue(apiUrl: string, apiKey: string, options: { force: boolean } = { force: true }) {
  return async (conversationId: string): Promise<number> => {
    for (let waits = 0; ; waits += 1) {
      const res = await fetch(`${apiUrl}/api/summary/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ conversation_id: conversationId, ...(options.force ? { force: true } : {}) }),
      });
      await res.body?.cancel();
      if (res.ok) return res.status;
      if (res.status !== 429 || waits >= MAX_WAITS) {
        throw new AppError('INTERNAL', `submit answered HTTP ${res.status}`, { upstreamStatus: res.status });
      }
      const header = res.headers.get('retry-after');
      const asked = header === null ? Number.NaN : Number(header);
      const seconds = Number.isFinite(asked) && asked >= 0 ? Math.min(120, asked) : 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  };
}
