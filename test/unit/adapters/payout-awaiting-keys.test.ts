import { describe, expect, it } from 'vitest';
import {
  AWAITING_SHARDS,
  awaitingIndexKeys,
  awaitingShardOf,
  payoutFromItem,
  payoutItem,
} from '../../../functions/adapters/payout-items';
import { PayoutsRepository } from '../../../functions/adapters/payouts-repository';
import {
  isAwaitingProvider,
  PAYOUT_STATUSES,
  type PayoutEvent,
  type PayoutStatus,
} from '../../../functions/domain/lifecycle';
import type { Payout } from '../../../functions/domain/payout';

// The sparse "awaiting provider" index (gsi3): which payout items carry its keys, and how a
// transition sets or removes them in the same write that moves the status.
const base: Payout = {
  payoutId: 'po_01M89XYK2HYNJ4KXP901EKYA5S',
  tenantId: 'acme',
  idempotencyKey: 'k',
  status: 'submitted',
  version: 1,
  amountMinor: 100,
  currency: 'EUR',
  provider: 'sandbox',
  destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
  recipient: { name: 'A' },
  createdAt: '2026-01-01T00:00:00.000Z',
  lastEventAt: '2026-01-02T00:00:00.000Z',
  requestIds: ['r1'],
};

describe('gsi3 keys on the payout item', () => {
  it.each(PAYOUT_STATUSES)('status %s: keys present iff the payout awaits the provider', (status) => {
    const item = payoutItem({ ...base, status });
    if (isAwaitingProvider(status)) {
      expect(item['gsi3pk']).toBe(`AWAITING#${String(awaitingShardOf(base.payoutId)).padStart(2, '0')}`);
      expect(item['gsi3sk']).toBe(`${base.lastEventAt}#${base.payoutId}`);
    } else {
      expect(item).not.toHaveProperty('gsi3pk');
      expect(item).not.toHaveProperty('gsi3sk');
    }
    // Bookkeeping, not part of the payout.
    expect(payoutFromItem(item)).toEqual({ ...base, status });
  });

  it('the shard is stable per payout id, in range, and spreads ids over every shard', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const id = `po_${i.toString(36).padStart(8, '0')}`;
      const shard = awaitingShardOf(id);
      expect(Number.isInteger(shard) && shard >= 0 && shard < AWAITING_SHARDS).toBe(true);
      expect(awaitingShardOf(id)).toBe(shard);
      seen.add(shard);
    }
    expect(seen.size).toBe(AWAITING_SHARDS);
    expect(awaitingIndexKeys({ ...base, lastEventAt: '2026-03-01T00:00:00.000Z' })?.gsi3pk).toBe(
      awaitingIndexKeys(base)?.gsi3pk,
    );
  });

  it('sort keys order by last news, oldest first', () => {
    const older = awaitingIndexKeys({ ...base, payoutId: 'po_z', lastEventAt: '2026-01-01T00:00:00.000Z' })!.gsi3sk;
    const newer = awaitingIndexKeys({ ...base, payoutId: 'po_a', lastEventAt: '2026-01-01T00:00:01.000Z' })!.gsi3sk;
    expect(older < newer).toBe(true);
    expect(older < '2026-01-01T00:00:01.000Z' && newer > '2026-01-01T00:00:01.000Z').toBe(true);
  });
});

describe('gsi3 keys in a transition', () => {
  async function updateOf(from: PayoutStatus, event: PayoutEvent) {
    let update: any;
    const client = {
      send: async (cmd: any) => {
        // The payout's audit chain head: none yet (the audit items ride in the transaction).
        if (cmd.input.TableName === 'AuditTable') return {};
        if (cmd.constructor.name === 'GetCommand') return { Item: payoutItem({ ...base, status: from }) };
        update = cmd.input.TransactItems[0].Update;
        return {};
      },
    };
    const repo = new PayoutsRepository({
      client: client as never,
      payoutsTable: 'PayoutsTable',
      ledgerTable: 'LedgerTable',
      auditTable: 'AuditTable',
    });
    const result = await repo.applyTransition({
      payoutId: base.payoutId,
      event,
      source: 'poller',
      sourceRef: 'poll:1',
      occurredAt: '2026-01-03T00:00:00.000Z',
      recordedAt: '2026-01-03T00:00:00.000Z',
      actor: { kind: 'system', id: 'sweep' },
      claim: { provider: base.provider },
    });
    expect(result.kind).toBe('applied');
    return update as { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> };
  }

  it.each([
    ['requires_approval', 'approved'],
    ['submitted', 'provider_accepted'],
    ['accepted', 'provider_pending'],
  ] as const)('%s --%s--> still awaiting (or now): SET with the new lastEventAt', async (from, event) => {
    const update = await updateOf(from, event);
    expect(update.UpdateExpression).toContain('gsi3pk = :gsi3pk, gsi3sk = :gsi3sk');
    expect(update.UpdateExpression).not.toContain('REMOVE');
    expect(update.ExpressionAttributeValues[':gsi3sk']).toBe(`2026-01-03T00:00:00.000Z#${base.payoutId}`);
  });

  it.each([
    ['submitted', 'canceled_by_operator'],
    ['submitted', 'submission_rejected'],
    ['accepted', 'provider_paid'],
    ['pending', 'provider_failed'],
    ['pending', 'provider_canceled'],
    ['paid', 'provider_reversed'],
  ] as const)('%s --%s--> no longer awaiting: REMOVE in the same update', async (from, event) => {
    const update = await updateOf(from, event);
    expect(update.UpdateExpression).toMatch(/ REMOVE gsi3pk, gsi3sk$/);
    expect(update.ExpressionAttributeValues).not.toHaveProperty(':gsi3pk');
  });
});
