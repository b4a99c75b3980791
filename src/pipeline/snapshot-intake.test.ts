import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { silentLogger } from '../logger.js';
import { QueueConversationSnapshotSchema } from '../genesys/notifications/schemas.js';
import { createSnapshotIntake } from './snapshot-intake.js';

const ID = '74a9811f-9eee-4b75-b53b-2cb4959b90f1';
const ended = QueueConversationSnapshotSchema.parse({
  id: ID,
  participants: [
    { purpose: 'customer', endTime: '2026-01-01T10:05:00Z', calls: [{ id: 'c1', state: 'disconnected' }] },
    { purpose: 'agent', endTime: '2026-01-01T10:05:00Z', calls: [{ id: 'c2', state: 'disconnected' }] },
  ],
});
const active = QueueConversationSnapshotSchema.parse({
  id: ID,
  participants: [{ purpose: 'customer', calls: [{ id: 'c1', state: 'connected' }] }],
});

describe('snapshot intake', () => {
  it('queues an ended conversation once, however many snapshots repeat it', async () => {
    const calls: string[] = [];
    const intake = createSnapshotIntake({
      service: { conversationEnded: async (id) => (calls.push(id), {} as never) },
      logger: silentLogger(),
    });
    await intake.onSnapshot(active);
    for (let i = 0; i < 5; i++) await intake.onSnapshot(ended);
    expect(calls).toEqual([ID]);
  });

  it('tries again on the next snapshot when recording the task failed', async () => {
    let attempts = 0;
    const intake = createSnapshotIntake({
      service: {
        conversationEnded: async () => {
          attempts += 1;
          if (attempts === 1) throw new AppError('STORE_UNAVAILABLE', 'store down', { retryable: true });
          return {} as never;
        },
      },
      logger: silentLogger(),
    });
    await intake.onSnapshot(ended);
    await intake.onSnapshot(ended);
    await intake.onSnapshot(ended);
    expect(attempts).toBe(2);
    expect(intake.accepted()).toBe(1);
  });
});

describe('snapshot intake failures', () => {
  it('reports a conversation it could not record, so backfill can hold the checkpoint', async () => {
    const failures: Array<{ id: string; code: string }> = [];
    const intake = createSnapshotIntake({
      service: {
        conversationEnded: async () => {
          throw new AppError('STORE_UNAVAILABLE', 'store down', { retryable: true });
        },
      },
      logger: silentLogger(),
      onFailure: (id, error) => failures.push({ id, code: error.code }),
    });
    await intake.onSnapshot(active);
    await intake.onSnapshot(ended);
    expect(failures).toEqual([{ id: ID, code: 'STORE_UNAVAILABLE' }]);
    expect(intake.accepted()).toBe(0);
  });
});

describe('snapshot intake in flight', () => {
  it('reports the receipt time of the oldest enqueue in flight, and passes it with a failure', async () => {
    let clock = 1000;
    let fail!: (err: unknown) => void;
    const failures: Array<{ id: string; receivedAt: number }> = [];
    const intake = createSnapshotIntake({
      service: { conversationEnded: () => new Promise((_, reject) => (fail = reject)) },
      logger: silentLogger(),
      now: () => clock,
      onFailure: (id, _error, receivedAt) => failures.push({ id, receivedAt }),
    });
    expect(intake.oldestInFlight()).toBeUndefined();
    const pending = intake.onSnapshot(ended);
    clock = 5000;
    expect(intake.oldestInFlight()).toBe(1000);
    fail(new AppError('STORE_UNAVAILABLE', 'store down', { retryable: true }));
    await pending;
    expect(failures).toEqual([{ id: ID, receivedAt: 1000 }]);
    expect(intake.oldestInFlight()).toBeUndefined();
  });
});
