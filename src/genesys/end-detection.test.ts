import { describe, expect, it } from 'vitest';
import { createEndedFilter, isConversationOver } from './end-detection.js';
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
