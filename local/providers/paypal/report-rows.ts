// The PayPal stand-in's items as rows of its Transaction Detail Report (rendered by ./report.ts): the day's
// report of the twin's reconciliation (STAND_IN_REPORT_PATHS.paypal, `?date=YYYY-MM-DD`).
import type { PaypalItem } from '../../../functions/adapters/providers/paypal-api';
import { assertNever } from '../../../functions/domain/assert-never';
import { isCurrencyCode } from '../../../functions/domain/money';
import { isPaypalItemState } from '../../../functions/domain/paypal-status';
import {
  parseDecimalMinor,
  type ProviderStatus,
  type ReportRow,
} from '../../../functions/domain/reconciliation/report';

export interface ReportItem {
  readonly item: PaypalItem;
  /** The batch's `time_created`: the TRR's Transaction Initiation Date. */
  readonly createdAt: string;
  readonly canceled: boolean;
}

/** The items created on `date` (UTC), every one when no date is given; PayPal's report names each state. */
export function paypalReportRowsOf(items: readonly ReportItem[], date?: string): ReportRow[] {
  return items
    .filter(({ createdAt }) => date === undefined || createdAt.startsWith(`${date}T`))
    .map((entry) => reportRowOf(entry));
}

function reportRowOf({ item, createdAt, canceled }: ReportItem): ReportRow {
  const currency = item.payout_item.amount.currency;
  if (!isCurrencyCode(currency)) throw new Error(`the PayPal stand-in holds an item in ${currency}`);
  const grossMinor = parseDecimalMinor(item.payout_item.amount.value, currency);
  const feeMinor = item.payout_item_fee === undefined ? 0 : parseDecimalMinor(item.payout_item_fee.value, currency);
  if (grossMinor === undefined || feeMinor === undefined)
    throw new Error(`the PayPal stand-in holds item ${item.payout_item_id} with an amount it cannot write`);
  const status = canceled ? 'canceled' : statusOf(item.transaction_status ?? 'PENDING');
  const senderItemId = item.payout_item.sender_item_id;
  // The reference PayPal prints in "PayPal Reference ID" is the item's transaction_id (PayPal's Payouts
  // docs); the stand-in keeps no sender-side ledger, so its Transaction ID column repeats it. An item
  // without one (none here: the stand-in mints it at creation) would show its payout_item_id.
  const transactionId = item.transaction_id ?? '';
  return {
    line: 0,
    providerReference: transactionId === '' ? item.payout_item_id : transactionId,
    ...(senderItemId === undefined ? {} : { payoutId: senderItemId }),
    status,
    currency,
    grossMinor,
    feeMinor,
    netMinor: grossMinor - feeMinor,
    createdAt,
    ...(status === 'pending' || item.time_processed === undefined ? {} : { settledAt: item.time_processed }),
  };
}

/**
 * How PayPal's TRR shows an item's state (T0001 S/P/D, T1114 for a reversal), the same reading as
 * functions/domain/paypal-status.ts gives the adapter: UNCLAIMED and ONHOLD are still pending, RETURNED
 * and BLOCKED never paid.
 */
function statusOf(state: string): ProviderStatus {
  if (!isPaypalItemState(state)) throw new Error(`the PayPal stand-in holds an item in state ${state}`);
  switch (state) {
    case 'PENDING':
    case 'UNCLAIMED':
    case 'ONHOLD':
      return 'pending';
    case 'SUCCESS':
      return 'paid';
    case 'FAILED':
    case 'BLOCKED':
    case 'RETURNED':
      return 'failed';
    case 'REFUNDED':
    case 'REVERSED':
      return 'reversed';
    default:
      return assertNever(state, 'paypal item state');
  }
}
