// One provider webhook for a payout in a given provider state, shaped as each provider documents it (the
// shapes of functions/domain/provider-events.ts's header): for tables over providers × states, known or not.
import { PAYPAL_ITEM_EVENT_PREFIX, PAYPAL_ITEM_EVENT_STATES } from '../../functions/domain/paypal-events';
import { PAYPAL_ITEM_STATES } from '../../functions/domain/paypal-status';
import { parseStripeReference } from '../../functions/domain/stripe-reference';
import type { WebhookProvider } from '../../functions/domain/webhook-signatures';

export interface WebhookPayout {
  readonly payoutId: string;
  readonly providerReference: string;
  readonly amountMinor: number;
  readonly currency: string;
}

export interface ProviderWebhook {
  readonly eventType: string;
  /** What the intake stores as the event id (sandbox: the `webhook-id` header; Adyen: `<transfer id>.<sequence>`). */
  readonly providerEventId: string;
  /** The headers the envelope reads an id from (sandbox only), besides the signature. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/**
 * The webhook the provider sends when the payout enters `state`, or undefined when it sends none for that
 * state (PayPal: a PENDING or NEW item has no item event). For a state the provider does not document, the
 * event a provider that added the state would send: its status field, or for PayPal (whose event type
 * names the state) a new `PAYMENT.PAYOUTS-ITEM.*` type.
 */
export function webhookInState(
  provider: WebhookProvider,
  state: string,
  payout: WebhookPayout,
  sequence = 1,
): ProviderWebhook | undefined {
  const { payoutId, providerReference, amountMinor, currency } = payout;
  const id = `${payoutId}_${sequence}`.replace(/[^A-Za-z0-9_]/g, '');
  switch (provider) {
    case 'sandbox':
      return {
        eventType: `payout.${state}`,
        providerEventId: `evt_sbx_${id}`,
        headers: { 'webhook-id': `evt_sbx_${id}` },
        body: {
          type: `payout.${state}`,
          timestamp: new Date().toISOString(),
          data: {
            payout_id: payoutId,
            provider_reference: providerReference,
            status: state,
            amount: amountMinor,
            currency,
          },
        },
      };
    case 'stripe': {
      const parts = parseStripeReference(providerReference);
      return {
        eventType: 'payout.updated',
        providerEventId: `evt_${id}`,
        headers: {},
        body: {
          id: `evt_${id}`,
          object: 'event',
          type: 'payout.updated',
          created: Math.floor(Date.now() / 1_000),
          ...(parts?.account === undefined ? {} : { account: parts.account }),
          data: {
            object: {
              id: parts?.payoutId ?? providerReference,
              object: 'payout',
              status: state,
              amount: amountMinor,
              currency: currency.toLowerCase(),
              metadata: { payout_id: payoutId },
            },
          },
        },
      };
    }
    case 'paypal':
      return paypalInState(state, payout, id);
    case 'adyen':
      return {
        eventType: 'balancePlatform.transfer.updated',
        providerEventId: `${providerReference}.${sequence}`,
        headers: {},
        body: {
          type: 'balancePlatform.transfer.updated',
          timestamp: new Date().toISOString(),
          environment: 'test',
          data: {
            id: providerReference,
            reference: payoutId,
            category: 'bank',
            direction: 'outgoing',
            status: state,
            amount: { value: amountMinor, currency },
            sequenceNumber: sequence,
            events: [],
          },
        },
      };
  }
}

function paypalInState(state: string, payout: WebhookPayout, id: string): ProviderWebhook | undefined {
  const documented = Object.entries(PAYPAL_ITEM_EVENT_STATES).find(([, typeState]) => typeState === state)?.[0];
  // A documented item state without an item event of its own (PENDING, NEW): PayPal sends nothing.
  if (documented === undefined && (PAYPAL_ITEM_STATES as readonly string[]).includes(state)) return undefined;
  const eventType = documented ?? `${PAYPAL_ITEM_EVENT_PREFIX}${state.toUpperCase()}`;
  return {
    eventType,
    providerEventId: `WH-${id}`,
    headers: {},
    body: {
      id: `WH-${id}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: 'payouts_item',
      event_type: eventType,
      resource: {
        payout_item_id: payout.providerReference,
        transaction_status: state,
        payout_item: {
          amount: { currency: payout.currency, value: (payout.amountMinor / 100).toFixed(2) },
          receiver: 'recipient@example.com',
          sender_item_id: payout.payoutId,
        },
      },
    },
  };
}
