import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { openException } from '../../domain/exceptions';
import type { Payout } from '../../domain/payout';
import type { StatusResult } from '../../domain/provider-port';

const SWEEP_ACTOR = { kind: 'system', id: 'sweep' } as const;
const PROCESSOR_ACTOR = { kind: 'system', id: 'process-webhook' } as const;

/**
 * A provider state that the provider's mapping calls `unknown` (a state the provider added, or one it never
 * documented): the payout does not move, because any event we chose would be a guess about money. Instead
 * the provider's owner gets one exception per (payout, raw state), with what the provider said as evidence.
 * The state reaches us two ways, and both open the SAME row (the key is provider, payout and raw state:
 * domain/exceptions.ts), so a webhook and the sweeper's status read of one state are one exception:
 * - a status read: the sweeper asks again every run, and the same answer updates the row;
 * - a webhook: acknowledged as applied-nothing (the inbox keeps the event and its outcome), never dead-lettered.
 */
export interface UnknownProviderState {
  /** The provider that said it: the port that answered, or the webhook route whose secret verified it. */
  provider: string;
  payout: Payout;
  providerState: string;
  /** How it came: a status read, or a webhook event (its id and type go into the evidence). */
  via: { kind: 'status_read' } | { kind: 'webhook'; providerEventId: string; eventType: string };
  /** What else the provider said: reference, failure code, amount, currency, since when. */
  said: {
    providerReference?: string;
    failureCode?: string;
    amountMinor?: number;
    currency?: string;
    stateSince?: string;
  };
  nowIso: string;
}

export async function openUnknownState(exceptions: ExceptionsStore, unknown: UnknownProviderState): Promise<void> {
  const { provider, payout, providerState, via, said } = unknown;
  const evidence = {
    provider,
    provider_state: providerState,
    provider_reference: said.providerReference ?? payout.providerReference ?? null,
    payout_status: payout.status,
    seen_via: via.kind,
    ...(via.kind === 'webhook' ? { provider_event_id: via.providerEventId, event_type: via.eventType } : {}),
    ...(said.failureCode === undefined ? {} : { failure_code: said.failureCode }),
    ...(said.amountMinor === undefined ? {} : { amount_minor: said.amountMinor }),
    ...(said.currency === undefined ? {} : { currency: said.currency }),
    ...(said.stateSince === undefined ? {} : { state_since: said.stateSince }),
  };
  const how = via.kind === 'webhook' ? `sent a webhook (${via.eventType}) in` : 'answered';
  await exceptions.openOrUpdate({
    ...openException(
      { category: 'provider_state_unknown', provider, payoutId: payout.payoutId, providerState },
      {
        evidence,
        error: { message: `${provider} ${how} state '${providerState}', which our mapping does not know` },
        seenAt: unknown.nowIso,
      },
    ),
    actor: via.kind === 'webhook' ? PROCESSOR_ACTOR : SWEEP_ACTOR,
  });
}

/** The sweeper's status read in an unknown state. */
export async function openUnknownProviderState(
  exceptions: ExceptionsStore,
  payout: Payout,
  provider: string,
  status: Extract<StatusResult, { kind: 'found' }>,
  nowIso: string,
): Promise<void> {
  await openUnknownState(exceptions, {
    provider,
    payout,
    providerState: status.state.providerState,
    via: { kind: 'status_read' },
    said: {
      providerReference: status.providerReference,
      ...(status.failureCode === undefined ? {} : { failureCode: status.failureCode }),
      ...(status.amountMinor === undefined ? {} : { amountMinor: status.amountMinor }),
      ...(status.currency === undefined ? {} : { currency: status.currency }),
      ...(status.stateSince === undefined ? {} : { stateSince: status.stateSince }),
    },
    nowIso,
  });
}
