// The redis:// store connection: one node-redis client (through @keyv/redis) shared by every namespace's adapter.
import KeyvRedis, { createClient, type RedisClientType } from '@keyv/redis';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RELEASE_SCRIPT, withLock, type LockCommands } from './redis-lock.js';

/** What keyv-backend.ts needs of a store connection. */
export interface RedisKeyvConnection {
  store(namespace: string): KeyvRedis<unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` while no other connection to this Redis holds the lock `key` (see redis-lock.ts). */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Reconnect delays: fast at first (a restarting Redis is back within a second or two), capped at 2 s. */
const reconnectDelay = (retries: number): number => Math.min(2000, 50 * 2 ** Math.min(retries, 6));

/**
 * Opens `redis://[user:pass@]host:port[/db]` (or `rediss://`). The client reconnects forever; while Redis is away,
 * commands fail after `commandTimeoutMs` (STORE_UNAVAILABLE, retryable) instead of hanging.
 * Throws STORE_UNAVAILABLE when the first connection cannot be made within `connectTimeoutMs`.
 */
export async function openRedisKeyv(url: string, options: { logger?: Logger | undefined; connectTimeoutMs?: number; commandTimeoutMs?: number | undefined } = {}): Promise<RedisKeyvConnection> {
  const connectTimeout = options.connectTimeoutMs ?? 5000;
  let ready = false;
  const client = createClient({
    url,
    // Forever once it was up (a restarting Redis); a first connection that fails three times fails the start.
    socket: { connectTimeout, reconnectStrategy: (retries: number, cause: Error) => (!ready && retries >= 2 ? cause : reconnectDelay(retries)) },
    // Queued commands wait for the reconnect, but never longer than this: a caller gets a retryable error.
    commandOptions: { timeout: options.commandTimeoutMs ?? 5000 },
  } as Parameters<typeof createClient>[0]) as unknown as RedisClientType;
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // A Redis restart raises one error per reconnect attempt: at most one line every 5 s.
    if (Date.now() - lastLogged < 5000) return;
    lastLogged = Date.now();
    options.logger?.warn({ err: err.message }, 'redis store connection error (reconnecting)');
  });
  client.on('ready', () => {
    ready = true;
  });
  try {
    await client.connect();
  } catch (cause) {
    try {
      client.destroy();
    } catch {
      // already closed by the failed connect
    }
    throw new AppError('STORE_UNAVAILABLE', 'cannot connect to the redis store', { cause, retryable: true });
  }
  const adapters = new Map<string, KeyvRedis<unknown>>();
  const lockCommands: LockCommands = {
    setIfAbsent: async (key, token, ttlMs) => (await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) === 'OK',
    release: (key, token) => client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [token] }),
  };
  return {
    exclusive: (key, fn) => withLock(lockCommands, key, fn),
    store(namespace) {
      let adapter = adapters.get(namespace);
      if (!adapter) {
        // Keys are `<namespace>::<key>`; clear() touches only its namespace. throwOnErrors: by default the adapter
        // swallows a failed command (a read that timed out while Redis restarted came back as "missing", a write as
        // done): a worker then took its own task for superseded and a summary went unstored while its task completed.
        adapter = new KeyvRedis(client, { namespace, useUnlink: true, noNamespaceAffectsAll: false, throwOnErrors: true });
        adapters.set(namespace, adapter);
      }
      return adapter;
    },
    async ping() {
      await client.ping();
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}
