import { describe, expect, it } from 'vitest';
import {
  asReportedIn,
  parseProviderReport,
  rawReportFileName,
  REPORT_FORMAT_OF,
  TRANSLATED_REPORT_HEADER,
  translatedReportLine,
  type ReportFormat,
} from '../../../../functions/domain/reconciliation/provider-report';
import { CsvReader } from '../../../../functions/domain/reconciliation/csv-reader';
import { ReportRowReader, type ReportRow } from '../../../../functions/domain/reconciliation/report';
import { ReportFormatError } from '../../../../functions/domain/reconciliation/report-errors';
import { renderStripeReport } from '../../../../functions/domain/reconciliation/stripe-report';
import { PROVIDER_NAMES } from '../../../../functions/shared/names';
import type { ReconPayout } from '../../../../functions/domain/reconciliation/matching-types';
import { renderAccountingReport } from '../../../../local/providers/adyen/report';
import { renderPaypalReport } from '../../../../local/providers/paypal/report';

// Each provider's format parses, through the one entry the run uses, into rows the engine's own reader
// reads back unchanged from the translated file, with the provider's raw line kept in `source_line`.

const ROW: Omit<ReportRow, 'line'> = {
  providerReference: 'REF1',
  payoutId: 'po_01',
  status: 'paid',
  currency: 'EUR',
  grossMinor: 1234,
  feeMinor: 0,
  netMinor: 1234,
  createdAt: '2026-11-24T10:00:00Z',
  settledAt: '2026-11-24T11:00:00Z',
};
const CASES: { format: Exclude<ReportFormat, 'settlement'>; render: (rows: Omit<ReportRow, 'line'>[]) => string }[] = [
  { format: 'stripe_payouts_itemized', render: (rows) => renderStripeReport(rows) },
  { format: 'paypal_trr', render: (rows) => renderPaypalReport(rows.map((r) => ({ ...r, line: 0 }))) },
  { format: 'adyen_accounting', render: (rows) => renderAccountingReport(rows) },
];

async function* bytes(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

async function rowsOf(format: Exclude<ReportFormat, 'settlement'>, text: string): Promise<ReportRow[]> {
  const rows: ReportRow[] = [];
  for await (const row of parseProviderReport(format, bytes(text))) rows.push(row);
  return rows;
}

describe('provider reports into the engine format', () => {
  it('names a format and a distinct raw file for every provider', () => {
    expect(PROVIDER_NAMES.map((p) => REPORT_FORMAT_OF[p])).toEqual([
      'settlement',
      'stripe_payouts_itemized',
      'paypal_trr',
      'adyen_accounting',
    ]);
    const names = PROVIDER_NAMES.map((p) => rawReportFileName(REPORT_FORMAT_OF[p]));
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(CASES)('$format: parsed rows read back by the engine reader, raw line kept', async ({ format, render }) => {
    const parsed = await rowsOf(format, render([ROW]));
    expect(parsed).toHaveLength(1);
    const translated = TRANSLATED_REPORT_HEADER + parsed.map(translatedReportLine).join('');
    const csv = new CsvReader();
    const reader = new ReportRowReader();
    const back = [...csv.push(Buffer.from(translated)), ...csv.end()].flatMap((r) => reader.read(r) ?? []);
    expect(back).toEqual([{ ...parsed[0], line: 2 }]);
    expect(translated.split('\r\n')[1]!.endsWith(`,${parsed[0]!.line}`)).toBe(true);
    expect({ ...back[0], line: 0 }).toMatchObject({ ...ROW, line: 0 });
  });

  it.each(CASES)('$format: a report without its header is refused with a line', async ({ format }) => {
    await expect(rowsOf(format, 'nonsense\r\n1,2,3\r\n')).rejects.toBeInstanceOf(ReportFormatError);
  });
});

// Which of a payout's ids the engine matches a row's reference with (and exports): the one its report prints.
describe('asReportedIn', () => {
  const ours: ReconPayout = {
    payoutId: 'po_01',
    idempotencyKey: 'k',
    provider: 'paypal',
    providerReference: 'I000000000001',
    providerTransactionId: 'T000000000001',
    status: 'paid',
    amountMinor: 1234,
    currency: 'EUR',
    createdAt: '2026-11-24T10:00:00Z',
    lastEventAt: '2026-11-24T11:00:00Z',
  };
  const { providerTransactionId: _dropped, ...withoutTransaction } = ours;

  it("PayPal's TRR names the item's transaction id; a payout that has not learned it keeps its item id", () => {
    expect(asReportedIn('paypal_trr', ours)).toEqual({ ...withoutTransaction, providerReference: 'T000000000001' });
    expect(asReportedIn('paypal_trr', withoutTransaction)).toEqual(withoutTransaction);
  });

  it.each(['settlement', 'stripe_payouts_itemized', 'adyen_accounting', 'none'] as const)(
    '%s names the stored reference, and the payout is written byte for byte as before',
    (format) => {
      expect(asReportedIn(format, ours)).toEqual(withoutTransaction);
      expect(JSON.stringify(asReportedIn(format, withoutTransaction))).toBe(JSON.stringify(withoutTransaction));
    },
  );
});
