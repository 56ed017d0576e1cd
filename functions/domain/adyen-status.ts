import { assertNever } from './assert-never';
import type { PayoutEvent } from './lifecycle';
import type { MappedProviderState } from './provider-status';

/**
 * Adyen Transfers (Balance Platform) statuses mapped into our lifecycle.
 *
 * Source: Adyen/adyen-openapi json/TransferService-v4.json, `Transfer.status` (commit aa014f0,
 * 2026-07-01; read 2026-12-01). The same 72-value enum is `TransferData.status` and `TransferEvent.status`
 * in json/BalancePlatformTransferNotification-v4.json. One enum serves every transfer Adyen books (card
 * captures, chargebacks, fees, …); an outgoing bank transfer (`category: bank`, `type: bankTransfer`)
 * goes `received → authorised → booked`, may wait in `pendingExecution` or a review, and after `booked`
 * may come back `failed` or `returned` from the counterparty's bank.
 *
 * Every value is in exactly one of two lists (the table test holds both against the spec's enum). A value
 * that is documented but is not a state of a bank payout (a chargeback, a fee) is `not_a_bank_payout_state`:
 * it maps to `unknown` and opens an exception, exactly as a value Adyen adds tomorrow would. Nothing is
 * guessed into the nearest event.
 */
/** The statuses an outgoing bank transfer can take: every one maps to a lifecycle event. */
export const ADYEN_PAYOUT_STATES = [
  'received',
  'pendingExecution',
  'pendingApproval',
  'approvalPending',
  'authorised',
  'pending',
  'bookingPending',
  'bankTransferPending',
  'booked',
  'credited',
  'refused',
  'rejected',
  'error',
  'failed',
  'cancelled',
  'expired',
  'returned',
  'reversed',
] as const;
export type AdyenPayoutState = (typeof ADYEN_PAYOUT_STATES)[number];

/**
 * Documented, but never a state of an outgoing bank transfer: statuses of card, capture, chargeback,
 * fee, dispute and internal transfers. `bankTransfer` is an accounting label of older API versions with
 * no documented meaning in the v4 transfer lifecycle: mapping it to `paid` would be a guess.
 */
export const ADYEN_OTHER_TRANSFER_STATUSES = [
  'adviceAuthorised',
  'adviceRefused',
  'atmWithdrawal',
  'atmWithdrawalReversalPending',
  'atmWithdrawalReversed',
  'authAdjustmentAuthorised',
  'authAdjustmentError',
  'authAdjustmentRefused',
  'bankTransfer',
  'capturePending',
  'captureReversalPending',
  'captureReversed',
  'captured',
  'capturedExternally',
  'chargeback',
  'chargebackExternally',
  'chargebackPending',
  'chargebackReversalPending',
  'chargebackReversed',
  'depositCorrection',
  'depositCorrectionPending',
  'dispute',
  'disputeClosed',
  'disputeExpired',
  'disputeNeedsReview',
  'fee',
  'feePending',
  'interchangeAdjusted',
  'internalTransfer',
  'internalTransferPending',
  'invoiceDeduction',
  'invoiceDeductionPending',
  'manualCorrectionPending',
  'manuallyCorrected',
  'matchedStatement',
  'matchedStatementPending',
  'merchantPayin',
  'merchantPayinPending',
  'merchantPayinReversed',
  'merchantPayinReversedPending',
  'miscCost',
  'miscCostPending',
  'paymentCost',
  'paymentCostPending',
  'refundPending',
  'refundReversalPending',
  'refundReversed',
  'refunded',
  'refundedExternally',
  'reserveAdjustment',
  'reserveAdjustmentPending',
  'secondChargeback',
  'secondChargebackPending',
  'undefined',
] as const;

/** The whole documented enum (72 values; the table test holds it against the spec's list). */
export const ADYEN_TRANSFER_STATUSES = [...ADYEN_PAYOUT_STATES, ...ADYEN_OTHER_TRANSFER_STATUSES] as const;
export type AdyenTransferStatus = (typeof ADYEN_TRANSFER_STATUSES)[number];

/** A documented status that an outgoing bank transfer never takes: evidence for a human, never an event. */
export const NOT_A_BANK_PAYOUT_STATE = 'not_a_bank_payout_state';
export type AdyenStatusMeaning = PayoutEvent | typeof NOT_A_BANK_PAYOUT_STATE;

export function isAdyenTransferStatus(value: unknown): value is AdyenTransferStatus {
  return typeof value === 'string' && (ADYEN_TRANSFER_STATUSES as readonly string[]).includes(value);
}

function isAdyenPayoutState(value: string): value is AdyenPayoutState {
  return (ADYEN_PAYOUT_STATES as readonly string[]).includes(value);
}

export function adyenStatusMeaning(status: AdyenTransferStatus): AdyenStatusMeaning {
  return isAdyenPayoutState(status) ? adyenPayoutStateToEvent(status) : NOT_A_BANK_PAYOUT_STATE;
}

/** Exhaustive: a new bank-payout state fails to compile here until someone decides what it means. */
export function adyenPayoutStateToEvent(state: AdyenPayoutState): PayoutEvent {
  switch (state) {
    // The request exists at Adyen, or waits for its execution date or a review: held, not moving.
    case 'received':
    case 'pendingExecution':
    case 'pendingApproval':
    case 'approvalPending':
      return 'provider_accepted';
    // Funds reserved or the booking under way: the money is moving.
    case 'authorised':
    case 'pending':
    case 'bookingPending':
    case 'bankTransferPending':
      return 'provider_pending';
    // `booked`: deducted from the balance account and sent; `credited`: the counterparty's bank confirmed.
    case 'booked':
    case 'credited':
      return 'provider_paid';
    // Adyen refused it (limits, transaction rules), failed it, or the counterparty's bank rejected it.
    // After `booked`, the lifecycle table turns paid + failed into `reversed`.
    case 'refused':
    case 'rejected':
    case 'error':
    case 'failed':
      return 'provider_failed';
    // A review canceled it, or its approval lapsed: no money moved and nobody refused the recipient.
    case 'cancelled':
    case 'expired':
      return 'provider_canceled';
    // The counterparty's bank sent the money back after it was booked: our paid → reversed.
    case 'returned':
    case 'reversed':
      return 'provider_reversed';
    default:
      return assertNever(state, 'adyen bank payout state');
  }
}

export function mapAdyenState(providerState: string): MappedProviderState {
  if (!isAdyenTransferStatus(providerState)) return { kind: 'unknown', providerState };
  const meaning = adyenStatusMeaning(providerState);
  return meaning === NOT_A_BANK_PAYOUT_STATE
    ? { kind: 'unknown', providerState }
    : { kind: 'known', providerState, event: meaning };
}
