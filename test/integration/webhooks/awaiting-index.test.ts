// The sparse "awaiting provider" index (gsi3) on DynamoDB Local: kept by create and every
// transition, and read by the sweeper instead of a Scan of the whole payouts table.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import { DeadLetterQueue } from '../../../functions/adapters/dlq';
import {
  AWAITING_INDEX,
  AWAITING_SHARD_PAGE_ITEMS,
  PayoutAwaitingIndex,
} from '../../../functions/adapters/payout-awaiting-index';
import { awaitingIndexKeys, awaitingShardOf } from '../../../functions/adapters/payout-items';
import { payoutExceptionOwnerUpdater } from '../../../functions/adapters/payout-exception-owner';
import { ReconciliationPayoutsSource } from '../../../functions/adapters/reconciliation/payouts-source';
import { RecheckMarkers } from '../../../functions/adapters/recheck-markers';
import type { ProviderPort } from '../../../functions/domain/provider-port';
import { mapSandboxState } from '../../../functions/domain/provider-status';
import type { TransitionCommand } from '../../../functions/domain/payout';
import { STALE_AFTER_SECONDS_DEFAULT } from '../../../functions/domain/staleness';
import { sweep } from '../../../functions/app/sweeper/sweep';
import { startEmulators, type StartedEmulators } from '../../support/emulators';
import { samplePayout } from '../payouts/helpers';
import { harness } from './harness';

let emulators: StartedEmulators;
let h: ReturnType<typeof harness>;

beforeAll(async () => {
  emulators = await startEmulators();
  h = harness(emulators);
});
afterAll(async () => emulators?.stop());

/** The payout's gsi3 entry, if any: its shard queried the way the sweeper does. */
async function indexEntry(payoutId: string): Promise<Record<string, unknown> | undefined> {
  const payout = await h.payouts.getPayoutById(payoutId);
  const shardPk = awaitingIndexKeys({ payoutId, status: 'submitted', lastEventAt: payout!.lastEventAt })!.gsi3pk;
  const { Items = [] } = await emulators.clients.documentClient.send(
    new QueryCommand({
      TableName: emulators.env['PAYOUTS_TABLE']!,
      IndexName: AWAITING_INDEX,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': shardPk },
    }),
  );
  return Items.find((item) => item['payoutId'] === payoutId);
}

let clock = Date.now();
const command = (payoutId: string, event: TransitionCommand['event']): TransitionCommand => {
  const at = new Date((clock += 1_000)).toISOString();
  return {
    payoutId,
    event,
    source: 'provider_webhook',
    sourceRef: `evt-${ulid()}`,
    occurredAt: at,
    recordedAt: at,
    actor: { kind: 'provider', id: 'sandbox' },
    claim: { provider: 'sandbox' },
  };
};

describe('gsi3 follows the payout', () => {
  it('a created payout is in the index; accepted and pending move its sort key; paid takes it out', async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const id = created.payout.payoutId;
    expect(await indexEntry(id)).toMatchObject({
      gsi3sk: `${created.payout.lastEventAt}#${id}`,
      status: 'submitted',
      currency: created.payout.currency,
      destination: { country: created.payout.destination.country },
    });
    for (const [event, status] of [
      ['provider_accepted', 'accepted'],
      ['provider_pending', 'pending'],
    ] as const) {
      const cmd = command(id, event);
      expect((await h.payouts.applyTransition(cmd)).kind).toBe('applied');
      expect(await indexEntry(id)).toMatchObject({
        gsi3sk: `${cmd.recordedAt}#${id}`,
        status,
        lastEventAt: cmd.recordedAt,
      });
    }
    expect((await h.payouts.applyTransition(command(id, 'provider_paid'))).kind).toBe('applied');
    expect(await indexEntry(id)).toBeUndefined();
  });

  it.each([
    ['failed', 'provider_failed'],
    ['canceled', 'provider_canceled'],
    ['canceled', 'canceled_by_operator'],
  ] as const)('leaves the index when %s (%s)', async (_status, event) => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    expect(await indexEntry(created.payout.payoutId)).toBeDefined();
    expect((await h.payouts.applyTransition(command(created.payout.payoutId, event))).kind).toBe('applied');
    expect(await indexEntry(created.payout.payoutId)).toBeUndefined();
  });

  it('a payout that never awaited the provider (requires_approval) is not indexed until approved', async () => {
    const created = samplePayout({ status: 'requires_approval' });
    await h.payouts.createPayout(created);
    expect(await indexEntry(created.payout.payoutId)).toBeUndefined();
    expect(
      (
        await h.payouts.applyTransition({
          ...command(created.payout.payoutId, 'approved'),
          source: 'operator',
          actor: { kind: 'operator', id: 'ops', role: 'ops' },
        })
      ).kind,
    ).toBe('applied');
    expect(await indexEntry(created.payout.payoutId)).toMatchObject({ status: 'submitted' });
  });

  it('the other writers of the payout item (exception owner, reconciliation) leave its gsi3 keys alone', async () => {
    const created = samplePayout({ status: 'accepted' });
    await h.payouts.createPayout(created);
    const id = created.payout.payoutId;
    const before = await indexEntry(id);
    await payoutExceptionOwnerUpdater(emulators.clients.documentClient, emulators.env['PAYOUTS_TABLE']!)(id, 'ops');
    await new ReconciliationPayoutsSource({
      client: emulators.clients.documentClient,
      payoutsTable: emulators.env['PAYOUTS_TABLE']!,
      ledgerTable: emulators.env['LEDGER_TABLE']!,
    }).markReconciled([id], new Date().toISOString());
    await payoutExceptionOwnerUpdater(emulators.clients.documentClient, emulators.env['PAYOUTS_TABLE']!)(id, undefined);
    expect(await indexEntry(id)).toEqual(before);
  });

  it('the index has only awaiting payouts and no amounts (projection INCLUDE)', async () => {
    const created = samplePayout();
    await h.payouts.createPayout(created);
    const entry = await indexEntry(created.payout.payoutId);
    expect(entry).not.toHaveProperty('amountMinor');
    expect(entry).not.toHaveProperty('requestIds');
  });
});

describe('the sweeper reads the index', () => {
  it('finds an old accepted payout, ignores a fresh one and a paid one', async () => {
    const old = new Date(Date.now() - (STALE_AFTER_SECONDS_DEFAULT + 600) * 1_000).toISOString();
    const corridor = { destination: { country: 'JP', method: 'bank', fields: {} }, currency: 'JPY' } as const;
    const stale = samplePayout({ status: 'accepted', createdAt: old, lastEventAt: old, ...corridor });
    const fresh = samplePayout({ status: 'accepted', ...corridor });
    const paid = samplePayout({ status: 'paid', createdAt: old, lastEventAt: old, ...corridor });
    for (const p of [stale, fresh, paid]) await h.payouts.createPayout(p);
    const asked: string[] = [];
    const port: ProviderPort = {
      provider: 'sandbox',
      submit: async () => {
        throw new Error('not used');
      },
      cancel: async () => ({ kind: 'unsupported' as const }),
      requestReturn: async () => ({ kind: 'unsupported' as const }),
      getStatus: async ({ payoutId }) => (
        asked.push(payoutId),
        { kind: 'found', providerReference: `sbx_${payoutId}`, state: mapSandboxState('paid'), countAtProvider: 1 }
      ),
    };
    const report = await sweep({
      inbox: h.inbox,
      webhookQueue: h.intakeDeps.queue,
      dlq: new DeadLetterQueue(emulators.clients.sqs),
      dlqUrls: {
        webhook: h.dlqUrl,
        submission: emulators.env['SUBMISSION_DLQ_URL']!,
        reconciliation: emulators.env['RECONCILIATION_DLQ_URL']!,
        batch: emulators.env['BATCH_DLQ_URL']!,
      },
      exceptions: h.exceptions,
      rechecks: new RecheckMarkers(emulators.clients.documentClient, emulators.env['OPERATIONS_TABLE']!),
      payouts: h.payouts,
      awaiting: new PayoutAwaitingIndex(
        emulators.clients.documentClient,
        emulators.env['PAYOUTS_TABLE']!,
        emulators.env['OPERATIONS_TABLE']!,
      ),
      providers: { sandbox: port },
      nowMs: () => Date.now(),
    });
    expect(report).toMatchObject({ applied: 1, errors: 0 });
    expect(asked).toEqual([stale.payout.payoutId]);
    expect((await h.payouts.getPayoutById(stale.payout.payoutId))?.status).toBe('paid');
    expect(await indexEntry(stale.payout.payoutId)).toBeUndefined();
    expect(await indexEntry(fresh.payout.payoutId)).toBeDefined();
    expect(await indexEntry(paid.payout.payoutId)).toBeUndefined();
  });
});

describe('PayoutAwaitingIndex', () => {
  it('reads a shard oldest first a page at a time, resumes where it stopped, and starts over at the end', async () => {
    const index = new PayoutAwaitingIndex(
      emulators.clients.documentClient,
      emulators.env['PAYOUTS_TABLE']!,
      emulators.env['OPERATIONS_TABLE']!,
    );
    const shard = awaitingShardOf(`po_${ulid()}`);
    const ids: string[] = [];
    while (ids.length < AWAITING_SHARD_PAGE_ITEMS + 5) {
      const id = `po_${ulid()}`;
      if (awaitingShardOf(id) === shard) ids.push(id);
    }
    // Quiet since long before anything else in this file; created in reverse so order comes from the key.
    const at = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 1_000).toISOString();
    for (let i = ids.length - 1; i >= 0; i--)
      await h.payouts.createPayout(
        samplePayout({ payoutId: ids[i]!, status: 'accepted', createdAt: at(i), lastEventAt: at(i) }),
      );
    const quietBefore = new Date(Date.UTC(2021, 0, 1)).toISOString();
    const ours = async () =>
      (await index.quietSince(quietBefore)).map((c) => c.payoutId).filter((id) => ids.includes(id));
    expect(await ours()).toEqual(ids.slice(0, AWAITING_SHARD_PAGE_ITEMS));
    expect(await ours()).toEqual(ids.slice(AWAITING_SHARD_PAGE_ITEMS));
    expect(await ours()).toEqual(ids.slice(0, AWAITING_SHARD_PAGE_ITEMS));
  });
});
