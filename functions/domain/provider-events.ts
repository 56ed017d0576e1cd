import { failureCodeOfAdyenReason } from './adyen-reasons';
import { mapAdyenState } from './adyen-status';
import { assertNever } from './assert-never';
import type { PayoutEvent } from './lifecycle';
import { readPaypalEvent } from './paypal-events';
import { mapSandboxState, mapStripeState, type MappedProviderState } from './provider-status';
import { stripeReference } from './stripe-reference';
import type { WebhookProvider } from './webhook-signatures';

/**
 * Provider webhook bodies → what they mean for a payout. Pure and table-tested: the processor
 * only finds the payout and applies the event.
 *
 * sandbox (docs/ops-api.md): `{ type: "payout.<state>", timestamp, data: { payout_id,
 *   provider_reference, status, amount, currency, failure_code?, fee_minor? } }`; the event id is
 *   the `webhook-id`.
 * stripe: `{ id: "evt_…", type: "payout.paid|failed|canceled|updated|…", created, data: { object:
 *   { id: "po_…", status, amount, currency, metadata: { payout_id }, failure_code? } } }`.
 * paypal (paypal-events.ts): `{ id: "WH-…", event_type: "PAYMENT.PAYOUTS-ITEM.…", create_time,
 *   resource: { payout_item_id, transaction_status, payout_item: { sender_item_id, amount } } }`.
 * adyen (BalancePlatformTransferNotification-v4.json): `{ type: "balancePlatform.transfer.created|updated",
 *   timestamp, environment, data: { id, reference (our payout id), category, direction, status, reason?,
 *   amount: { value, currency }, sequenceNumber, events } }`; the event id is `<data.id>.<sequenceNumber>`.
 *
 * Amount and currency are mapped for the ownership check (event-ownership.ts): an integer count of
 * minor units (Stripe's `amount` is in the currency's smallest unit, as ours) and an upper-case ISO
 * 4217 code (Stripe sends lower case). Absent, they are not checked; present but unreadable, the
 * event is `invalid` — skipping the check on a value we cannot read would let it through unchecked.
 */

export interface WebhookEnvelope {
  providerEventId: string;
  eventType: string;
}

export type EnvelopeResult = { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: 'invalid_json' };

/** Longest provider event id we store; longer is not a provider, it is garbage. */
export const PROVIDER_EVENT_ID_CHARS_MAX = 255;
const EVENT_ID_PATTERN = /^[\x21-\x7e]+$/;

export function webhookEnvelope(
  provider: WebhookProvider,
  headers: Readonly<Record<string, string | undefined>>,
  body: unknown,
): EnvelopeResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'invalid_json' };
  const record = body as Record<string, unknown>;
  // PayPal names the type `event_type`; the others `type`.
  const typeField = record[provider === 'paypal' ? 'event_type' : 'type'];
  const eventType = typeof typeField === 'string' ? typeField : undefined;
  let providerEventId: unknown;
  switch (provider) {
    case 'sandbox':
      providerEventId = headers['webhook-id'];
      break;
    case 'stripe':
    case 'paypal':
      providerEventId = record['id'];
      break;
    case 'adyen':
      providerEventId = adyenEventId(record);
      break;
    default:
      return assertNever(provider, 'webhook provider');
  }
  if (
    typeof providerEventId !== 'string' ||
    providerEventId.length > PROVIDER_EVENT_ID_CHARS_MAX ||
    !EVENT_ID_PATTERN.test(providerEventId) ||
    eventType === undefined
  ) {
    return { ok: false, reason: 'invalid_json' };
  }
  return { ok: true, envelope: { providerEventId, eventType } };
}

export type MappedWebhookEvent =
  | {
      kind: 'transition';
      event: PayoutEvent;
      providerState: string;
      /** Our payout id, when the provider echoes it (sandbox data, Stripe metadata). */
      payoutId?: string;
      providerReference?: string;
      /** The provider's transaction id beside its reference (PayPal), recorded once on the payout. */
      providerTransactionId?: string;
      occurredAt?: string;
      statusReason?: string;
      feeMinor?: number;
      /** What the event says the payout is for, when it says: checked, never applied. */
      amountMinor?: number;
      currency?: string;
    }
  /**
   * About a payout, in a state the provider's mapping does not know (issue 14): never guessed. The processor
   * opens a `provider_state_unknown` exception and acknowledges the event as applied-nothing.
   */
  | {
      kind: 'unknown_state';
      providerState: string;
      payoutId?: string;
      providerReference?: string;
      occurredAt?: string;
      statusReason?: string;
      amountMinor?: number;
      currency?: string;
    }
  /** A type we do not act on (Stripe's payout.created, charge.*): acknowledged and recorded. */
  | { kind: 'ignored'; reason: string }
  /** Claims to be about a payout but cannot be read: retried, then dead-lettered for a human. */
  | { kind: 'invalid'; reason: string };

const STRIPE_TYPE_STATES: Readonly<Record<string, string | 'from_object'>> = {
  'payout.paid': 'paid',
  'payout.failed': 'failed',
  'payout.canceled': 'canceled',
  'payout.updated': 'from_object',
};

export function mapWebhookEvent(provider: WebhookProvider, eventType: string, body: unknown): MappedWebhookEvent {
  switch (provider) {
    case 'sandbox':
      return mapSandboxEvent(eventType, body);
    case 'stripe':
      return mapStripeEvent(eventType, body);
    case 'paypal':
      return mapPaypalEvent(eventType, body);
    case 'adyen':
      return mapAdyenEvent(eventType, body);
    default:
      return assertNever(provider, 'webhook provider');
  }
}

function mapSandboxEvent(eventType: string, body: unknown): MappedWebhookEvent {
  if (!eventType.startsWith('payout.'))
    return { kind: 'ignored', reason: `sandbox event type ${eventType} is not about a payout` };
  const record = asRecord(body);
  const data = asRecord(record?.['data']);
  if (data === undefined) return { kind: 'invalid', reason: 'sandbox event has no data object' };
  // data.status is the provider's own field; the type is a label on the envelope.
  const state = stringOf(data['status']) ?? eventType.slice('payout.'.length);
  const money = moneyOf(data['amount'], data['currency']);
  if (money.kind === 'invalid') return { kind: 'invalid', reason: `sandbox event ${money.reason}` };
  return fromState(mapSandboxState(state), {
    payoutId: stringOf(data['payout_id']),
    providerReference: stringOf(data['provider_reference']),
    occurredAt: isoOf(record?.['timestamp']),
    statusReason: stringOf(data['failure_code']),
    feeMinor: intOf(data['fee_minor']),
    amountMinor: money.amountMinor,
    currency: money.currency,
  });
}

function mapStripeEvent(eventType: string, body: unknown): MappedWebhookEvent {
  const typeState = STRIPE_TYPE_STATES[eventType];
  if (typeState === undefined)
    return { kind: 'ignored', reason: `stripe event type ${eventType} does not move a payout` };
  const record = asRecord(body);
  const object = asRecord(asRecord(record?.['data'])?.['object']);
  if (object === undefined || object['object'] !== 'payout')
    return { kind: 'invalid', reason: 'stripe payout event has no payout object' };
  const state = typeState === 'from_object' ? stringOf(object['status']) : typeState;
  if (state === undefined) return { kind: 'invalid', reason: 'stripe payout.updated has no status' };
  const created = record?.['created'];
  const money = moneyOf(object['amount'], object['currency']);
  if (money.kind === 'invalid') return { kind: 'invalid', reason: `stripe payout ${money.reason}` };
  return fromState(mapStripeState(state), {
    payoutId: stringOf(asRecord(object['metadata'])?.['payout_id']),
    // A connected account's event names its account at the top level (Connect webhooks): the reference is
    // the adapter's `acct_…/po_…`, so an account that does not own the payout fails event ownership.
    providerReference: stripeReferenceOf(stringOf(record?.['account']), stringOf(object['id'])),
    occurredAt:
      typeof created === 'number' && Number.isInteger(created) ? new Date(created * 1_000).toISOString() : undefined,
    statusReason: stringOf(object['failure_code']),
    feeMinor: undefined,
    amountMinor: money.amountMinor,
    currency: money.currency,
  });
}

function mapPaypalEvent(eventType: string, body: unknown): MappedWebhookEvent {
  const reading = readPaypalEvent(eventType, body);
  if (reading.kind !== 'item') return reading;
  const { mapped, ...refs } = reading.event;
  return fromState(mapped, refs);
}

function stripeReferenceOf(account: string | undefined, id: string | undefined): string | undefined {
  return id === undefined ? undefined : stripeReference(account, id);
}

const ADYEN_TRANSFER_EVENT_TYPES = new Set(['balancePlatform.transfer.created', 'balancePlatform.transfer.updated']);

/**
 * Adyen sends no event id: a transfer's webhooks are numbered by `sequenceNumber` ("starts from 1 and
 * increases with each new webhook for a specific transfer"), so the transfer id and that number name
 * one delivery, and a redelivery of it dedups in the inbox.
 */
function adyenEventId(record: Record<string, unknown>): string | undefined {
  const data = asRecord(record['data']);
  const transferId = stringOf(data?.['id']);
  const sequence = data?.['sequenceNumber'];
  if (transferId === undefined || typeof sequence !== 'number' || !Number.isSafeInteger(sequence)) return undefined;
  return `${transferId}.${sequence}`;
}

/** Outgoing bank transfers only: Adyen sends the same webhook for card, internal and incoming transfers. */
function mapAdyenEvent(eventType: string, body: unknown): MappedWebhookEvent {
  if (!ADYEN_TRANSFER_EVENT_TYPES.has(eventType))
    return { kind: 'ignored', reason: `adyen event type ${eventType} is not about a transfer` };
  const record = asRecord(body);
  const data = asRecord(record?.['data']);
  if (data === undefined) return { kind: 'invalid', reason: 'adyen transfer event has no data object' };
  if (data['category'] !== 'bank' || data['direction'] === 'incoming')
    return { kind: 'ignored', reason: `adyen ${String(data['category'])} transfer is not a bank payout` };
  const state = stringOf(data['status']);
  if (state === undefined) return { kind: 'invalid', reason: 'adyen transfer event has no status' };
  const amount = asRecord(data['amount']);
  const money = moneyOf(amount?.['value'], amount?.['currency']);
  if (money.kind === 'invalid') return { kind: 'invalid', reason: `adyen transfer ${money.reason}` };
  const events = Array.isArray(data['events']) ? data['events'].map(asRecord) : [];
  const latest = events.filter((event) => event?.['status'] === state).pop();
  return fromState(mapAdyenState(state), {
    payoutId: stringOf(data['reference']),
    providerReference: stringOf(data['id']),
    occurredAt: isoOf(latest?.['updateDate'] ?? latest?.['bookingDate'] ?? record?.['timestamp']),
    statusReason: failureCodeOfAdyenReason(stringOf(data['reason'])),
    feeMinor: undefined,
    amountMinor: money.amountMinor,
    currency: money.currency,
  });
}

interface EventRefs {
  payoutId: string | undefined;
  providerReference: string | undefined;
  providerTransactionId?: string | undefined;
  occurredAt: string | undefined;
  statusReason: string | undefined;
  feeMinor: number | undefined;
  amountMinor: number | undefined;
  currency: string | undefined;
}

type EventMoney =
  { kind: 'read'; amountMinor: number | undefined; currency: string | undefined } | { kind: 'invalid'; reason: string };

const CURRENCY_PATTERN = /^[A-Za-z]{3}$/;

/** Amount and currency as the event carries them; `null` counts as absent (Stripe writes nulls). */
function moneyOf(amount: unknown, currency: unknown): EventMoney {
  const amountMinor = amount === undefined || amount === null ? undefined : intOf(amount);
  if (amountMinor === undefined && amount !== undefined && amount !== null) {
    return { kind: 'invalid', reason: `amount ${JSON.stringify(amount)} is not a count of minor units` };
  }
  if (currency === undefined || currency === null) return { kind: 'read', amountMinor, currency: undefined };
  if (typeof currency !== 'string' || !CURRENCY_PATTERN.test(currency)) {
    return { kind: 'invalid', reason: `currency ${JSON.stringify(currency)} is not an ISO 4217 code` };
  }
  return { kind: 'read', amountMinor, currency: currency.toUpperCase() };
}

function fromState(mapped: MappedProviderState, refs: EventRefs): MappedWebhookEvent {
  // Checked first: an unknown state that names no payout has nobody to open an exception for.
  if (refs.payoutId === undefined && refs.providerReference === undefined)
    return { kind: 'invalid', reason: 'event names neither our payout id nor a provider reference' };
  const present = Object.fromEntries(Object.entries(refs).filter(([, v]) => v !== undefined));
  switch (mapped.kind) {
    case 'known':
      return { kind: 'transition', event: mapped.event, providerState: mapped.providerState, ...present };
    case 'unknown':
      return { kind: 'unknown_state', providerState: mapped.providerState, ...present };
    default:
      return assertNever(mapped, 'mapped provider state');
  }
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const stringOf = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const intOf = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
const isoOf = (v: unknown): string | undefined =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined;
