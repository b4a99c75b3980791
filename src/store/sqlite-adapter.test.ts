import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Keyv } from 'keyv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteKeyv, type SqliteKeyv } from './sqlite-adapter.js';

let dir: string;
const opened: SqliteKeyv[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wrapup-sqlite-'));
});
afterEach(() => {
  vi.useRealTimers();
  for (const db of opened.splice(0)) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(file = path.join(dir, 'store.sqlite')): SqliteKeyv {
  const db = openSqliteKeyv({ file });
  opened.push(db);
  return db;
}

function keyvOn(db: SqliteKeyv, namespace: string): Keyv {
  return new Keyv({ store: db.adapter(namespace), namespace, throwOnErrors: true });
}

/** The rows as SQLite holds them, read with a second, independent connection. */
function rawRows(file: string): Array<{ key: string; value: string }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { key: string; value: string }>('SELECT key, value FROM keyv ORDER BY key').all();
  } finally {
    db.close();
  }
}

describe('openSqliteKeyv', () => {
  it('reads a database written by @keyv/sqlite 4 (its DDL, rollback journal, Keyv-serialized rows)', async () => {
    const file = path.join(dir, 'wrapup.sqlite');
    // Exactly what @keyv/sqlite 4.0.8 + Keyv 5 left on disk (DDL and values copied from a file it wrote).
    const old = new Database(file);
    old.pragma('journal_mode = DELETE');
    old.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    const insert = old.prepare('INSERT INTO keyv (key, value) VALUES (?, ?)');
    insert.run('summaries:conv-1', '{"value":{"text":"hi","n":1}}');
    insert.run('summaries:conv-2', `{"value":{"text":"ttl"},"expires":${Date.now() + 60_000}}`);
    insert.run('summaries:conv-old', `{"value":{"text":"gone"},"expires":${Date.now() - 1}}`);
    insert.run('app:tasks:task:1', '{"value":{"status":"pending"}}');
    old.close();

    const db = open(file);
    const summaries = keyvOn(db, 'summaries');
    expect(await summaries.get('conv-1')).toEqual({ text: 'hi', n: 1 });
    expect(await summaries.get('conv-2')).toEqual({ text: 'ttl' });
    expect(await summaries.get('conv-old')).toBeUndefined(); // expired: Keyv drops it
    expect(await keyvOn(db, 'app:tasks').get('task:1')).toEqual({ status: 'pending' });
    expect(await summaries.getMany(['conv-2', 'missing', 'conv-1'])).toEqual([{ text: 'ttl' }, undefined, { text: 'hi', n: 1 }]);

    await summaries.set('conv-3', { text: 'new' });
    db.close();
    // Same table, same row format: the file stays readable by the old adapter too.
    const rows = rawRows(file);
    expect(rows.map((r) => r.key)).toEqual(['app:tasks:task:1', 'summaries:conv-1', 'summaries:conv-2', 'summaries:conv-3']);
    expect(rows.find((r) => r.key === 'summaries:conv-3')?.value).toBe('{"value":{"text":"new"}}');
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get('keyv')).toBe(
      'CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )',
    );
    check.close();
  });

  it('switches the file to the WAL journal (recorded in the file, seen by any other connection)', () => {
    const file = path.join(dir, 'store.sqlite');
    open(file);
    const other = new Database(file);
    expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
    other.close();
  });

  it('a write waits for another process’s lock up to the busy timeout instead of failing at once', async () => {
    const file = path.join(dir, 'store.sqlite');
    const db = open(file);
    const { release, released } = await holdWriteLock(file, 300);
    try {
      // Without a busy timeout the lock fails the write immediately…
      const impatient = openSqliteKeyv({ file, busyTimeoutMs: 0 });
      opened.push(impatient);
      await expect(keyvOn(impatient, 'tasks').set('k', 'now')).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      // …with one (default 5 s) it waits while the other process still holds the lock, then writes.
      await release();
      await keyvOn(db, 'tasks').set('k', 'after the lock');
    } finally {
      await released;
    }
    expect(await keyvOn(db, 'tasks').get('k')).toBe('after the lock');
  });

  it('getMany answers more keys than SQLite’s 32,766-variable limit in one call, in the order asked', async () => {
    const keyv = keyvOn(open(), 'tasks');
    const keys = Array.from({ length: 33_000 }, (_, i) => `k${i}`);
    for (let i = 0; i < keys.length; i += 3) await keyv.set(keys[i]!, i);
    const values = await keyv.getMany([...keys].reverse());
    expect(values).toHaveLength(keys.length);
    expect(values.reverse().every((v, i) => (i % 3 === 0 ? v === i : v === undefined))).toBe(true);
  });

  it('clear() and iterator() stay inside their namespace, even with look-alike namespaces', async () => {
    const db = open();
    const names = ['tasks', 'TASKS', 't_sks', 'tasks2', 'app:tasks'];
    const stores = Object.fromEntries(names.map((n) => [n, keyvOn(db, n)]));
    for (const n of names) for (let i = 0; i < 150; i++) await stores[n]!.set(`k${String(i).padStart(3, '0')}`, `${n}-${i}`);

    await stores.t_sks!.clear(); // LIKE 't_sks:%' would have cleared 'tasks' too ('_' is a wildcard)
    expect(await stores.t_sks!.get('k001')).toBeUndefined();
    for (const n of names.filter((x) => x !== 't_sks')) expect(await stores[n]!.get('k001'), n).toBe(`${n}-1`);

    const seen: Array<[string, unknown]> = [];
    for await (const entry of stores.tasks!.iterator!(undefined)) seen.push(entry as [string, unknown]);
    expect(seen).toHaveLength(150); // more than one page, nothing from 'tasks2', 'app:tasks' or 'TASKS'
    expect(seen[0]).toEqual(['k000', 'tasks-0']);
    expect(seen.every(([, v]) => String(v).startsWith('tasks-'))).toBe(true);

    await stores.tasks!.clear(); // LIKE would also have cleared 'TASKS' (case-insensitive)
    expect(await stores.tasks!.get('k001')).toBeUndefined();
    for (const n of names.filter((x) => x !== 'tasks' && x !== 't_sks')) expect(await stores[n]!.get('k001'), n).toBe(`${n}-1`);
  });

  it('iteration survives deleting the entries it has yielded (keyset paging, no skipped rows)', async () => {
    const keyv = keyvOn(open(), 'tasks');
    for (let i = 0; i < 250; i++) await keyv.set(`k${String(i).padStart(3, '0')}`, i);
    let count = 0;
    for await (const [key] of keyv.iterator!(undefined)) {
      await keyv.delete(key as string);
      count++;
    }
    expect(count).toBe(250);
    expect(await keyv.get('k249')).toBeUndefined();
  });

  it('delete/deleteMany report whether anything existed; TTL is Keyv’s (expired reads as missing, has() too)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const keyv = keyvOn(open(), 'summaries');
    await keyv.set('a', 1);
    await keyv.set('b', 2, 1_000);
    expect(await keyv.has('b')).toBe(true);
    vi.advanceTimersByTime(1_001);
    expect(await keyv.get('b')).toBeUndefined();
    await keyv.set('c', 3, 1_000);
    vi.advanceTimersByTime(1_001);
    expect(await keyv.has('c')).toBe(false); // an adapter-level has() would say true here
    expect(await keyv.delete('a')).toBe(true);
    expect(await keyv.delete('a')).toBe(false);
    await keyv.set('d', 4);
    expect(await keyv.deleteMany(['x', 'y'])).toBe(false);
    expect(await keyv.deleteMany(['x', 'd'])).toBe(true);
    expect(await keyv.get('d')).toBeUndefined();
  });

  it('a failure is thrown to the caller and emitted once as the adapter’s error event', async () => {
    const db = open();
    const adapter = db.adapter('tasks');
    const keyv = new Keyv({ store: adapter, namespace: 'tasks', throwOnErrors: true });
    const fromAdapter: unknown[] = [];
    adapter.on('error', (err) => fromAdapter.push(err));
    await keyv.set('k', 'v');
    db.close();
    await expect(keyv.get('k')).rejects.toThrow(/not open/);
    await expect(keyv.set('k', 'w')).rejects.toThrow(/not open/);
    await expect(keyv.getMany(['k'])).rejects.toThrow(/not open/);
    expect(fromAdapter).toHaveLength(3);
    expect(() => db.ping()).toThrow();
  });

  it('a file that is not a database fails to open instead of being overwritten', () => {
    const file = path.join(dir, 'not-a-db.sqlite');
    const text = 'this is not sqlite, just text long enough to fill a header\n'.repeat(10);
    writeFileSync(file, text);
    expect(() => openSqliteKeyv({ file })).toThrow(/not a database/);
  });
});

/**
 * A separate process takes the write lock and holds it until `release()`, then keeps it `ms` longer, commits and
 * exits; `release()` resolves once the request is in the pipe, `released` once the process has exited.
 */
async function holdWriteLock(file: string, ms: number): Promise<{ release(): Promise<void>; released: Promise<void> }> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO keyv (key, value) VALUES ('tasks:other', '1')").run();
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, Number(process.argv[2])));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`lock holder exited ${code}`)))),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    released.then(() => reject(new Error('lock holder exited before locking')), reject);
  });
  const release = () => new Promise<void>((resolve, reject) => child.stdin.write('go\n', (err) => (err ? reject(err) : resolve())));
  return { release, released };
}
