// Renders rows as PayPal's Transaction Detail Report (TRR) for the stand-in and the conformance
// suite: the row types, column names, T-codes, DR/CR and minor-unit amounts of PayPal's published
// "Transaction Detail Report Specification" (PayPal developer docs, read 2026-12-01), the subset the
// parser reads (functions/domain/reconciliation/paypal-report.ts), every varchar quoted as PayPal quotes it.
import type { ReportRow } from '../../../functions/domain/reconciliation/report';
import {
  DIRECTION_BY_TCODE,
  isoToTrrTime,
  TRR_COLUMNS,
  trrCodesOf,
} from '../../../functions/domain/reconciliation/paypal-report';

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
const line = (...fields: string[]) => `${fields.join(',')}\r\n`;

export function renderPaypalReport(rows: readonly ReportRow[], reportDateIso = '2026-11-30T00:00:00Z'): string {
  const date = isoToTrrTime(reportDateIso);
  const body = rows.map((row) => {
    const codes = trrCodesOf(row.status);
    if (codes === undefined) throw new RangeError(`status ${row.status} has no form in a PayPal TRR`);
    return line(
      quote('SB'),
      // Transaction ID: the line's own id, where the row names one; else the reference again.
      quote(row.reportTransactionId ?? row.providerReference),
      quote(''),
      // PayPal Reference ID: the item's transaction_id, as PayPal's Payouts docs say (report-rows.ts).
      quote(row.providerReference),
      quote('TXN'),
      quote(codes.tcode),
      isoToTrrTime(row.createdAt),
      row.settledAt === undefined ? '' : isoToTrrTime(row.settledAt),
      quote(DIRECTION_BY_TCODE[codes.tcode]),
      String(row.grossMinor),
      quote(row.currency),
      quote(row.feeMinor === 0 ? '' : 'DR'),
      row.feeMinor === 0 ? '' : String(row.feeMinor),
      row.feeMinor === 0 ? '' : quote(row.currency),
      quote(codes.trrStatus),
      quote(row.payoutId ?? ''),
    );
  });
  const count = String(rows.length);
  return [
    line(quote('RH'), date, quote('A'), quote('STANDINMERCHANT'), '011'),
    line(quote('FH'), '01'),
    line(quote('SH'), date, date, quote(''), quote('')),
    line(quote('CH'), ...TRR_COLUMNS.map(quote)),
    ...body,
    line(quote('SF'), count),
    line(quote('SC'), count),
    line(quote('RF'), count),
    line(quote('RC'), count),
    line(quote('FF'), count),
  ].join('');
}
