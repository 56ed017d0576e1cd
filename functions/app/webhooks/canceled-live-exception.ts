import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { openException } from '../../domain/exceptions';
import type { PayoutEvent } from '../../domain/lifecycle';
import type { Payout } from '../../domain/payout';

/**
 * A provider's word that it holds a payout we canceled before any answer of its was recorded (the
 * tenant's local cancel of a `submitted` payout, domain/cancellation.ts): the lifecycle records it
 * as stale (the payout moved past it), but the provider may go on to pay money our ledger released,
 * so it is never swallowed. An ops-owned `canceled_but_live_at_provider` exception opens with the
 * provider reference as evidence: ops cancels it at the provider, or, if the provider paid, the
 * correction flow (issue 10) puts the books right.
 *
 * Only on a payout with no provider reference: one canceled through the provider (`provider_canceled`)
 * or by the submitter's race handling has been answered for, and a late `payout.accepted` of it is
 * an ordinary stale delivery. `provider_paid` and `provider_failed` on canceled are forbidden by the
 * lifecycle table and open `forbidden_transition` instead. The event reached here after the
 * repository's ownership checks, so it provably belongs to the payout.
 */
export const LIVE_AT_PROVIDER_EVENTS: ReadonlySet<PayoutEvent> = new Set(['provider_accepted', 'provider_pending']);

export function isCanceledButLive(payout: Payout, event: PayoutEvent): boolean {
  return payout.status === 'canceled' && payout.providerReference === undefined && LIVE_AT_PROVIDER_EVENTS.has(event);
}

export interface LiveAtProviderSighting {
  provider: string;
  payout: Payout;
  event: PayoutEvent;
  /** What the provider said: event id and type, or the poll; the state and reference it carried. */
  claim: Record<string, unknown>;
  actor: { kind: 'system'; id: string };
  nowIso: string;
}

export async function openCanceledButLive(
  exceptions: ExceptionsStore,
  sighting: LiveAtProviderSighting,
): Promise<void> {
  const { payout, event } = sighting;
  await exceptions.openOrUpdate({
    ...openException(
      { category: 'canceled_but_live_at_provider', payoutId: payout.payoutId },
      {
        evidence: { provider: sighting.provider, event, payout_status: payout.status, ...sighting.claim },
        error: {
          message: `payout ${payout.payoutId} is canceled but ${sighting.provider} reports ${event}`,
          code: 'canceled_but_live_at_provider',
        },
        seenAt: sighting.nowIso,
      },
    ),
    actor: sighting.actor,
  });
}
