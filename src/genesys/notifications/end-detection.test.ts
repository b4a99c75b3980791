import { describe, expect, it } from 'vitest';
import { createEndedFilter, isConversationOver } from './end-detection.js';
import { classifyFrame } from './frames.js';
import { QueueConversationSnapshotSchema, type SnapshotParticipant } from './schemas.js';

const call = (state: string, extra: Record<string, unknown> = {}) => ({ calls: [{ id: `c-${state}`, state, ...extra }] });
const snap = (participants: SnapshotParticipant[]) => QueueConversationSnapshotSchema.parse({ id: 'conv-1', participants });

const customerGone = { purpose: 'customer', endTime: '2026-01-01T10:05:00Z', ...call('disconnected') };

describe('isConversationOver', () => {
  const cases: Array<[string, SnapshotParticipant[], boolean]> = [
    ['customer left but agent still connected', [customerGone, { purpose: 'agent', ...call('connected') }], false],
    ['everyone disconnected (no endTime yet)', [{ purpose: 'customer', ...call('disconnected') }, { purpose: 'agent', ...call('terminated') }], true],
    ['every participant has endTime', [customerGone, { purpose: 'agent', endTime: '2026-01-01T10:05:00Z' }], true],
    ['still in the IVR', [{ purpose: 'customer', ...call('connected') }, { purpose: 'ivr', ...call('connected') }], false],
    ['waiting in queue: acd leg without media does not end it', [{ purpose: 'customer', ...call('connected') }, { purpose: 'acd' }], false],
    ['ended, acd leg without media ignored', [customerGone, { purpose: 'acd' }, { purpose: 'agent', ...call('disconnected') }], true],
    [
      'transfer: agent A gone, agent B connected',
      [
        { purpose: 'customer', ...call('connected') },
        { purpose: 'agent', ...call('disconnected', { disconnectType: 'transfer' }) },
        { purpose: 'agent', ...call('connected') },
      ],
      false,
    ],
    ['messaging: all messages disconnected', [{ purpose: 'customer', messages: [{ state: 'disconnected' }] }, { purpose: 'agent', messages: [{ state: 'disconnected' }] }], true],
    ['no participants', [], false],
    ['only media-less participants', [{ purpose: 'acd' }], false],
    ['states are case-insensitive', [{ purpose: 'customer', ...call('DISCONNECTED') }], true],
  ];
  it.each(cases)('%s', (_name, participants, expected) => {
    expect(isConversationOver(snap(participants))).toBe(expected);
  });

  it('ACW: over by default, not over when waiting for wrap-up until it is applied', () => {
    const inAcw = snap([customerGone, { purpose: 'agent', wrapupRequired: true, ...call('disconnected', { afterCallWork: { state: 'pending' } }) }]);
    expect(isConversationOver(inAcw)).toBe(true);
    expect(isConversationOver(inAcw, { waitForWrapup: true })).toBe(false);
    const wrapped = snap([customerGone, { purpose: 'agent', wrapupRequired: true, wrapup: { code: 'w' }, ...call('disconnected') }]);
    expect(isConversationOver(wrapped, { waitForWrapup: true })).toBe(true);
  });
});

describe('createEndedFilter', () => {
  it('passes an id once per ttl and forgets after it', () => {
    let t = 0;
    const first = createEndedFilter({ ttlMs: 1000, now: () => t });
    expect(first('a')).toBe(true);
    expect(first('a')).toBe(false);
    expect(first('b')).toBe(true);
    t = 999;
    expect(first('a')).toBe(false);
    t = 1000;
    expect(first('a')).toBe(true);
  });

  it('is bounded: the oldest ids are evicted', () => {
    const first = createEndedFilter({ ttlMs: 60_000, maxEntries: 2, now: () => 0 });
    expect([first('a'), first('b'), first('c')]).toEqual([true, true, true]);
    expect(first('a')).toBe(true); // evicted, so seen as new
    expect(first('c')).toBe(false);
  });
});

describe('lenient snapshot parsing', () => {
  const topicName = 'v2.routing.queues.a6f03f8d-bb75-4bcf-8304-2d73a0f21572.conversations';
  const frame = (eventBody: unknown) => JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: 'x' } });
  // Real Genesys may send explicit nulls, new keys, and odd types in fields we never read.
  const endedOddly = {
    id: 'conv-odd',
    maxParticipants: '3',
    recordingState: null,
    securePause: 'no',
    divisions: null,
    recentTransfers: {},
    brandNewField: { nested: [1, 2, 3] },
    participants: [
      {
        id: 7,
        purpose: 'customer',
        name: 12345,
        address: null,
        userId: null,
        queueId: null,
        wrapup: null,
        wrapupRequired: 'yes',
        attributes: 'n/a',
        endTime: '2026-01-01T10:05:00Z',
        calls: [{ id: null, state: 'disconnected', direction: 1, held: 'false', provider: null, afterCallWork: null, afterCallWorkRequired: null, disconnectReasons: 'x' }],
        chats: null,
        callbacks: 'none',
        futureMedia: [{ state: 'connected' }],
      },
      {
        purpose: 'agent',
        connectedTime: 1767261600000,
        startAcwTime: null,
        endAcwTime: null,
        wrapupPrompt: 99,
        conversationRoutingData: null,
        calls: [{ state: 'disconnected', disconnectType: null, connectedTime: 5, afterCallWork: { state: 'complete', startTime: null, endTime: 17 }, extra: true }],
        messages: null,
      },
      null,
    ],
  };

  it('keeps a snapshot with nulls, extra keys and wrong types in irrelevant fields, and still sees the end', () => {
    const classified = classifyFrame(frame(endedOddly));
    expect(classified.kind).toBe('snapshot');
    if (classified.kind !== 'snapshot') return;
    expect(classified.snapshot.id).toBe('conv-odd');
    expect(classified.snapshot.participants).toHaveLength(3);
    expect(isConversationOver(classified.snapshot)).toBe(true);
    expect(isConversationOver(classified.snapshot, { waitForWrapup: true })).toBe(true);
  });

  it('never turns an unreadable media entry or participant list into a false end', () => {
    const odd = structuredClone(endedOddly);
    odd.participants[1] = { purpose: 'agent', calls: ['garbage' as never], messages: null } as never;
    const classified = classifyFrame(frame(odd));
    expect(classified.kind === 'snapshot' && isConversationOver(classified.snapshot)).toBe(false);
    const noList = classifyFrame(frame({ id: 'conv-2', participants: 'nope' }));
    expect(noList.kind === 'snapshot' && noList.snapshot.participants).toEqual([]);
    expect(classifyFrame(frame({ id: null, participants: [] }))).toMatchObject({ kind: 'invalid' });
    expect(classifyFrame(frame({ participants: [] }))).toMatchObject({ kind: 'invalid' });
  });
});
