import { describe, expect, it } from 'vitest';
import type { BatchGroupMember } from '../../../../functions/adapters/batch-exception-groups';
import { sweep, type SweepDeps } from '../../../../functions/app/sweeper/sweep';
import type { ExceptionOpening } from '../../../../functions/domain/exceptions';
import type { Payout, TransitionCommand } from '../../../../functions/domain/payout';

// The sweeper's poll finds a batch item failed at its provider: the item joins its batch's exception
// group (app/batches/batch-item-failures.ts), as the webhook processor's would. The simulation found
// the gap (failed-batch-items-grouped): the provider's later webhook reads the payout failed (stale)
// and, before, counted nothing.

const NOW_MS = Date.UTC(2026, 3, 13, 23, 20, 0);
const accepted = {
  payoutId: 'po_00000000000000000000000001',
  tenantId: 'tenant-a',
  status: 'accepted',
  provider: 'sandbox',
  providerReference: 'sbref_000001',
  batch: { batchId: 'bat_00000000000000000000000001', senderBatchId: 'batch-1', senderItemId: 'item-1' },
} as unknown as Payout;

function depsWith(polled: 'failed' | 'paid', single = false) {
  const added: Array<{ opening: ExceptionOpening; member: BatchGroupMember }> = [];
  let current: Payout = single ? ({ ...accepted, batch: undefined } as Payout) : accepted;
  const unused = () => Promise.reject(new Error('not used by this test'));
  const deps = {
    inbox: { listUnenqueued: async () => [] },
    dlq: { receive: unused },
    dlqUrls: {},
    rechecks: { list: async () => [{ payoutId: accepted.payoutId }], clear: async () => undefined },
    awaiting: { quietSince: async () => [] },
    exceptions: { openOrUpdate: unused },
    payouts: {
      getPayoutById: async () => current,
      applyTransition: async (cmd: TransitionCommand) => {
        const to = cmd.event === 'provider_failed' ? 'failed' : 'paid';
        current = {
          ...current,
          status: to,
          ...(cmd.statusReason === undefined ? {} : { statusReason: cmd.statusReason }),
        };
        return { kind: 'applied', from: 'accepted', to, payout: current };
      },
    },
    providers: {
      sandbox: {
        provider: 'sandbox',
        getStatus: async () => ({
          kind: 'found',
          providerReference: 'sbref_000001',
          state: {
            kind: 'known',
            providerState: polled,
            event: polled === 'failed' ? 'provider_failed' : 'provider_paid',
          },
          ...(polled === 'failed' ? { failureCode: 'account_closed' } : {}),
          countAtProvider: 1,
        }),
      },
    },
    batchFailures: {
      groups: {
        addItem: async (opening: ExceptionOpening, member: BatchGroupMember) => {
          added.push({ opening, member });
          return 'added' as const;
        },
      },
      getPayoutById: async () => current,
    },
    nowMs: () => NOW_MS,
  } as unknown as SweepDeps;
  return { deps, added };
}

describe("the sweeper's poll of a batch item", () => {
  it('counts an item it found failed into its batch group of the failure source', async () => {
    const { deps, added } = depsWith('failed');
    const report = await sweep(deps);
    expect(report.applied).toBe(1);
    expect(added).toHaveLength(1);
    expect(added[0]!.opening).toMatchObject({
      category: 'batch_items_failed_recipient',
      evidence: { batch_id: accepted.batch!.batchId, sender_batch_id: 'batch-1', failure_source: 'recipient' },
    });
    expect(added[0]!.member).toMatchObject({
      senderItemId: 'item-1',
      payoutId: accepted.payoutId,
      code: 'account_closed',
    });
  });

  it.each([
    ['an item it found paid', 'paid' as const, false],
    ['a single payout it found failed', 'failed' as const, true],
  ])('counts nothing for %s', async (_label, polled, single) => {
    const { deps, added } = depsWith(polled, single);
    expect((await sweep(deps)).applied).toBe(1);
    expect(added).toEqual([]);
  });
});
