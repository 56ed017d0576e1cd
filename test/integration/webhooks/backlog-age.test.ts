// Issue 11 §3, the webhook backlog age on DynamoDB Local + fauxqs: the inbox's sparse gsi3 holds an
// event from its receipt until an outcome is recorded (applied, duplicate, ignored, …) or its
// message dead-letters; the oldest entry is one Query. The pipeline is the real one (harness.ts).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_UNAPPLIED_INDEX_NAME } from '../../../functions/shared/names';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness, MAX_RECEIVE_COUNT, sandboxEvent } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;
let queries = 0;
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const evt = () => `evt_backlog_${ulid()}`;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
  emulators.clients.documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name: 'backlogQueryCounter', override: true },
  );
});
afterAll(async () => emulators?.stop());

async function oldest(): Promise<string | null> {
  queries = 0;
  const at = await h.inbox.oldestUnappliedReceivedAt();
  expect(queries).toBe(1); // one Limit: 1 Query, however long the backlog
  return at;
}

async function newPayout(): Promise<string> {
  const created = samplePayout({ status: 'submitted' });
  await h.payouts.createPayout(created);
  return created.payout.payoutId;
}

describe('webhook backlog age (inbox gsi3)', () => {
  it('holds received events until applied: the oldest first, none once drained', async () => {
    expect(await oldest()).toBeNull();
    h.setNow(() => T0);
    await h.deliverSandbox(evt(), sandboxEvent(await newPayout(), 'accepted'));
    h.setNow(() => T0 + 60_000);
    await h.deliverSandbox(evt(), sandboxEvent(await newPayout(), 'accepted'));
    expect(await oldest()).toBe(new Date(T0).toISOString());
    expect((await h.drain()).sort()).toEqual(['applied', 'applied']);
    expect(await oldest()).toBeNull();
  });

  it('an ignored event type leaves the backlog too (an outcome was recorded)', async () => {
    h.setNow(() => T0);
    await h.deliverStripe(evt(), 'charge.succeeded', { id: 'ch_1' });
    expect(await oldest()).toBe(new Date(T0).toISOString());
    expect(await h.drain()).toEqual(['ignored']);
    expect(await oldest()).toBeNull();
  });

  it('a failing event stays in the backlog while retried and leaves it when it dead-letters', async () => {
    h.setNow(() => T0 + 5_000);
    const eventId = evt();
    await h.deliverSandbox(eventId, sandboxEvent(samplePayout().payout.payoutId, 'accepted')); // payout unknown
    expect(await h.drain(MAX_RECEIVE_COUNT - 1)).toEqual(Array(MAX_RECEIVE_COUNT - 1).fill('failed'));
    expect(await oldest()).toBe(new Date(T0 + 5_000).toISOString());
    expect(await h.drain(1)).toEqual(['failed']); // the attempt that dead-letters
    expect(await oldest()).toBeNull();
    expect(await h.drain(1)).toEqual([]); // SQS moves it on the next receive
    expect(await h.depth(h.dlqUrl)).toBe(1);
    // The inbox item is still the evidence, without the index keys leaking into the event.
    const stored = await h.inbox.get('sandbox', eventId);
    expect(stored).toMatchObject({ errorCount: MAX_RECEIVE_COUNT, state: 'enqueued' });
    expect(Object.keys(stored ?? {}).filter((key) => key.startsWith('gsi'))).toEqual([]);
  });

  it('is sparse: only waiting events carry the index keys', async () => {
    const payoutId = await newPayout();
    h.setNow(() => T0 + 10_000);
    await h.deliverSandbox(evt(), sandboxEvent(payoutId, 'accepted'));
    const waiting = await emulators.clients.documentClient.send(
      new QueryCommand({
        TableName: emulators.env['INBOX_TABLE']!,
        IndexName: INBOX_UNAPPLIED_INDEX_NAME,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': 'INBOX#UNAPPLIED' },
      }),
    );
    expect(waiting.Items?.map((item) => String(item['gsi3sk']).slice(0, 24))).toEqual([
      new Date(T0 + 10_000).toISOString(),
    ]);
    await h.drain();
    expect(await oldest()).toBeNull();
  });
});
