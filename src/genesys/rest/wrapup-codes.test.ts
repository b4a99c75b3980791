import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { startGenesysSim, type GenesysSim } from '../../sim/genesys-sim.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';
import { createWrapupCodeCache } from './wrapup-codes.js';

let sim: GenesysSim | undefined;
let fake: FakeGenesys | undefined;
let client: GenesysClient | undefined;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  client?.close();
  await sim?.close();
  await fake?.close();
  sim = fake = client = undefined;
});

const codesPath = (queueId: string) => `/api/v2/routing/queues/${queueId}/wrapupcodes`;

describe('wrap-up code cache', () => {
  it("reads a queue's codes from the simulator through the real SDK, caches them and 404s unknown queues", async () => {
    sim = await startGenesysSim();
    client = createGenesysClient({ config: fakeGenesysConfig(Number(new URL(sim.url).port), { clientId: sim.clientId, clientSecret: sim.clientSecret }), logger: silentLogger() });
    const cache = createWrapupCodeCache({ client, logger: silentLogger() });
    const queue = sim.queues[0]!;
    expect(await cache.forQueue(queue.id)).toEqual(queue.wrapupCodes);
    expect(await cache.forQueue(queue.id)).toEqual(queue.wrapupCodes);
    expect(sim.stats.requests.filter((r) => r.path === codesPath(queue.id))).toHaveLength(1);
    const err = await cache.forQueue('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(isAppError(err, 'NOT_FOUND')).toBe(true);
  });

  it('pages through every page, shares one lookup between concurrent callers and refreshes after the TTL', async () => {
    fake = await startFakeGenesys();
    const queueId = 'q-1';
    let version = 'a';
    fake.on('GET', codesPath(queueId), (req) => {
      const page = Number(req.query.get('pageNumber'));
      expect(req.query.get('pageSize')).toBe('100');
      const entities = Array.from({ length: page < 3 ? 100 : 5 }, (_, i) => ({ id: `${version}-${page}-${i}`, name: `Code ${page}.${i}` }));
      return { body: { entities, pageNumber: page, pageSize: 100, pageCount: 3, total: 205 }, delayMs: 20 };
    });
    client = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger() });
    let now = 0;
    const cache = createWrapupCodeCache({ client, ttlMs: 1000, logger: silentLogger(), now: () => now });
    const [first, second] = await Promise.all([cache.forQueue(queueId), cache.forQueue(queueId)]);
    expect(first).toHaveLength(205);
    expect(second).toEqual(first);
    const pages = () => fake!.requests.filter((r) => r.path === codesPath(queueId)).map((r) => r.query.get('pageNumber'));
    expect(pages()).toEqual(['1', '2', '3']);
    now = 999;
    await cache.forQueue(queueId);
    expect(pages()).toHaveLength(3);
    now = 1000;
    version = 'b';
    expect((await cache.forQueue(queueId))[0]?.id).toBe('b-1-0');
    expect(pages()).toHaveLength(6);
  });
});
