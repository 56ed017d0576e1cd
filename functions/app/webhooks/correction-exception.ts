import type { ExceptionsRepository } from '../../adapters/exceptions-repository';
import { defaultOwnerOf, SLA_SECONDS_BY_CATEGORY } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';

/**
 * A provider's event or status answer that contradicts an operator's applied status correction
 * (domain/corrections.ts) becomes one ops-owned `correction_contradicted` exception: the correction
 * (as the payout carries it; GET /ops/corrections/{id} has the rest) and the event as evidence.
 * Shared by the webhook processor and the sweeper so both open the same shape.
 *
 * Dedup (one row per contradicting claim, however often it comes):
 * - webhook: per (provider, provider event id) — a redelivery or replay updates the row;
 * - poller: per (payout, correction, event) — the sweeper may ask again, the same answer is one row.
 * A resolved row stays resolved when the same claim comes again: ops closed it knowing that claim.
 */
export const correctionExceptionDedupKey = (provider: string, providerEventId: string): string =>
  `correction_contradicted:${provider}:${providerEventId}`;
export const pollCorrectionExceptionDedupKey = (payoutId: string, correctionId: string, event: string): string =>
  `correction_contradicted:poll:${payoutId}:${correctionId}:${event}`;

export interface ContradictingClaim {
  dedupKey: string;
  provider: string;
  /** The payout as it stands (the correction's marker on it). */
  payout: Payout;
  /** The lifecycle event the provider reported. */
  event: string;
  /** Where it came from: event id and type, or the poll; the provider's own state word. */
  claim: Record<string, unknown>;
  nowIso: string;
}

export async function openCorrectionContradiction(exceptions: ExceptionsRepository, input: ContradictingClaim): Promise<void> {
  const { payout } = input;
  await exceptions.openOrUpdate({
    dedupKey: input.dedupKey,
    category: 'correction_contradicted',
    owner: defaultOwnerOf('correction_contradicted'),
    slaSeconds: SLA_SECONDS_BY_CATEGORY.correction_contradicted,
    payoutId: payout.payoutId,
    evidence: {
      correction_id: payout.statusCorrectionId ?? null,
      corrected_status: payout.correctedStatus ?? null,
      corrected_at: payout.correctedAt ?? null,
      payout_status: payout.status,
      provider: input.provider,
      event: input.event,
      ...input.claim,
    },
    error: {
      message:
        `${input.provider} reports ${input.event} for payout ${payout.payoutId}, which correction ` +
        `${payout.statusCorrectionId ?? '(unknown)'} set to ${payout.correctedStatus ?? '(unknown)'}; nothing was changed`,
      code: 'correction_contradicted',
    },
    now: input.nowIso,
  });
}
