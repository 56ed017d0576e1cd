import type { ExceptionsRepository } from '../../adapters/exceptions-repository';
import { describeMismatch, mismatchCodeOf, type OwnershipMismatch } from '../../domain/event-ownership';
import { defaultOwnerOf, SLA_SECONDS_BY_CATEGORY } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';

/**
 * A provider's event or status answer refused by event ownership becomes one ops-owned
 * `event_ownership_mismatch` exception, with the claim and the payout it named as evidence. Shared
 * by the webhook processor and the sweeper so both open the same shape.
 *
 * Dedup (one row per claim, however often it is seen):
 * - webhook: per (provider, provider event id) — a redelivery, a replay or a DLQ redrive of the same
 *   event updates the row (occurrences, last_seen_at) instead of opening another;
 * - poller: a status answer has no event id, so per (provider, payout asked about, reference
 *   answered) — the sweeper asks every run, and the same wrong answer must not open a row each time.
 * A resolved row stays resolved when the same claim is seen again (no `reopenIfResolved`): ops
 * closed it knowing that event; a different event is a different row.
 */
export const ownershipExceptionDedupKey = (provider: string, providerEventId: string): string =>
  `ownership:${provider}:${providerEventId}`;
export const pollOwnershipExceptionDedupKey = (provider: string, payoutId: string, providerReference: string): string =>
  `ownership:${provider}:poll:${payoutId}:${providerReference}`;

export interface OwnershipRefusal {
  dedupKey: string;
  /** The claimant: the webhook route's provider or the port that answered. */
  provider: string;
  /** The payout the claim named (it is not moved; the exception is linked to it so its owner shows). */
  payout: Payout;
  mismatches: readonly OwnershipMismatch[];
  /** What the claim was: event id and type, or the poll; the lifecycle event and provider state it carried. */
  claim: Record<string, unknown>;
  nowIso: string;
}

export async function openOwnershipException(exceptions: ExceptionsRepository, refusal: OwnershipRefusal): Promise<void> {
  const { payout, mismatches } = refusal;
  const [first] = mismatches;
  if (first === undefined) throw new Error('openOwnershipException: a refusal without a mismatch');
  await exceptions.openOrUpdate({
    dedupKey: refusal.dedupKey,
    category: 'event_ownership_mismatch',
    owner: defaultOwnerOf('event_ownership_mismatch'),
    slaSeconds: SLA_SECONDS_BY_CATEGORY.event_ownership_mismatch,
    payoutId: payout.payoutId,
    evidence: {
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
    },
    error: {
      message: `not applied to payout ${payout.payoutId}: ${mismatches.map(describeMismatch).join('; ')}`,
      code: mismatchCodeOf(first),
    },
    now: refusal.nowIso,
  });
}

function mismatchEvidence(mismatch: OwnershipMismatch): Record<string, unknown> {
  const base = { check: mismatch.check, payout: mismatch.payout, claimed: mismatch.claimed };
  if (mismatch.check !== 'provider_reference' || mismatch.heldBy === undefined) return base;
  return { ...base, held_by_payout_id: mismatch.heldBy };
}
