import { mkdtemp, rm, stat } from 'node:fs/promises';
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

  it('rejects redis:// and unknown schemes with CONFIG_INVALID', async () => {
    await expect(createKeyvBackend('redis://localhost:6379')).rejects.toSatisfy(
      (err) => isAppError(err, 'CONFIG_INVALID') && /not available yet/.test((err as Error).message),
    );
    await expect(createKeyvBackend('postgres://x')).rejects.toSatisfy((err) => isAppError(err, 'CONFIG_INVALID'));
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
