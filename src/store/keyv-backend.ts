// Keyv backend: opens the one store connection (sqlite:// or memory://) and hands out namespaced Keyv instances on it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

/** Namespaced Keyv instances over one shared connection. */
export interface KeyvBackend {
  /** The Keyv for a namespace ('summaries', 'tasks', 'checkpoints', …); the same instance for the same name. */
  keyv(namespace: string): Keyv;
  /** True when the underlying store answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection; the Keyv instances are unusable afterwards. Idempotent. */
  close(): Promise<void>;
}

export interface KeyvBackendOptions {
  /** Prefix for every namespace (`<namespace>:<name>`), to share one database between deployments. @default none */
  namespace?: string;
  /** Receives store connection errors. @default errors are swallowed after being surfaced to callers */
  logger?: Logger;
  /** SQLite busy timeout in milliseconds. @default 5000 */
  busyTimeoutMs?: number;
}

interface Connection {
  store: KeyvStoreAdapter | Map<string, unknown>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store named by `url`: `sqlite://relative/or/absolute/file.sqlite` (parent directory created; relative to
 * the working directory) or `memory://` (a process-local Map, for tests and demos). `redis://` is not supported yet.
 * Throws AppError CONFIG_INVALID for an unsupported URL and STORE_UNAVAILABLE when the database cannot be opened.
 */
export async function createKeyvBackend(url: string, options: KeyvBackendOptions = {}): Promise<KeyvBackend> {
  const connection = await openConnection(url, options);
  const instances = new Map<string, Keyv>();
  let closed = false;
  return {
    keyv(namespace: string): Keyv {
      const full = options.namespace ? `${options.namespace}:${namespace}` : namespace;
      let keyv = instances.get(full);
      if (!keyv) {
        // throwOnErrors: a broken store must surface as an error, not read as a cache miss.
        keyv = new Keyv({ store: connection.store, namespace: full, throwOnErrors: true });
        keyv.on('error', (err: unknown) => options.logger?.error({ err, namespace: full }, 'store error'));
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
    throw new AppError('CONFIG_INVALID', 'redis:// store support is not available yet');
  }
  throw new AppError('CONFIG_INVALID', 'STORE_URL must start with sqlite:// or memory://');
}

function openMemory(): Connection {
  const map = new Map<string, unknown>();
  return { store: map, ping: async () => undefined, close: async () => map.clear() };
}

async function openSqlite(location: string, options: KeyvBackendOptions): Promise<Connection> {
  if (!location) throw new AppError('CONFIG_INVALID', 'sqlite:// store URL needs a file path');
  const file = location === ':memory:' ? location : path.resolve(process.cwd(), location);
  try {
    if (file !== ':memory:') await mkdir(path.dirname(file), { recursive: true });
  } catch (cause) {
    throw new AppError('STORE_UNAVAILABLE', 'cannot create the store directory', { cause });
  }
  const store = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: options.busyTimeoutMs ?? 5000 });
  // The adapter is an EventEmitter: without a listener a connection error would crash the process.
  store.on('error', (err: unknown) => options.logger?.error({ err }, 'sqlite store error'));
  const ping = async (): Promise<void> => {
    await store.query('SELECT 1');
  };
  try {
    await ping();
  } catch (cause) {
    throw new AppError('STORE_UNAVAILABLE', 'cannot open the sqlite store', { cause, retryable: true });
  }
  return { store, ping, close: () => store.disconnect() };
}
