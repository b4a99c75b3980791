// Each Genesys attempt reports its status to the Metrics port: a 429 then a success are two attempts.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { NOOP_METRICS, type Metrics } from '../../ports.js';
import { createGenesysClient, type GenesysClient } from './client.js';
import { fakeGenesysConfig, isolateSdkHome, startFakeGenesys, type FakeGenesys } from '../../../test/support/genesys.js';

const CONV = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
let fake: FakeGenesys | undefined;
let client: GenesysClient | undefined;

beforeAll(() => isolateSdkHome());
afterEach(async () => {
  client?.close();
  await fake?.close();
});

describe('Genesys client metrics', () => {
  it('reports every attempt with its status, retries and 404s included', async () => {
    fake = await startFakeGenesys();
    const calls: Array<[string, number | undefined]> = [];
    const metrics: Metrics = { ...NOOP_METRICS, genesysCall: (operation, status) => void calls.push([operation, status]) };
    client = createGenesysClient({ config: fakeGenesysConfig(fake.port), logger: silentLogger(), sleep: async () => undefined, metrics });
    let n = 0;
    fake.on('GET', `/api/v2/conversations/${CONV}`, () =>
      ++n === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: { status: 429, code: 'x', message: 'x' } } : { body: { id: CONV } },
    );
    await client.call('getConversation', (apis) => apis.conversations.getConversation(CONV));
    fake.on('GET', /\/api\/v2\/conversations\/0+/, () => ({ status: 404, body: { status: 404, code: 'not.found', message: 'x' } }));
    await client.call('getConversation', (apis) => apis.conversations.getConversation('00000000-0000-4000-8000-000000000000')).catch(() => undefined);
    expect(calls).toEqual([
      ['getConversation', 429],
      ['getConversation', 200],
      ['getConversation', 404],
    ]);
  });
});
