import { assertNever } from './assert-never';
import type { PayoutEvent } from './lifecycle';
import type { MappedProviderState } from './provider-status';

/**
 * PayPal Payouts states mapped into our lifecycle, exhaustively. Source: PayPal's published
 * Payouts spec, paypal/paypal-rest-api-specifications openapi/payments_payouts_batch_v1.json
 * (commit ec4d8f3, 2024-02-03; read 2026-12-01): `transaction_enum` (an item) and `batch_enum`
 * (a batch). A state string not in those lists maps to `unknown` and is never guessed.
 *
 * One of our payouts is one PayPal payout item; its batch status says only how far PayPal got with
 * the whole batch, so a batch's SUCCESS ("processed") is not an item's SUCCESS ("paid").
 */
export const PAYPAL_ITEM_STATES = [
  'SUCCESS',
  'FAILED',
  'PENDING',
  'UNCLAIMED',
  'RETURNED',
  'ONHOLD',
  'BLOCKED',
  'REFUNDED',
  'REVERSED',
] as const;
export type PaypalItemState = (typeof PAYPAL_ITEM_STATES)[number];

export const PAYPAL_BATCH_STATES = ['DENIED', 'PENDING', 'PROCESSING', 'SUCCESS', 'CANCELED'] as const;
export type PaypalBatchState = (typeof PAYPAL_BATCH_STATES)[number];

/**
 * PayPal returns an item nobody claimed to the sender after 30 days (spec, cancel operation: "If no
 * one claims the unclaimed item within 30 days, the API automatically returns the funds").
 */
export const UNCLAIMED_EXPIRY_DAYS = 30;
/** The reason a RETURNED item carries when PayPal sends none: the money never reached the recipient. */
export const UNCLAIMED_EXPIRED_REASON = 'UNCLAIMED_EXPIRED';

export function isPaypalItemState(value: unknown): value is PaypalItemState {
  return typeof value === 'string' && (PAYPAL_ITEM_STATES as readonly string[]).includes(value);
}

export function isPaypalBatchState(value: unknown): value is PaypalBatchState {
  return typeof value === 'string' && (PAYPAL_BATCH_STATES as readonly string[]).includes(value);
}

export function paypalItemStateToEvent(state: PaypalItemState): PayoutEvent {
  switch (state) {
    case 'PENDING':
      return 'provider_pending';
    // The recipient has no PayPal account yet: PayPal holds the money until they claim it or it expires.
    case 'UNCLAIMED':
      return 'provider_pending';
    // PayPal holds the item for its own review; it may still pay.
    case 'ONHOLD':
      return 'provider_pending';
    case 'SUCCESS':
      return 'provider_paid';
    case 'FAILED':
      return 'provider_failed';
    // PayPal's risk or compliance refused the item: the money never left.
    case 'BLOCKED':
      return 'provider_failed';
    // An unclaimed item PayPal gave back after UNCLAIMED_EXPIRY_DAYS (or after a cancel): never paid, so failed.
    case 'RETURNED':
      return 'provider_failed';
    // The recipient sent a paid item back, or PayPal reversed it: our paid → reversed.
    case 'REFUNDED':
    case 'REVERSED':
      return 'provider_reversed';
    default:
      return assertNever(state, 'paypal item state');
  }
}

/** What a batch status says about its items: only DENIED and CANCELED decide them all. */
export type PaypalBatchMeaning =
  | { readonly kind: 'event'; readonly event: PayoutEvent }
  /** The batch is processed; each item's own transaction_status says what happened to it. */
  | { readonly kind: 'see_items' };

export function paypalBatchMeaning(state: PaypalBatchState): PaypalBatchMeaning {
  switch (state) {
    // Passed PayPal's preliminary checks: PayPal holds the batch.
    case 'PENDING':
      return { kind: 'event', event: 'provider_accepted' };
    case 'PROCESSING':
      return { kind: 'event', event: 'provider_pending' };
    // Refused as a whole (funds, account, validation): no item is paid.
    case 'DENIED':
      return { kind: 'event', event: 'provider_failed' };
    case 'CANCELED':
      return { kind: 'event', event: 'provider_canceled' };
    case 'SUCCESS':
      return { kind: 'see_items' };
    default:
      return assertNever(state, 'paypal batch state');
  }
}

export function mapPaypalItemState(providerState: string): MappedProviderState {
  return isPaypalItemState(providerState)
    ? { kind: 'known', providerState, event: paypalItemStateToEvent(providerState) }
    : { kind: 'unknown', providerState };
}

/** A batch status as a payout state, for the create answer (which carries no items). */
export function mapPaypalBatchState(providerState: string): MappedProviderState {
  if (!isPaypalBatchState(providerState)) return { kind: 'unknown', providerState };
  const meaning = paypalBatchMeaning(providerState);
  // A processed batch says nothing about its item: reading it as paid would be a guess.
  return meaning.kind === 'event'
    ? { kind: 'known', providerState, event: meaning.event }
    : { kind: 'unknown', providerState };
}

/**
 * The failure reason to store for an item: PayPal's own error name when it sends one
 * (`RECEIVER_UNREGISTERED`, `RECEIVER_ACCOUNT_LOCKED`, …), else for a RETURNED item the expiry.
 */
export function paypalFailureCode(state: string, errorName: string | undefined): string | undefined {
  if (errorName !== undefined && errorName !== '') return errorName;
  return state === 'RETURNED' ? UNCLAIMED_EXPIRED_REASON : undefined;
}

/**
 * Whether an UNCLAIMED item is past PayPal's claim window at `nowMs` (time passed in: the domain reads
 * no clock). The sweeper uses it to re-ask PayPal for an item whose RETURNED webhook never came.
 */
export function isUnclaimedExpiryDue(state: string, timeProcessedIso: string | undefined, nowMs: number): boolean {
  if (state !== 'UNCLAIMED' || timeProcessedIso === undefined) return false;
  const processedMs = Date.parse(timeProcessedIso);
  if (Number.isNaN(processedMs)) return false;
  return nowMs - processedMs >= UNCLAIMED_EXPIRY_DAYS * 86_400_000;
}

/**
 * PayPal's item error names by who must act (PayPal developer docs, "Transaction activity log error
 * and reason codes", docs/payouts/standard/reports/view-transaction-activities, read 2026-12-01).
 * A name not listed falls to `provider`, as every unclassified code does (failure-source.ts).
 */
export const PAYPAL_FAILURE_SOURCE_BY_CODE = {
  RECEIVER_UNREGISTERED: 'recipient',
  RECEIVER_ACCOUNT_LOCKED: 'recipient',
  RECEIVER_UNCONFIRMED: 'recipient',
  RECEIVER_COUNTRY_NOT_ALLOWED: 'recipient',
  RECEIVING_LIMIT_EXCEEDED: 'recipient',
  RECEIVER_MISSING: 'recipient',
  // Nobody claimed it in 30 days: the recipient's address reaches no one who wants the money.
  [UNCLAIMED_EXPIRED_REASON]: 'recipient',
  RISK_DECLINE: 'provider',
  UNDEFINED: 'provider',
  INSUFFICIENT_FUNDS: 'platform',
  SENDER_ACCOUNT_LOCKED: 'platform',
  SENDER_ACCOUNT_UNVERIFIED: 'platform',
  SPENDING_LIMIT_EXCEEDED: 'platform',
  USER_COUNTRY_NOT_ALLOWED: 'platform',
  USER_FUNDING_SOURCE_INELIGIBLE: 'platform',
  SELF_PAY_NOT_ALLOWED: 'platform',
  VALIDATION_ERROR: 'platform',
  USER_BUSINESS_ERROR: 'platform',
} as const satisfies Readonly<Record<string, 'provider' | 'recipient' | 'compliance' | 'platform'>>;
