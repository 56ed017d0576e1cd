import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { describeMismatch, mismatchCodeOf, type OwnershipMismatch } from '../../domain/event-ownership';
import { openException } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';

/**
 * A provider's event or status answer refused by event ownership becomes one ops-owned
 * `event_ownership_mismatch` exception, with the claim and the payout it named as evidence. Shared
 * by the webhook processor and the sweeper so both open the same shape.
 *
 * One row per claim, however often it is seen (the key: domain/exceptions.ts): per provider event
 * for a webhook, per (payout asked about, reference answered) for a status answer. A resolved row
 * stays resolved when the same claim is seen again (no `reopenIfResolved`): ops closed it knowing
 * that claim; a different event is a different row.
 */
export interface OwnershipRefusal {
  /** The claimant: the webhook route's provider or the port that answered. */
  provider: string;
  /** How the claim came: a webhook event, or the answer to the sweeper's status poll. */
  via: { kind: 'webhook'; providerEventId: string } | { kind: 'poll'; providerReference: string };
  /** The payout the claim named (it is not moved; the exception is linked to it so its owner shows). */
  payout: Payout;
  mismatches: readonly OwnershipMismatch[];
  /** What the claim was: event id and type, or the poll; the lifecycle event and provider state it carried. */
  claim: Record<string, unknown>;
  nowIso: string;
}

export async function openOwnershipException(exceptions: ExceptionsStore, refusal: OwnershipRefusal): Promise<void> {
  const { payout, mismatches } = refusal;
  const [first] = mismatches;
  if (first === undefined) throw new Error('openOwnershipException: a refusal without a mismatch');
  const subject = {
    category: 'event_ownership_mismatch',
    provider: refusal.provider,
    payoutId: payout.payoutId,
    via: refusal.via,
  } as const;
  const evidence = {
    provider: refusal.provider,
    ...refusal.claim,
    // In check order (event-ownership.ts): the first is the most fundamental failure.
    failed_checks: mismatches.map((m) => m.check),
    mismatches: mismatches.map(mismatchEvidence),
    payout_provider: payout.provider,
    payout_provider_reference: payout.providerReference ?? null,
    payout_amount_minor: payout.amountMinor,
    payout_currency: payout.currency,
    payout_status: payout.status,
  };
  const error = {
    message: `not applied to payout ${payout.payoutId}: ${mismatches.map(describeMismatch).join('; ')}`,
    code: mismatchCodeOf(first),
  };
  await exceptions.openOrUpdate(openException(subject, { evidence, error, seenAt: refusal.nowIso }));
}

function mismatchEvidence(mismatch: OwnershipMismatch): Record<string, unknown> {
  const base = { check: mismatch.check, payout: mismatch.payout, claimed: mismatch.claimed };
  if (mismatch.check !== 'provider_reference' || mismatch.heldBy === undefined) return base;
  return { ...base, held_by_payout_id: mismatch.heldBy };
}
