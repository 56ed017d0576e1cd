import { isCurrencyCode } from './money';
import { mapPaypalItemState, paypalFailureCode } from './paypal-status';
import type { MappedProviderState } from './provider-status';
import { parseDecimalMinor } from './reconciliation/report';

/**
 * PayPal webhook events → item states (PayPal developer docs, "Webhook event names: Payouts",
 * developer.paypal.com/api/rest/webhooks/event-names/, read 2026-12-01). Body shape: `{ id: "WH-…",
 * event_type, create_time, resource_type, resource }`; an item event's resource is the payout item
 * (as GET /v1/payments/payouts-item/{id} answers it).
 *
 * The event type decides, not `resource.transaction_status`: PayPal shows a canceled unclaimed item
 * as RETURNED, and only the type tells our cancel from the 30-day expiry.
 */
export const PAYPAL_ITEM_EVENT_STATES: Readonly<Record<string, string | 'canceled' | 'denied'>> = {
  'PAYMENT.PAYOUTS-ITEM.SUCCEEDED': 'SUCCESS',
  'PAYMENT.PAYOUTS-ITEM.FAILED': 'FAILED',
  'PAYMENT.PAYOUTS-ITEM.BLOCKED': 'BLOCKED',
  'PAYMENT.PAYOUTS-ITEM.HELD': 'ONHOLD',
  'PAYMENT.PAYOUTS-ITEM.UNCLAIMED': 'UNCLAIMED',
  'PAYMENT.PAYOUTS-ITEM.RETURNED': 'RETURNED',
  'PAYMENT.PAYOUTS-ITEM.REFUNDED': 'REFUNDED',
  'PAYMENT.PAYOUTS-ITEM.CANCELED': 'canceled',
  'PAYMENT.PAYOUTS-ITEM.DENIED': 'denied',
};
/**
 * Batch events say how far PayPal got with a batch, never what happened to one payout: acknowledged
 * and recorded; each item's own event (or the sweeper's item read) moves the payout.
 */
export const PAYPAL_BATCH_EVENT_PREFIX = 'PAYMENT.PAYOUTSBATCH.';
/** Item events: the type decides the state, so an item type PayPal adds is a state we do not know. */
export const PAYPAL_ITEM_EVENT_PREFIX = 'PAYMENT.PAYOUTS-ITEM.';
const UNKNOWN_ITEM_TYPE = 'unknown_item_type';

/**
 * An item event type we do not know (PayPal added one): never read as its `transaction_status`, which is
 * exactly the guess the type exists to avoid. Its unknown state is the item's status when that is unknown
 * too, so the sweeper's read of the same item names the same state (one exception); else the type itself.
 */
function unknownItemType(eventType: string, itemState: string): MappedProviderState {
  const byStatus = mapPaypalItemState(itemState);
  return { kind: 'unknown', providerState: byStatus.kind === 'unknown' ? itemState : eventType };
}

export interface PaypalItemEvent {
  readonly mapped: MappedProviderState;
  readonly payoutId: string | undefined;
  readonly providerReference: string | undefined;
  /** The item's `transaction_id`: PayPal's id of the money movement, which its report prints as Transaction ID. */
  readonly providerTransactionId: string | undefined;
  readonly occurredAt: string | undefined;
  readonly statusReason: string | undefined;
  readonly feeMinor: number | undefined;
  readonly amountMinor: number | undefined;
  readonly currency: string | undefined;
}

export type PaypalEventReading =
  | { readonly kind: 'item'; readonly event: PaypalItemEvent }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function readPaypalEvent(eventType: string, body: unknown): PaypalEventReading {
  if (eventType.startsWith(PAYPAL_BATCH_EVENT_PREFIX))
    return { kind: 'ignored', reason: `paypal ${eventType} is about the batch; item events move payouts` };
  const known = PAYPAL_ITEM_EVENT_STATES[eventType];
  if (known === undefined && !eventType.startsWith(PAYPAL_ITEM_EVENT_PREFIX))
    return { kind: 'ignored', reason: `paypal event type ${eventType} does not move a payout` };
  const typeState = known ?? UNKNOWN_ITEM_TYPE;
  const record = asRecord(body);
  const resource = asRecord(record?.['resource']);
  const item = asRecord(resource?.['payout_item']);
  const amount = asRecord(item?.['amount']);
  if (resource === undefined || item === undefined || amount === undefined)
    return { kind: 'invalid', reason: 'paypal item event has no resource.payout_item.amount' };
  const money = moneyOf(amount['value'], amount['currency']);
  if (money === undefined) return { kind: 'invalid', reason: 'paypal item event amount is not a decimal amount' };
  const itemState = stringOf(resource['transaction_status']) ?? 'unknown';
  const mapped: MappedProviderState =
    typeState === 'canceled'
      ? { kind: 'known', providerState: itemState, event: 'provider_canceled' }
      : typeState === 'denied'
        ? { kind: 'known', providerState: 'DENIED', event: 'provider_failed' }
        : typeState === UNKNOWN_ITEM_TYPE
          ? unknownItemType(eventType, itemState)
          : mapPaypalItemState(typeState);
  const errorName = stringOf(asRecord(resource['errors'])?.['name']);
  const fee = asRecord(resource['payout_item_fee']);
  return {
    kind: 'item',
    event: {
      mapped,
      payoutId: stringOf(item['sender_item_id']),
      providerReference: stringOf(resource['payout_item_id']),
      providerTransactionId: stringOf(resource['transaction_id']),
      occurredAt: isoOf(record?.['create_time']),
      statusReason: paypalFailureCode(typeState === 'denied' ? 'FAILED' : typeState, errorName),
      feeMinor: fee === undefined ? undefined : moneyOf(fee['value'], fee['currency'])?.amountMinor,
      ...money,
    },
  };
}

function moneyOf(value: unknown, currency: unknown): { amountMinor: number; currency: string } | undefined {
  if (typeof value !== 'string' || typeof currency !== 'string') return undefined;
  const code = currency.toUpperCase();
  if (!isCurrencyCode(code)) return undefined;
  const amountMinor = parseDecimalMinor(value, code);
  return amountMinor === undefined || amountMinor < 0 ? undefined : { amountMinor, currency: code };
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const isoOf = (v: unknown): string | undefined =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined;
