// Every Adyen transfer status → what it means for a bank payout, as one table. The table is the
// whole `Transfer.status` enum of Adyen/adyen-openapi json/TransferService-v4.json (aa014f0, 2026-07-01):
// adding a value to ADYEN_TRANSFER_STATUSES without a row here fails the coverage test.
import { describe, expect, it } from 'vitest';
import {
  ADYEN_PAYOUT_STATES,
  ADYEN_TRANSFER_STATUSES,
  adyenStatusMeaning,
  mapAdyenState,
  NOT_A_BANK_PAYOUT_STATE,
} from '../../../functions/domain/adyen-status.js';
import { decide } from '../../../functions/domain/lifecycle.js';

const NOT_PAYOUT = NOT_A_BANK_PAYOUT_STATE;
const PAYOUT_TABLE = {
  received: 'provider_accepted',
  pendingExecution: 'provider_accepted',
  pendingApproval: 'provider_accepted',
  approvalPending: 'provider_accepted',
  authorised: 'provider_pending',
  pending: 'provider_pending',
  bookingPending: 'provider_pending',
  bankTransferPending: 'provider_pending',
  booked: 'provider_paid',
  credited: 'provider_paid',
  refused: 'provider_failed',
  rejected: 'provider_failed',
  error: 'provider_failed',
  failed: 'provider_failed',
  cancelled: 'provider_canceled',
  expired: 'provider_canceled',
  returned: 'provider_reversed',
  reversed: 'provider_reversed',
} as const;

// Documented for other transfer categories (cards, captures, fees, disputes): never a bank payout's state.
const OTHER_CATEGORY_STATUSES = [
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

describe('adyen transfer statuses', () => {
  it('the tables cover the whole documented enum (72 values), each value once', () => {
    const covered = [...Object.keys(PAYOUT_TABLE), ...OTHER_CATEGORY_STATUSES];
    expect(covered).toHaveLength(72);
    expect(new Set(covered).size).toBe(72);
    expect([...covered].sort()).toEqual([...ADYEN_TRANSFER_STATUSES].sort());
  });

  it('the payout states are exactly the mapped ones', () =>
    expect([...ADYEN_PAYOUT_STATES].sort()).toEqual(Object.keys(PAYOUT_TABLE).sort()));

  it.each(Object.entries(PAYOUT_TABLE))('%s → %s', (status, event) => {
    expect(adyenStatusMeaning(status as keyof typeof PAYOUT_TABLE)).toBe(event);
    expect(mapAdyenState(status)).toEqual({ kind: 'known', providerState: status, event });
  });

  it.each(OTHER_CATEGORY_STATUSES)('%s is documented but not a bank payout state: unknown, never guessed', (status) => {
    expect(adyenStatusMeaning(status)).toBe(NOT_PAYOUT);
    expect(mapAdyenState(status)).toEqual({ kind: 'unknown', providerState: status });
  });

  it.each(['', 'BOOKED', 'Booked', 'paid', 'settled', 'in_transit'])('%j is not documented: unknown', (status) => {
    expect(mapAdyenState(status)).toEqual({ kind: 'unknown', providerState: status });
  });

  // The "done when": an Adyen returned transfer becomes `reversed`.
  it('booked then returned: paid → reversed; returned before booked is refused by the lifecycle', () => {
    const event = (status: string) => {
      const mapped = mapAdyenState(status);
      if (mapped.kind !== 'known') throw new Error(status);
      return mapped.event;
    };
    expect(decide('pending', event('booked'))).toEqual({ kind: 'transition', to: 'paid' });
    expect(decide('paid', event('returned'))).toEqual({ kind: 'transition', to: 'reversed' });
    expect(decide('paid', event('failed'))).toEqual({ kind: 'transition', to: 'reversed' });
    expect(decide('accepted', event('returned'))).toEqual({ kind: 'forbidden' });
  });
});
