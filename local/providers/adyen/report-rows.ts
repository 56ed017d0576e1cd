// The Adyen stand-in's transfers as rows of its Balance Platform Accounting Report (rendered by ./report.ts):
// the day's report of the twin's reconciliation (STAND_IN_REPORT_PATHS.adyen, `?date=YYYY-MM-DD`).
import type { AdyenTransfer } from '../../../functions/adapters/providers/adyen-api';
import {
  ADYEN_PAYOUT_STATES,
  adyenPayoutStateToEvent,
  type AdyenPayoutState,
} from '../../../functions/domain/adyen-status';
import { isCurrencyCode } from '../../../functions/domain/money';
import type { ProviderStatus, ReportRow } from '../../../functions/domain/reconciliation/report';

/**
 * The transfers created on `date` (UTC), every one when no date is given, that moved money: the report
 * lists balance mutations, so a transfer still received or pending at Adyen has no line yet.
 */
export function accountingReportRowsOf(transfers: readonly AdyenTransfer[], date?: string): Omit<ReportRow, 'line'>[] {
  return transfers
    .filter((transfer) => date === undefined || createdAt(transfer).startsWith(`${date}T`))
    .flatMap((transfer) => {
      const status = statusOf(transfer.status);
      return status === undefined ? [] : [rowOf(transfer, status)];
    });
}

function rowOf(transfer: AdyenTransfer, status: ProviderStatus): Omit<ReportRow, 'line'> {
  const currency = transfer.amount.currency;
  if (!isCurrencyCode(currency)) throw new Error(`the Adyen stand-in holds a transfer in ${currency}`);
  return {
    providerReference: transfer.id,
    ...(transfer.reference === undefined ? {} : { payoutId: transfer.reference }),
    status,
    currency,
    grossMinor: transfer.amount.value,
    feeMinor: 0,
    netMinor: transfer.amount.value,
    createdAt: createdAt(transfer),
    settledAt: isoOf(transfer.updatedAt ?? createdAt(transfer)),
  };
}

/** Adyen writes `2026-11-30T10:00:00+00:00`; the stand-in writes UTC, the report's rows want `…Z`. */
const isoOf = (at: string): string => `${at.slice(0, 19)}Z`;
const createdAt = (transfer: AdyenTransfer): string => isoOf(transfer.creationDate ?? transfer.createdAt ?? '');

/** A transfer's status as the report's, or undefined while no money moved (no line in the report yet). */
function statusOf(state: string): ProviderStatus | undefined {
  if (!(ADYEN_PAYOUT_STATES as readonly string[]).includes(state))
    throw new Error(`the Adyen stand-in holds a transfer in status ${state}`);
  const event = adyenPayoutStateToEvent(state as AdyenPayoutState);
  switch (event) {
    case 'provider_paid':
      return 'paid';
    case 'provider_failed':
      return 'failed';
    case 'provider_canceled':
      return 'canceled';
    case 'provider_reversed':
      return 'reversed';
    case 'provider_accepted':
    case 'provider_pending':
      return undefined;
    // adyenPayoutStateToEvent returns only provider events; its type is the lifecycle's whole union.
    default:
      throw new Error(`adyen state ${state} maps to ${event}, not a provider event`);
  }
}
