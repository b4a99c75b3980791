import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { createKeyvBackend, type KeyvBackend } from './keyv-backend.js';
import { createCheckpointStore } from './checkpoint-store.js';

describe('checkpoint store', () => {
  let backend: KeyvBackend | undefined;
  afterEach(async () => backend?.close());

  it('reads back a mark, undefined when none was written, and 0 (not undefined) for an unreadable record', async () => {
    backend = await createKeyvBackend('memory://');
    const keyv = backend.keyv('checkpoints');
    const store = createCheckpointStore({ keyv, logger: silentLogger() });
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', 1_767_225_600_000.7);
    expect(await store.get('a')).toBe(1_767_225_600_000);
    await keyv.set('b', { schema_version: 9, at: 'yesterday' });
    expect(await store.get('b')).toBe(0);
  });
});
