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
 * Every value is classified below. A value that is documented but is not a state of a bank payout
 * (a chargeback, a fee) is `not_a_bank_payout_state`: it maps to `unknown` and opens an exception,
 * exactly as a value Adyen adds tomorrow would. Nothing is guessed into the nearest event.
 */
export const ADYEN_TRANSFER_STATUSES = [
  'adviceAuthorised',
  'adviceRefused',
  'approvalPending',
  'atmWithdrawal',
  'atmWithdrawalReversalPending',
  'atmWithdrawalReversed',
  'authAdjustmentAuthorised',
  'authAdjustmentError',
  'authAdjustmentRefused',
  'authorised',
  'bankTransfer',
  'bankTransferPending',
  'booked',
  'bookingPending',
  'cancelled',
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
  'credited',
  'depositCorrection',
  'depositCorrectionPending',
  'dispute',
  'disputeClosed',
  'disputeExpired',
  'disputeNeedsReview',
  'error',
  'expired',
  'failed',
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
  'pending',
  'pendingApproval',
  'pendingExecution',
  'received',
  'refundPending',
  'refundReversalPending',
  'refundReversed',
  'refunded',
  'refundedExternally',
  'refused',
  'rejected',
  'reserveAdjustment',
  'reserveAdjustmentPending',
  'returned',
  'reversed',
  'secondChargeback',
  'secondChargebackPending',
  'undefined',
] as const;
export type AdyenTransferStatus = (typeof ADYEN_TRANSFER_STATUSES)[number];

/** A documented status that an outgoing bank transfer never takes: evidence for a human, never an event. */
export const NOT_A_BANK_PAYOUT_STATE = 'not_a_bank_payout_state';
export type AdyenStatusMeaning = PayoutEvent | typeof NOT_A_BANK_PAYOUT_STATE;

export function isAdyenTransferStatus(value: unknown): value is AdyenTransferStatus {
  return typeof value === 'string' && (ADYEN_TRANSFER_STATUSES as readonly string[]).includes(value);
}

/** Exhaustive: a new value in the enum fails to compile here until someone decides what it means. */
export function adyenStatusMeaning(status: AdyenTransferStatus): AdyenStatusMeaning {
  switch (status) {
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
    // `bankTransfer` is an accounting label of older API versions with no documented meaning in the
    // v4 transfer lifecycle; mapping it to `paid` would be a guess.
    case 'bankTransfer':
    case 'undefined':
    case 'adviceAuthorised':
    case 'adviceRefused':
    case 'atmWithdrawal':
    case 'atmWithdrawalReversalPending':
    case 'atmWithdrawalReversed':
    case 'authAdjustmentAuthorised':
    case 'authAdjustmentError':
    case 'authAdjustmentRefused':
    case 'capturePending':
    case 'captureReversalPending':
    case 'captureReversed':
    case 'captured':
    case 'capturedExternally':
    case 'chargeback':
    case 'chargebackExternally':
    case 'chargebackPending':
    case 'chargebackReversalPending':
    case 'chargebackReversed':
    case 'depositCorrection':
    case 'depositCorrectionPending':
    case 'dispute':
    case 'disputeClosed':
    case 'disputeExpired':
    case 'disputeNeedsReview':
    case 'fee':
    case 'feePending':
    case 'interchangeAdjusted':
    case 'internalTransfer':
    case 'internalTransferPending':
    case 'invoiceDeduction':
    case 'invoiceDeductionPending':
    case 'manualCorrectionPending':
    case 'manuallyCorrected':
    case 'matchedStatement':
    case 'matchedStatementPending':
    case 'merchantPayin':
    case 'merchantPayinPending':
    case 'merchantPayinReversed':
    case 'merchantPayinReversedPending':
    case 'miscCost':
    case 'miscCostPending':
    case 'paymentCost':
    case 'paymentCostPending':
    case 'refundPending':
    case 'refundReversalPending':
    case 'refundReversed':
    case 'refunded':
    case 'refundedExternally':
    case 'reserveAdjustment':
    case 'reserveAdjustmentPending':
    case 'secondChargeback':
    case 'secondChargebackPending':
      return NOT_A_BANK_PAYOUT_STATE;
    default:
      return assertNever(status, 'adyen transfer status');
  }
}

/** The statuses an outgoing bank transfer can take: every one maps to a lifecycle event. */
export const ADYEN_PAYOUT_STATES: readonly AdyenTransferStatus[] = ADYEN_TRANSFER_STATUSES.filter(
  (status) => adyenStatusMeaning(status) !== NOT_A_BANK_PAYOUT_STATE,
);

export function mapAdyenState(providerState: string): MappedProviderState {
  if (!isAdyenTransferStatus(providerState)) return { kind: 'unknown', providerState };
  const meaning = adyenStatusMeaning(providerState);
  return meaning === NOT_A_BANK_PAYOUT_STATE
    ? { kind: 'unknown', providerState }
    : { kind: 'known', providerState, event: meaning };
}
