import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { openException } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';
import type { StatusResult } from '../../domain/provider-port';

const SWEEP_ACTOR = { kind: 'system', id: 'sweep' } as const;

/**
 * A status answer whose state the provider's mapping calls `unknown` (a state the provider added, or one it
 * never documented): the payout does not move, because any event we chose would be a guess about money.
 * Instead the provider's owner gets one exception per (payout, raw state) with the answer as evidence;
 * the sweeper asks again every run, and the same answer updates the same row rather than opening another.
 */
export async function openUnknownProviderState(
  exceptions: ExceptionsStore,
  payout: Payout,
  provider: string,
  status: Extract<StatusResult, { kind: 'found' }>,
  nowIso: string,
): Promise<void> {
  const providerState = status.state.providerState;
  const evidence = {
    provider,
    provider_state: providerState,
    provider_reference: status.providerReference,
    payout_status: payout.status,
    ...(status.failureCode === undefined ? {} : { failure_code: status.failureCode }),
    ...(status.amountMinor === undefined ? {} : { amount_minor: status.amountMinor }),
    ...(status.currency === undefined ? {} : { currency: status.currency }),
    ...(status.stateSince === undefined ? {} : { state_since: status.stateSince }),
  };
  await exceptions.openOrUpdate({
    ...openException(
      { category: 'provider_state_unknown', provider, payoutId: payout.payoutId, providerState },
      {
        evidence,
        error: { message: `${provider} answered state '${providerState}', which our mapping does not know` },
        seenAt: nowIso,
      },
    ),
    actor: SWEEP_ACTOR,
  });
}
