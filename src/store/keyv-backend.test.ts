import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';

let dir: string;
const opened: KeyvBackend[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wrapup-backend-'));
});
afterEach(async () => {
  for (const backend of opened.splice(0)) await backend.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(url: string, options?: { namespace?: string }): Promise<KeyvBackend> {
  const backend = await createKeyvBackend(url, options);
  opened.push(backend);
  return backend;
}

describe('createKeyvBackend', () => {
  it('memory:// keeps namespaces apart on one store and returns the same instance per name', async () => {
    const backend = await open('memory://');
    await backend.keyv('summaries').set('k', 'a');
    await backend.keyv('tasks').set('k', 'b');
    expect(await backend.keyv('summaries').get('k')).toBe('a');
    expect(await backend.keyv('tasks').get('k')).toBe('b');
    expect(backend.keyv('tasks')).toBe(backend.keyv('tasks'));
    expect(await backend.ping()).toBe(true);
    await backend.close();
    expect(await backend.ping()).toBe(false);
  });

  it('rejects unknown schemes with CONFIG_INVALID, and a redis:// nobody answers with STORE_UNAVAILABLE', async () => {
    await expect(createKeyvBackend('postgres://x')).rejects.toSatisfy((err) => isAppError(err, 'CONFIG_INVALID'));
    // Port 1 on loopback: connection refused at once.
    await expect(createKeyvBackend('redis://127.0.0.1:1')).rejects.toSatisfy((err) => isAppError(err, 'STORE_UNAVAILABLE'));
  });

  it('sqlite:// creates the parent directory (relative to cwd) and persists across reopen', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'store.sqlite');
    const url = `sqlite://${path.relative(process.cwd(), file)}`;
    const first = await open(url, { namespace: 'app' });
    await first.keyv('checkpoints').set('cursor', { at: 42 });
    expect(await first.ping()).toBe(true);
    await first.close();
    expect(await first.ping()).toBe(false);
    expect((await stat(file)).isFile()).toBe(true);

    const second = await open(`sqlite://${file}`, { namespace: 'app' });
    expect(await second.keyv('checkpoints').get('cursor')).toEqual({ at: 42 });
    const unprefixed = await open(`sqlite://${file}`);
    expect(await unprefixed.keyv('checkpoints').get('cursor')).toBeUndefined();
  });

  it('reports an unopenable sqlite file as STORE_UNAVAILABLE', async () => {
    // A directory cannot be opened as a database file.
    await expect(createKeyvBackend(`sqlite://${dir}`)).rejects.toSatisfy((err) => isAppError(err, 'STORE_UNAVAILABLE'));
  });

  it('sqlite:// gives every namespace its own adapter: clearing one leaves the others (a shared one cleared the last)', async () => {
    const backend = await open(`sqlite://${path.join(dir, 'store.sqlite')}`, { namespace: 'app' });
    await backend.keyv('summaries').set('k', 's');
    await backend.keyv('tasks').set('k', 't');
    await backend.keyv('summaries').clear();
    expect(await backend.keyv('summaries').get('k')).toBeUndefined();
    expect(await backend.keyv('tasks').get('k')).toBe('t');
  });

  it('a store failure is thrown to the caller and logged once with its namespace', async () => {
    const errors: Array<{ namespace?: string }> = [];
    const logger = { error: (obj: { namespace?: string }) => errors.push(obj), warn: () => undefined } as unknown as Logger;
    const backend = await createKeyvBackend(`sqlite://${path.join(dir, 'store.sqlite')}`, { logger });
    const tasks = backend.keyv('tasks');
    await backend.close(); // the connection is gone: every call now fails
    await expect(tasks.set('k', 'v')).rejects.toThrow();
    await expect(tasks.get('k')).rejects.toThrow();
    expect(errors.map((e) => e.namespace)).toEqual(['tasks', 'tasks']);
  });
});

describe('store file permissions', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask();
  });
  afterEach(() => {
    process.umask(umask);
  });

  const mode = async (p: string): Promise<string> => ((await stat(p)).mode & 0o777).toString(8);

  // 0o000 lets everyone read what is created; 0o277 would even strip the owner's write bit.
  it.each([
    ['000', 0o000],
    ['022', 0o022],
    ['277', 0o277],
  ])('umask %s: created directories 0700, database, -wal and -shm 0600', async (_label, mask) => {
    await chmod(dir, 0o755); // an existing parent, as an operator made it
    process.umask(mask);
    const file = path.join(dir, 'data', 'nested', 'wrapup.sqlite');
    const backend = await open(`sqlite://${file}`);
    await backend.keyv('summaries').set('conversation', { summary: 'private' }); // the WAL now holds a frame
    expect(await mode(path.join(dir, 'data'))).toBe('700');
    expect(await mode(path.join(dir, 'data', 'nested'))).toBe('700');
    expect(await mode(file)).toBe('600');
    expect(await mode(`${file}-wal`)).toBe('600');
    expect(await mode(`${file}-shm`)).toBe('600');
    expect(await mode(dir), 'a directory that already existed is left as it was').toBe('755');
  });

  it('restricts a database (and side files) an older release left 0644, and keeps its data', async () => {
    const file = path.join(dir, 'wrapup.sqlite');
    const first = await open(`sqlite://${file}`);
    await first.keyv('summaries').set('kept', 1);
    await first.close();
    await chmod(file, 0o644);
    await writeFile(`${file}-journal`, ''); // a leftover (empty, so not a hot journal) from the rollback-journal days
    await chmod(`${file}-journal`, 0o644);

    const second = await open(`sqlite://${file}`);
    expect(await second.keyv('summaries').get('kept')).toBe(1);
    expect(await mode(file)).toBe('600');
    expect(await mode(`${file}-journal`)).toBe('600');
  });
});
