import type { ExceptionActor, ExceptionsStore } from '../../adapters/exceptions-records';
import { openException } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';

/**
 * A provider's event or status answer that contradicts an operator's applied status correction
 * (domain/corrections.ts) becomes one ops-owned `correction_contradicted` exception: the correction
 * (as the payout carries it; GET /ops/corrections/{id} has the rest) and the event as evidence.
 * Shared by the webhook processor and the sweeper so both open the same shape.
 *
 * One row per contradicting claim, however often it comes (the key: domain/exceptions.ts): per
 * provider event for a webhook, per (payout, correction, event) for a status answer. A resolved row
 * stays resolved when the same claim comes again: ops closed it knowing that claim.
 */
export interface ContradictingClaim {
  provider: string;
  /** How the claim came: a webhook event, or the answer to the sweeper's status poll. */
  via: { kind: 'webhook'; providerEventId: string } | { kind: 'poll' };
  /** The payout as it stands (the correction's marker on it). */
  payout: Payout;
  /** The lifecycle event the provider reported. */
  event: string;
  /** Where it came from: event id and type, or the poll; the provider's own state word. */
  claim: Record<string, unknown>;
  /** The job that saw it (the processor or the sweeper), as the audit trail names it. */
  actor: ExceptionActor;
  nowIso: string;
}

export async function openCorrectionContradiction(
  exceptions: ExceptionsStore,
  input: ContradictingClaim,
): Promise<void> {
  const { payout } = input;
  const correctionId = payout.statusCorrectionId ?? 'unknown';
  const subject = {
    category: 'correction_contradicted',
    payoutId: payout.payoutId,
    via:
      input.via.kind === 'webhook'
        ? ({ kind: 'webhook', provider: input.provider, providerEventId: input.via.providerEventId } as const)
        : ({ kind: 'poll', correctionId, event: input.event } as const),
  } as const;
  const evidence = {
    correction_id: payout.statusCorrectionId ?? null,
    corrected_status: payout.correctedStatus ?? null,
    corrected_at: payout.correctedAt ?? null,
    payout_status: payout.status,
    provider: input.provider,
    event: input.event,
    ...input.claim,
  };
  const error = {
    message:
      `${input.provider} reports ${input.event} for payout ${payout.payoutId}, which correction ` +
      `${payout.statusCorrectionId ?? '(unknown)'} set to ${payout.correctedStatus ?? '(unknown)'}; nothing was changed`,
    code: 'correction_contradicted',
  };
  await exceptions.openOrUpdate({
    ...openException(subject, { evidence, error, seenAt: input.nowIso }),
    actor: input.actor,
  });
}
