import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { assertNever } from '../../domain/assert-never';
import type { HoldOwner } from '../../domain/compliance/contract';
import { HOLD_SLA_SECONDS_BY_OWNER, holdSlaDueAt, holdsPastSla } from '../../domain/compliance/holds';
import { HOLD_SLA_CATEGORIES, openException, type HoldSlaCategory } from '../../domain/exceptions';
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
  exceptions: Pick<ExceptionsStore, 'openOrUpdate' | 'resolve'>;
  payouts: { getPayoutById(payoutId: string): Promise<Payout | undefined> };
  queue: {
    holdsOpenedBefore(query: {
      owner: SlaOwner;
      openedBeforeIso: string;
      limit: number;
    }): Promise<Array<{ payoutId: string; holdId: string }>>;
  };
  /**
   * The hold SLA exceptions not yet resolved (open or assigned) of one category, at most `limit`,
   * oldest SLA first (the exceptions' state index). Absent, released holds leave theirs to the owner.
   */
  active?: {
    holdSlaExceptions(query: {
      category: HoldSlaCategory;
      limit: number;
    }): Promise<Array<{ exceptionId: string; payoutId: string; holdId: string }>>;
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

/** Unresolved hold SLA exceptions looked at per category and run: the backlog drains over runs. */
export const SWEEP_HOLD_SLA_RESOLVE_MAX = 50;

/**
 * A hold SLA exception says "this hold waits on its owner". Once the hold is released, or its payout
 * left the before-submission states (canceled, expired, claimed by the submitter), nothing waits, so
 * the exception is resolved by this job, with the hold's release named in its note. Done here, not in
 * every release path (the routes, a screening clear, a form captured, an approval): one place, the
 * one function that already writes the operations table, and a release that crashed before it
 * would have resolved its exception is caught by the next run. A hold still open stays as it is.
 * Returns how many it resolved.
 */
export async function resolveSettledHoldSlaExceptions(deps: HoldSlaSweepDeps, nowMs: number): Promise<number> {
  if (deps.active === undefined) return 0;
  const nowIso = new Date(nowMs).toISOString();
  let resolved = 0;
  for (const category of HOLD_SLA_CATEGORIES) {
    const active = await deps.active.holdSlaExceptions({ category, limit: SWEEP_HOLD_SLA_RESOLVE_MAX });
    for (const { exceptionId, payoutId, holdId } of active) {
      const note = settledNote(await deps.payouts.getPayoutById(payoutId), holdId);
      if (note === undefined) continue;
      await deps.exceptions.resolve({ exceptionId, note, actor: SWEEP_ACTOR, now: nowIso });
      resolved++;
    }
  }
  return resolved;
}

/** Why the hold no longer waits on its owner, or undefined: it still does. */
function settledNote(payout: Payout | undefined, holdId: string): string | undefined {
  if (payout === undefined) return `payout not found: hold ${holdId} waits on no one`;
  const hold = payout.holds?.[holdId];
  if (hold === undefined) return `payout ${payout.payoutId} has no hold ${holdId}`;
  if (hold.releasedAt !== undefined)
    return `hold ${holdId} released at ${hold.releasedAt}${hold.releasedBy === undefined ? '' : ` by ${hold.releasedBy}`}`;
  if (
    payout.submissionClaimedAt !== undefined ||
    (payout.status !== 'submitted' && payout.status !== 'requires_approval')
  )
    return `payout ${payout.payoutId} is ${payout.status}: hold ${holdId} no longer gates it`;
  return undefined;
}
