// Keyv 5 store adapter over better-sqlite3: one synchronous connection, statements prepared once, WAL journal.
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * The table @keyv/sqlite 4 created (its DDL, byte for byte), so a database it wrote opens and reads unchanged. Keys
 * are `<namespace>:<key>` (Keyv prefixes them); values are Keyv's serialized `{"value":…,"expires":…}` JSON text.
 */
const CREATE_TABLE = 'CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )';
/** Rows per page when iterating a namespace: keyset pagination, so deletes during iteration skip nothing. */
const ITERATION_PAGE = 100;

export interface SqliteKeyvOptions {
  /** Database file path, or ':memory:'. The caller prepares the directory and file permissions. */
  file: string;
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. @default 5000 */
  busyTimeoutMs?: number;
}

/** A Keyv store adapter whose clear() and iterator() are scoped to its `namespace`. */
export type SqliteStoreAdapter = KeyvStoreAdapter & EventEmitter & {
  opts: { dialect: 'sqlite'; url: string; table: 'keyv' };
};

/** One open database; every adapter it hands out shares its connection and prepared statements. */
export interface SqliteKeyv {
  /**
   * A new adapter for one Keyv instance. Give each Keyv its own: Keyv writes its namespace into the adapter, so a
   * shared adapter would clear or iterate whichever namespace was constructed last.
   */
  adapter(namespace?: string): SqliteStoreAdapter;
  /** Runs a trivial query; throws when the connection is closed or broken. */
  ping(): void;
  /** Closes the connection (a last-connection close checkpoints the WAL). Idempotent. */
  close(): void;
}

type Row = { key: string; value: string | null };

function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], string | null>('SELECT value FROM keyv WHERE key = ?').pluck(),
    // One bound JSON array instead of one variable per key: no SQLITE_MAX_VARIABLE_NUMBER limit, one cached statement.
    getMany: db.prepare<[string], Row>('SELECT key, value FROM keyv WHERE key IN (SELECT value FROM json_each(?))'),
    set: db.prepare<[string, unknown]>(
      'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    delete: db.prepare<[string]>('DELETE FROM keyv WHERE key = ?'),
    deleteMany: db.prepare<[string]>('DELETE FROM keyv WHERE key IN (SELECT value FROM json_each(?))'),
    // `ns:` ≤ key < `ns;` is exactly "starts with ns:" in binary collation (';' follows ':'), and uses the key index;
    // LIKE 'ns:%' would also match other case spellings and treat '_' in a namespace as a wildcard.
    clearRange: db.prepare<[string, string]>('DELETE FROM keyv WHERE key >= ? AND key < ?'),
    clearAll: db.prepare<[]>('DELETE FROM keyv'),
    pageFrom: db.prepare<[string, number], Row>('SELECT key, value FROM keyv WHERE key >= ? ORDER BY key LIMIT ?'),
    pageAfter: db.prepare<[string, number], Row>('SELECT key, value FROM keyv WHERE key > ? ORDER BY key LIMIT ?'),
    ping: db.prepare<[]>('SELECT 1').pluck(),
  };
}
type Statements = ReturnType<typeof prepareStatements>;

/**
 * Opens (creating if needed) the database: WAL journal with synchronous=NORMAL (a committed write survives a killed
 * process; only an OS crash or power loss may drop the last transactions), a busy timeout, the keyv table.
 * Throws whatever better-sqlite3 throws when the file cannot be opened.
 */
export function openSqliteKeyv(options: SqliteKeyvOptions): SqliteKeyv {
  const db = new Database(options.file, { timeout: options.busyTimeoutMs ?? 5000 });
  let statements: Statements;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(CREATE_TABLE);
    statements = prepareStatements(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const url = `sqlite://${options.file}`;
  return {
    adapter: (namespace) => new SqliteNamespaceStore(db, statements, url, namespace),
    ping: () => void statements.ping.get(),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** The adapter Keyv drives. Every failure is thrown to the caller and also emitted as 'error'. */
class SqliteNamespaceStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; url: string; table: 'keyv' };
  /** Set by Keyv to its own namespace; scopes clear() and iterator(). */
  namespace: string | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly sql: Statements,
    url: string,
    namespace: string | undefined,
  ) {
    super();
    // Keyv only offers keyv.iterator() for adapters whose opts name a dialect it knows.
    this.opts = { dialect: 'sqlite', url, table: 'keyv' };
    this.namespace = namespace;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.run(() => (this.sql.get.get(key) ?? undefined) as StoredData<Value> | undefined);
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return this.run(() => {
      if (keys.length === 0) return [];
      const found = new Map<string, string | null>();
      for (const row of this.sql.getMany.all(JSON.stringify(keys))) found.set(row.key, row.value);
      return keys.map((key) => (found.get(key) ?? undefined) as StoredData<Value | undefined>);
    });
  }

  /** Keyv keeps the expiry inside the serialized value and checks it on read, so `ttl` needs no column here. */
  async set(key: string, value: unknown): Promise<boolean> {
    return this.run(() => this.sql.set.run(key, value).changes > 0);
  }

  async delete(key: string): Promise<boolean> {
    return this.run(() => this.sql.delete.run(key).changes > 0);
  }

  /** True when at least one of the keys existed. */
  async deleteMany(keys: string[]): Promise<boolean> {
    return this.run(() => keys.length > 0 && this.sql.deleteMany.run(JSON.stringify(keys)).changes > 0);
  }

  /** Deletes this namespace's keys only; without a namespace, the whole table. */
  async clear(): Promise<void> {
    this.run(() => {
      if (this.namespace) this.sql.clearRange.run(`${this.namespace}:`, `${this.namespace};`);
      else this.sql.clearAll.run();
    });
  }

  // No has(): Keyv trusts an adapter's has() as is, which would report expired keys as present. Without it Keyv
  // reads the value and checks the expiry itself.

  /** Yields [key, serialized value] for every key in `namespace` (all keys without one), in key order, page by page. */
  async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const prefix = namespace ? `${namespace}:` : '';
    let rows = this.run(() => this.sql.pageFrom.all(prefix, ITERATION_PAGE));
    while (rows.length > 0) {
      for (const row of rows) {
        if (!row.key.startsWith(prefix)) return;
        yield [row.key, (row.value ?? undefined) as Awaited<Value> | undefined];
      }
      const last = rows[rows.length - 1]!.key;
      rows = this.run(() => this.sql.pageAfter.all(last, ITERATION_PAGE));
    }
  }

  /** Closes the shared connection: every adapter of this database stops working. */
  async disconnect(): Promise<void> {
    if (this.db.open) this.run(() => this.db.close());
  }

  private run<T>(operation: () => T): T {
    try {
      return operation();
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err);
      throw err;
    }
  }
}
