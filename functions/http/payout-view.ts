import type { Payout, TimelineEntry } from '../domain/payout';
import type { PayoutView } from './schemas';

/**
 * Stored (camelCase) → shown (snake_case). The destination on a Payout is already masked; the
 * unmasked one lives in its own item that no read path of the API loads.
 */
export function payoutView(payout: Payout): PayoutView {
  return {
    payout_id: payout.payoutId,
    idempotency_key: payout.idempotencyKey,
    provider: payout.provider,
    provider_reference: payout.providerReference ?? null,
    amount: payout.amountMinor,
    currency: payout.currency,
    fee: payout.feeMinor ?? null,
    status: payout.status,
    status_reason: payout.statusReason ?? null,
    destination: payout.destination,
    recipient: payout.recipient,
    description: payout.description ?? null,
    metadata: payout.metadata ?? {},
    created_at: payout.createdAt,
    last_event_at: payout.lastEventAt,
    exception_owner: payout.exceptionOwner ?? null,
    request_ids: payout.requestIds,
    reconciled_at: payout.reconciledAt ?? null,
  };
}

export function timelineEntryView(entry: TimelineEntry) {
  return {
    at: entry.at,
    occurred_at: entry.occurredAt,
    event: entry.event,
    outcome: entry.outcome,
    from: entry.from ?? null,
    to: entry.to ?? null,
    source: entry.source,
    source_ref: entry.sourceRef,
    status_reason: entry.statusReason ?? null,
  };
}
