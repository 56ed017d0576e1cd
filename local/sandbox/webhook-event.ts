// The body of a sandbox webhook (docs/sandbox-provider.md § Webhooks; docs/ops-api.md reads it).
// Built once per state change: every delivery of one event carries the same bytes and the same
// webhook-id, so the receiver can deduplicate on the id.
import type { SandboxStateChange } from './store.js';

export interface SandboxWebhookEvent {
  /** Also the `webhook-id` header; stable across redeliveries. */
  id: string;
  type: SandboxStateChange['type'];
  /** When the payout entered the state, by the sandbox's clock (the event's created time). */
  timestamp: string;
  data: {
    payout_id: string;
    provider_reference: string;
    status: SandboxStateChange['payout']['status'];
    previous_status: SandboxStateChange['previousStatus'];
    amount: number;
    currency: string;
    fee_minor: number;
    failure_code?: string;
    batch_id?: string;
  };
}

/** States whose event carries the payout's failure code. */
const FAILURE_STATES: ReadonlySet<string> = new Set(['failed', 'canceled', 'returned']);

export function webhookEventOf(change: SandboxStateChange): SandboxWebhookEvent {
  const { payout } = change;
  // `change.payout` is the live record: when one clock advance applies several states, it already
  // shows the last. The state this event reports is the one in its type.
  const status = change.type.slice('payout.'.length) as SandboxWebhookEvent['data']['status'];
  return {
    id: change.eventId,
    type: change.type,
    timestamp: change.occurredAt,
    data: {
      payout_id: payout.payout_id,
      provider_reference: payout.id,
      status,
      previous_status: change.previousStatus,
      amount: payout.amount,
      currency: payout.currency,
      fee_minor: payout.fee,
      ...(payout.failure_code && FAILURE_STATES.has(status) ? { failure_code: payout.failure_code } : {}),
      ...(payout.batch_id && status === 'paid' ? { batch_id: payout.batch_id } : {}),
    },
  };
}
