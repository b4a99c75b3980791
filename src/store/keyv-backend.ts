// Keyv backend: opens the one store connection (sqlite://, redis:// or memory://) and hands out namespaced Keyv instances on it.
import path from 'node:path';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { AppError } from '../errors.js';
import { deserializeKeyvValue } from './keyv-deserialize.js';
import type { Logger } from '../logger.js';
import { createAsyncMutex, type AsyncMutex } from './async-mutex.js';
import { ensurePrivateDir, ensurePrivateFile, restrictSideFiles, type PermissionProblem } from './private-files.js';
import { openSqliteKeyv, type SqliteKeyv } from './sqlite-adapter.js';

/** Namespaced Keyv instances over one shared connection. */
export interface KeyvBackend {
  /** The Keyv for a namespace ('summaries', 'tasks', 'checkpoints', …); the same instance for the same name. */
  keyv(namespace: string): Keyv;
  /** True when the underlying store answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection; the Keyv instances are unusable afterwards. Idempotent. */
  close(): Promise<void>;
  /**
   * Runs `fn` while nobody else writing this store runs a function under the same `name`: within this process (a
   * FIFO mutex), and on redis:// across every replica too (a Redis lock; sqlite and memory have one writer process).
   * For read-modify-write of a shared record such as the summary index.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface KeyvBackendOptions {
  /** Prefix for every namespace (`<namespace>:<name>`), to share one database between deployments. @default none */
  namespace?: string;
  /** Receives each store error once (callers also get it thrown) and file-permission warnings. @default not logged */
  logger?: Logger;
  /** redis://: a command waiting for a reconnect fails (STORE_UNAVAILABLE) after this long, in ms. @default 5000 */
  redisCommandTimeoutMs?: number;
  /** SQLite busy timeout in milliseconds. @default 5000 */
  busyTimeoutMs?: number;
}

interface Connection {
  /** The store for one namespace's Keyv (sqlite: its own adapter on the shared connection; memory: the one Map). */
  store(namespace: string): KeyvStoreAdapter | Map<string, unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Across processes sharing the store (redis:// only); others need only the in-process mutex. */
  exclusive?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Opens the store named by `url`: `sqlite://relative/or/absolute/file.sqlite` (relative to the working directory;
 * missing directories created 0700, the database file and its -wal/-shm kept 0600) or `memory://` (a process-local
 * Map, for tests and demos) or `redis://host:port[/db]` (`rediss://` for TLS; shared by every replica, @keyv/redis).
 * Throws AppError CONFIG_INVALID for an unsupported URL and STORE_UNAVAILABLE when the database cannot be opened.
 */
export async function createKeyvBackend(url: string, options: KeyvBackendOptions = {}): Promise<KeyvBackend> {
  const connection = await openConnection(url, options);
  const instances = new Map<string, Keyv>();
  // A failed write reaches a Keyv twice (the adapter's 'error' event, then Keyv's own catch): log it once.
  const logged = new WeakSet<object>();
  let closed = false;
  const mutexes = new Map<string, AsyncMutex>();
  return {
    exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
      let mutex = mutexes.get(name);
      if (!mutex) mutexes.set(name, (mutex = createAsyncMutex()));
      const key = `${options.namespace ? `${options.namespace}:` : ''}__lock__:${name}`;
      const shared = connection.exclusive?.bind(connection);
      // In-process first: this replica's own writers queue here instead of polling Redis against each other.
      return mutex.run(() => (shared ? shared(key, fn) : fn()));
    },
    keyv(namespace: string): Keyv {
      const full = options.namespace ? `${options.namespace}:${namespace}` : namespace;
      let keyv = instances.get(full);
      if (!keyv) {
        // throwOnErrors: a broken store must surface as an error, not read as a cache miss.
        keyv = new Keyv({ store: connection.store(full), namespace: full, throwOnErrors: true, deserialize: deserializeKeyvValue });
        keyv.on('error', (err: unknown) => {
          if (typeof err === 'object' && err !== null) {
            if (logged.has(err)) return;
            logged.add(err);
          }
          options.logger?.error({ err, namespace: full }, 'store error');
        });
        instances.set(full, keyv);
      }
      return keyv;
    },
    async ping(): Promise<boolean> {
      if (closed) return false;
      return connection.ping().then(
        () => true,
        () => false,
      );
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await connection.close();
    },
  };
}

async function openConnection(url: string, options: KeyvBackendOptions): Promise<Connection> {
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'memory') return openMemory();
  if (scheme === 'sqlite') return openSqlite(url.slice('sqlite://'.length), options);
  if (scheme === 'redis' || scheme === 'rediss') {
    // Loaded only here: a SQLite or memory store never pays for the Redis client's code.
    const { openRedisKeyv } = await import('./redis-connection.js');
    return openRedisKeyv(url, { logger: options.logger, commandTimeoutMs: options.redisCommandTimeoutMs });
  }
  throw new AppError('CONFIG_INVALID', 'STORE_URL must start with sqlite://, redis:// or memory://');
}

function openMemory(): Connection {
  const map = new Map<string, unknown>();
  return { store: () => map, ping: async () => undefined, close: async () => map.clear() };
}

async function openSqlite(location: string, options: KeyvBackendOptions): Promise<Connection> {
  if (!location) throw new AppError('CONFIG_INVALID', 'sqlite:// store URL needs a file path');
  const file = location === ':memory:' ? location : path.resolve(process.cwd(), location);
  if (file !== ':memory:') await preparePrivateFiles(file, options.logger);
  let sqlite: SqliteKeyv;
  try {
    sqlite = openSqliteKeyv({ file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  } catch (cause) {
    throw new AppError('STORE_UNAVAILABLE', 'cannot open the sqlite store', { cause, retryable: true });
  }
  return {
    store: (namespace) => sqlite.adapter(namespace),
    ping: async () => sqlite.ping(),
    close: async () => sqlite.close(),
  };
}

/** The store holds summaries and customer details: directory 0700 when we create it, files 0600 (see README). */
async function preparePrivateFiles(file: string, logger: Logger | undefined): Promise<void> {
  try {
    await ensurePrivateDir(path.dirname(file));
  } catch (cause) {
    throw new AppError('STORE_UNAVAILABLE', 'cannot create the store directory', { cause });
  }
  let problems: PermissionProblem[];
  try {
    const notOwner = await ensurePrivateFile(file);
    problems = [...(notOwner ? [notOwner] : []), ...(await restrictSideFiles(file))];
  } catch (cause) {
    throw new AppError('STORE_UNAVAILABLE', 'cannot open the sqlite store', { cause, retryable: true });
  }
  for (const problem of problems) logger?.warn(problem, 'cannot restrict store file permissions to 0600');
}
