import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { PayoutsRepository, ProviderReferenceConflictError } from '../../../functions/adapters/payouts-repository';
import type { Payout, TransitionCommand } from '../../../functions/domain/payout';

// How applyTransition enforces event ownership against a scripted client: a refusal decided on the
// read writes nothing; a reference the payout does not hold yet is checked in the same transaction
// against the provider-reference index, and a taken one is a refusal naming the holder.

const base: Payout = {
  payoutId: 'po_P3',
  tenantId: 'acme',
  idempotencyKey: 'k',
  status: 'pending',
  version: 3,
  amountMinor: 12_500,
  currency: 'EUR',
  provider: 'sandbox',
  destination: { country: 'DE', method: 'sepa', fields: { iban: '••••3000' } },
  recipient: { name: 'A' },
  createdAt: '2026-01-01T00:00:00.000Z',
  lastEventAt: '2026-01-01T00:00:00.000Z',
  requestIds: ['r1'],
};
const at = '2026-01-01T00:00:01.000Z';
const webhook = (extra: Partial<TransitionCommand> = {}): TransitionCommand => ({
  payoutId: base.payoutId,
  event: 'provider_paid',
  source: 'provider_webhook',
  sourceRef: 'evt_1',
  occurredAt: at,
  recordedAt: at,
  actor: { kind: 'provider', id: 'sandbox' },
  claim: { provider: 'sandbox' },
  dedup: { provider: 'sandbox', providerEventId: 'evt_1' },
  ...extra,
});

function canceledAt(items: unknown[], failing: (item: any) => boolean): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'canceled',
    $metadata: {},
    CancellationReasons: items.map((item) => ({ Code: failing(item) ? 'ConditionalCheckFailed' : 'None' })),
  });
}
const isRefItem = (item: any) => String((item.Put?.Item ?? item.ConditionCheck?.Key)?.pk ?? '').startsWith('PROVREF#');

function scripted(payout: Payout, options: { refHeldBy?: string } = {}) {
  const transactions: any[][] = [];
  const gets: string[] = [];
  const client = {
    send: async (cmd: any) => {
      const name = cmd.constructor.name;
      // The payout's audit chain head: none yet (the audit items ride in the transaction).
      if (cmd.input.TableName === 'AuditTable') return {};
      if (name === 'GetCommand') {
        gets.push(cmd.input.Key.pk);
        if (cmd.input.Key.sk === 'PAYOUT')
          return { Item: { pk: `PAYOUT#${payout.payoutId}`, sk: 'PAYOUT', ...payout } };
        return { Item: options.refHeldBy === undefined ? undefined : { payoutId: options.refHeldBy } };
      }
      if (name === 'TransactWriteCommand') {
        const items = cmd.input.TransactItems;
        transactions.push(items);
        if (options.refHeldBy !== undefined && items.some(isRefItem)) throw canceledAt(items, isRefItem);
        return {};
      }
      throw new Error(`unexpected ${name}`);
    },
  };
  return {
    repo: new PayoutsRepository({
      client: client as never,
      payoutsTable: 'PayoutsTable',
      ledgerTable: 'LedgerTable',
      auditTable: 'AuditTable',
    }),
    transactions,
    gets,
  };
}

describe('refusals decided on the payout read write nothing', () => {
  it.each([
    ['provider', { claim: { provider: 'stripe' } }],
    ['provider_reference', { providerReference: 'sbx_po_4' }],
    ['amount', { claim: { provider: 'sandbox', amountMinor: 1 } }],
    ['currency', { claim: { provider: 'sandbox', currency: 'USD' } }],
  ] as const)('%s', async (check, extra) => {
    const { repo, transactions } = scripted({ ...base, providerReference: 'sbx_po_3' });
    const result = await repo.applyTransition(webhook(extra));
    expect(result).toMatchObject({ kind: 'rejected_ownership', payout: { payoutId: 'po_P3', status: 'pending' } });
    if (result.kind === 'rejected_ownership') expect(result.mismatches.map((m) => m.check)).toEqual([check]);
    expect(transactions).toHaveLength(0);
  });
});

describe('a reference the payout does not hold yet', () => {
  it('a transition records it with a condition on the index item', async () => {
    const { repo, transactions } = scripted(base);
    expect(await repo.applyTransition(webhook({ providerReference: 'sbx_po_3' }))).toMatchObject({
      kind: 'applied',
      payout: { providerReference: 'sbx_po_3' },
    });
    const ref = transactions[0]!.find(isRefItem);
    expect(ref.Put).toMatchObject({
      Item: { pk: 'PROVREF#sandbox#sbx_po_3', payoutId: 'po_P3' },
      ConditionExpression: 'attribute_not_exists(pk) OR payoutId = :payoutId',
    });
  });

  it('a stale event records nothing but checks it against the index in the same transaction', async () => {
    const { repo, transactions } = scripted({ ...base, status: 'paid' });
    expect(
      await repo.applyTransition(webhook({ event: 'provider_pending', providerReference: 'sbx_po_3' })),
    ).toMatchObject({ kind: 'stale' });
    const ref = transactions[0]!.find(isRefItem);
    expect(ref.ConditionCheck).toMatchObject({
      Key: { pk: 'PROVREF#sandbox#sbx_po_3', sk: 'PROVREF' },
      ConditionExpression: 'attribute_not_exists(pk) OR payoutId = :payoutId',
    });
  });

  it.each([
    ['transition', 'pending', 'provider_paid'],
    ['stale', 'paid', 'provider_pending'],
    ['forbidden', 'failed', 'provider_paid'],
  ] as const)(
    'held by another payout (%s): rejected_ownership naming the holder, nothing retried',
    async (_name, status, event) => {
      const { repo, transactions, gets } = scripted({ ...base, status }, { refHeldBy: 'po_P4' });
      const result = await repo.applyTransition(webhook({ event, providerReference: 'sbx_po_4' }));
      expect(result).toEqual({
        kind: 'rejected_ownership',
        payout: expect.objectContaining({ status }),
        mismatches: [{ check: 'provider_reference', payout: null, claimed: 'sbx_po_4', heldBy: 'po_P4' }],
      });
      expect(transactions).toHaveLength(1);
      expect(gets).toContain('PROVREF#sandbox#sbx_po_4');
    },
  );

  it("without a claim (the submitter's own answer) a taken reference stays a ProviderReferenceConflictError", async () => {
    const { repo } = scripted({ ...base, status: 'submitted' }, { refHeldBy: 'po_P4' });
    const {
      claim: _claim,
      dedup: _dedup,
      ...rest
    } = webhook({ event: 'provider_accepted', providerReference: 'sbx_po_4' });
    await expect(
      repo.applyTransition({ ...rest, source: 'submitter', actor: { kind: 'system', id: 'submit-payout' } }),
    ).rejects.toBeInstanceOf(ProviderReferenceConflictError);
  });
});

describe('a provider source without a claim is a programmer error', () => {
  it.each(['provider_webhook', 'poller'] as const)('%s', async (source) => {
    const { repo, transactions } = scripted(base);
    const { claim: _claim, ...unclaimed } = webhook({ source });
    await expect(repo.applyTransition(unclaimed)).rejects.toThrow(/carries no ownership claim/);
    expect(transactions).toHaveLength(0);
  });
});
