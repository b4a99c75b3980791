// rerun-stale: count and cost caps, dry run, and a full run from the configuration against a sqlite store (the
// command line itself, `wrapup rerun-stale`, is run as a child process in test/cli.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { SummaryRecord } from '../src/domain.js';
import { silentLogger } from '../src/logger.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiEnqueue } from '../src/cli/api-submit.js';
import { formatReport, rerunStale, runFromConfig, type RerunStaleDeps } from '../src/cli/rerun-stale.js';
import { createKeyvBackend, type KeyvBackend } from '../src/store/keyv-backend.js';
import { createSummaryStore, type IndexedSummaryStore } from '../src/store/summary-store.js';
import { createEmbeddedTaskQueue } from '../src/store/task-queue.js';
import { costUsd } from '../src/summarize/llm/pricing.js';
import { sampleRecord } from './support/summaries.js';
import { MODELS } from './support/models.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const STALE = { id: 'default', version: '1.0.0', hash: 'old000000000' };
const usage = { prompt_tokens: 100_000, completion_tokens: 10_000, total_tokens: 110_000 };

let backend: KeyvBackend;
let store: IndexedSummaryStore;
let enqueued: string[];
let dir: string;

beforeEach(async () => {
  backend = await createKeyvBackend('memory://');
  store = createSummaryStore({ keyv: backend.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
  enqueued = [];
  dir = await mkdtemp(path.join(tmpdir(), 'rerun-stale-'));
});
afterEach(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

async function seed(records: Array<Partial<SummaryRecord>>): Promise<void> {
  for (const [i, r] of records.entries()) await store.put(sampleRecord({ conversation_id: id(i + 1), ...r }));
}

function deps(): RerunStaleDeps {
  return {
    summaries: store,
    isStale: (r) => r.template.hash === STALE.hash,
    enqueue: async (conversationId) => void enqueued.push(conversationId),
    estimateCostUsd: (r) => (r.usage ? costUsd('gpt-4o-mini', r.usage, MODELS) : undefined),
  };
}

describe('rerunStale', () => {
  it('queues only stale summaries, stopping at the count cap', async () => {
    await seed([{ template: STALE }, {}, { template: STALE }, { template: STALE }]);
    const report = await rerunStale(deps(), { maxCount: 2, maxCostUsd: 100, dryRun: false });
    expect(enqueued).toEqual([id(1), id(3)]);
    expect(report).toMatchObject({ stale: 3, queued: 2, stoppedBy: 'count' });
  });

  it('stops before the estimated cost would pass the cap; records without usage count only', async () => {
    const each = costUsd('gpt-4o-mini', usage, MODELS);
    expect(each).toBeGreaterThan(0);
    await seed([{ template: STALE, usage }, { template: STALE, usage: undefined }, { template: STALE, usage }, { template: STALE, usage }]);
    const report = await rerunStale(deps(), { maxCount: 10, maxCostUsd: each * 2.5, dryRun: false });
    expect(enqueued).toEqual([id(1), id(2), id(3)]);
    expect(report).toMatchObject({ queued: 3, unpriced: 1, stoppedBy: 'cost' });
    expect(report.estimatedCostUsd).toBeCloseTo(each * 2, 8);
  });

  it('queues nothing in a dry run but reports what it would do', async () => {
    await seed([{ template: STALE, usage }, { template: STALE, usage: undefined }]);
    const report = await rerunStale(deps(), { maxCount: 5, maxCostUsd: 1, dryRun: true });
    expect(enqueued).toEqual([]);
    expect(report).toMatchObject({ scanned: 2, stale: 2, queued: 2, stoppedBy: null });
    expect(formatReport(report, true)).toMatch(/^rerun-stale \(dry run\): scanned=2 stale=2 would_queue=2 unpriced=1 estimated_cost_usd=0\.\d{4} stopped_by=none$/);
  });

  it('runs from the configuration against a sqlite store, enqueuing forced tasks', async () => {
    const url = `sqlite://${path.join(dir, 'db.sqlite')}`;
    const config = loadConfig({ GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 'secret', API_KEYS: 'rerun-api-key-5f1c8a3e7b9d2046a8c3e1f7b5d9', STORE_URL: url });
    const seeded = await createKeyvBackend(url);
    // id(1) was summarized while SUMMARY_MAX_LENGTH was 300: its re-run is at today's default, so it replaces it.
    const earlier = createSummaryStore({ keyv: seeded.keyv('summaries'), defaultMaxLength: 300, logger: silentLogger() });
    await earlier.put(sampleRecord({ conversation_id: id(1), template: STALE, max_length: 300 }));
    const summaries = createSummaryStore({ keyv: seeded.keyv('summaries'), defaultMaxLength: 500, logger: silentLogger() });
    await summaries.put(sampleRecord({ conversation_id: id(2), template: STALE }));
    await seeded.close();

    const args = { maxCount: 1, maxCostUsd: 10, dryRun: false, apiUrl: undefined };
    const report = await runFromConfig(config, args, silentLogger());
    expect(report).toMatchObject({ stale: 2, queued: 1, stoppedBy: 'count' });

    const after = await createKeyvBackend(url);
    const queue = createEmbeddedTaskQueue({ keyv: after.keyv('tasks'), logger: silentLogger() });
    const task = await queue.claim();
    expect(task).toMatchObject({ conversation_id: id(1), max_length: 500, status: 'processing' });
    expect(task?.idempotency_key).toMatch(/:force:/);
    expect(await queue.claim()).toBeUndefined();
    queue.close();
    await after.close();
  });

  it('through the API, waits out a 429 (the key’s task budget) and gives up after ten of them', async () => {
    const answers: number[] = [];
    let refuse = 2;
    const server = createServer((req, res) => {
      req.resume();
      const status = refuse-- > 0 ? 429 : 202;
      answers.push(status);
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const enqueue = apiEnqueue(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'k');
      await enqueue(id(1));
      expect(answers).toEqual([429, 429, 202]);
      refuse = 100;
      await expect(enqueue(id(2))).rejects.toMatchObject({ upstreamStatus: 429 });
      expect(answers.length).toBe(3 + 11);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
