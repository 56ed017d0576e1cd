import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { assertNever } from '../../domain/assert-never';
import type { HoldOwner } from '../../domain/compliance/contract';
import { HOLD_SLA_SECONDS_BY_OWNER, holdSlaDueAt, holdsPastSla } from '../../domain/compliance/holds';
import { openException, type HoldSlaCategory } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';

/**
 * The sweeper's holds job (issue 15): a hold open past its owner's SLA (HOLD_SLA_SECONDS_BY_OWNER)
 * opens one exception for that owner, per hold (dedup key `hold_past_sla:<payoutId>:<holdId>`, so
 * every later run updates the same row), category per owner. Found through the holds queue
 * (adapters/hold-queue.ts), oldest first, never a Scan; each payout is re-read consistently and
 * only a hold still open on a payout before its provider call counts. The approver's hold is not
 * here: the approval job (approvals.ts) cancels it at its expiry, which is its SLA.
 */
export const SWEEP_HOLDS_PAST_SLA_MAX = 25;

const SWEEP_ACTOR = { kind: 'system', id: 'sweep' } as const;
const SLA_OWNERS = ['compliance', 'ops', 'tenant'] as const satisfies readonly HoldOwner[];
type SlaOwner = (typeof SLA_OWNERS)[number];

export interface HoldSlaSweepDeps {
  exceptions: Pick<ExceptionsStore, 'openOrUpdate'>;
  payouts: { getPayoutById(payoutId: string): Promise<Payout | undefined> };
  queue: {
    holdsOpenedBefore(query: {
      owner: SlaOwner;
      openedBeforeIso: string;
      limit: number;
    }): Promise<Array<{ payoutId: string; holdId: string }>>;
  };
}

export function holdSlaCategoryOf(owner: SlaOwner): HoldSlaCategory {
  switch (owner) {
    case 'compliance':
      return 'hold_past_sla_compliance';
    case 'ops':
      return 'hold_past_sla_ops';
    case 'tenant':
      return 'hold_past_sla_tenant';
    default:
      return assertNever(owner, 'hold owner');
  }
}

/** Returns how many exceptions it opened or updated. */
export async function openHoldSlaExceptions(deps: HoldSlaSweepDeps, nowMs: number): Promise<number> {
  const nowIso = new Date(nowMs).toISOString();
  let opened = 0;
  for (const owner of SLA_OWNERS) {
    const openedBeforeIso = new Date(nowMs - HOLD_SLA_SECONDS_BY_OWNER[owner] * 1_000).toISOString();
    const found = await deps.queue.holdsOpenedBefore({ owner, openedBeforeIso, limit: SWEEP_HOLDS_PAST_SLA_MAX });
    for (const { payoutId, holdId } of found) {
      const payout = await deps.payouts.getPayoutById(payoutId);
      if (payout === undefined || payout.submissionClaimedAt !== undefined) continue;
      if (payout.status !== 'submitted' && payout.status !== 'requires_approval') continue;
      const hold = holdsPastSla(payout.holds, nowIso).find((h) => h.holdId === holdId && h.owner === owner);
      if (hold === undefined) continue;
      const evidence = {
        tenant_id: payout.tenantId,
        hold_id: hold.holdId,
        hold_kind: hold.kind,
        requirement: hold.requirement,
        opened_at: hold.openedAt,
        sla_due_at: holdSlaDueAt(hold),
        amount_minor: payout.amountMinor,
        currency: payout.currency,
      };
      const error = {
        message: `hold ${hold.holdId} (${hold.requirement}) of payout ${payoutId} is open past its ${owner} SLA`,
        code: 'hold_past_sla',
      };
      await deps.exceptions.openOrUpdate({
        ...openException({ category: holdSlaCategoryOf(owner), payoutId, holdId }, { evidence, error, seenAt: nowIso }),
        actor: SWEEP_ACTOR,
      });
      opened++;
    }
  }
  return opened;
}
