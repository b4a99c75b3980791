// The memory tier and validators end to end (real service, simulator, OpenAI fake, real HTTP): ETag and 304, HEAD, and
// after a forced re-run every read sees the new bytes under a new ETag; a forced other length leaves the default read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY, waitFor } from './helpers.js';
import { SUMMARY_TIMEOUT_MS, startRig, waitConnected, type Rig } from './faults/rig.js';

describe('summary reads through the memory tier', () => {
  let rig: Rig;
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${rig.wrapup.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_API_KEY}`, ...headers } });
  const submit = async (body: unknown) =>
    (await fetch(`${rig.wrapup.url}/api/summary/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json())) as { task_id: string };
  const completed = (taskId: string) =>
    waitFor(async () => {
      const status = (await get(`/api/summary/status/${taskId}`).then((r) => r.json())) as { status: string };
      return status.status === 'completed' ? status : undefined;
    }, SUMMARY_TIMEOUT_MS);

  beforeAll(async () => {
    rig = await startRig({ tweak: (config) => void (config.limits.forceIntervalMs = 0) });
    await waitConnected(rig);
  });
  afterAll(async () => rig?.close());

  it('serves a strong ETag, 304 on a match, HEAD without a body; a forced re-run changes bytes and ETag for every read', async () => {
    const conversation = await rig.play(50, rig.sim.scenarios.find((s) => s.mediaType === 'message')!.key);
    await waitFor(() => rig.wrapup.service.getSummary(conversation.id), SUMMARY_TIMEOUT_MS);
    const path = `/api/summary/${conversation.id}`;

    const first = await get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const body = await first.text();
    const again = await get(path);
    expect([again.headers.get('etag'), await again.text()]).toEqual([etag, body]);

    for (const match of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const notModified = await get(path, { 'if-none-match': match });
      expect(notModified.status, match).toBe(304);
      expect(notModified.headers.get('etag')).toBe(etag);
      expect(notModified.headers.get('cache-control')).toBe('private, no-cache');
      expect(await notModified.text()).toBe('');
    }
    expect((await get(path, { 'if-none-match': '"other"' })).status).toBe(200);

    const head = await get(path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');

    // Another length, forced, sits beside the default summary: the default read keeps its bytes and ETag.
    await completed((await submit({ conversation_id: conversation.id, max_length: 200, force: true })).task_id);
    const beside = await get(path);
    expect([beside.headers.get('etag'), await beside.text()]).toEqual([etag, body]);

    // A forced re-run at the default length replaces it: the next read, conditional or not, gets the new bytes.
    const forced = await submit({ conversation_id: conversation.id, force: true });
    await completed(forced.task_id);
    const conditional = await get(path, { 'if-none-match': etag });
    expect(conditional.status).toBe(200);
    const newTag = conditional.headers.get('etag')!;
    expect(newTag).not.toBe(etag);
    const replaced = JSON.parse(await conditional.text()) as { task_id: string };
    expect(replaced.task_id).toBe(forced.task_id);
    const after = await get(path);
    expect(after.headers.get('etag')).toBe(newTag);
    expect(((await after.json()) as { task_id: string }).task_id).toBe(forced.task_id);
    expect((await get(path, { 'if-none-match': newTag })).status).toBe(304);
  });
});
