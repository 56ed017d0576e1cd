import { assertNever } from '../assert-never';
import type { ProviderName } from '../../shared/names';
import { parseAdyenAccountingReport } from './adyen-accounting-report';
import { parsePaypalReport } from './paypal-report';
import type { ReconPayout } from './matching-types';
import type { ReportRow } from './report';
import { CSV_LINE_END } from './csv-writer';
import { REPORT_HEADER, reportLine } from './report-writer';
import { parseStripeReport } from './stripe-report';

/**
 * Each provider's report in its own published format, and the one translation into the engine's rows.
 *
 * The engine reads one format (report.ts: the sandbox's settlement report). A provider that publishes
 * another is parsed by its own parser into ReportRow and written back as that format, so the engine,
 * its fast path and its Athena twin stay one. Every provider's report is reconciled against that
 * provider's payouts only (app/reconciliation/provider-days.ts), never against another's.
 */
export const REPORT_FORMATS = ['settlement', 'stripe_payouts_itemized', 'paypal_trr', 'adyen_accounting'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Which format each provider publishes (docs/providers/*.md say how each delivers it). */
export const REPORT_FORMAT_OF: Readonly<Record<ProviderName, ReportFormat>> = {
  sandbox: 'settlement',
  stripe: 'stripe_payouts_itemized',
  paypal: 'paypal_trr',
  adyen: 'adyen_accounting',
};

/**
 * A payout as its provider's report names it: the engine matches a row's reference against the
 * payout's `providerReference` (SQL and classify.ts alike) and exports it, so this is the one place
 * that chooses which of our ids that is. PayPal's TRR prints the item's `transaction_id` in "PayPal
 * Reference ID" (PayPal's Payouts docs: "track transactions with the Transaction ID in the PayPal
 * Reference ID column"), so a PayPal payout that has learned it is matched on it, and one that has
 * not (no webhook, poll or submission answer named it yet) keeps its payout_item_id. Every other
 * format prints the reference we store: its payouts are passed as they are, less the transaction id
 * the engine never reads, so their files and exports stay byte for byte what they were.
 */
export function asReportedIn(format: ReportFormat | 'none', payout: ReconPayout): ReconPayout {
  const { providerTransactionId, ...rest } = payout;
  switch (format) {
    case 'paypal_trr':
      return providerTransactionId === undefined ? rest : { ...rest, providerReference: providerTransactionId };
    case 'settlement':
    case 'stripe_payouts_itemized':
    case 'adyen_accounting':
    case 'none':
      return rest;
    default:
      return assertNever(format, 'report format');
  }
}

/** The raw file's name as it lands in evidence: the provider's own bytes, beside the engine's copy. */
export function rawReportFileName(format: ReportFormat): string {
  switch (format) {
    case 'settlement':
      return 'settlement.csv';
    case 'stripe_payouts_itemized':
      return 'payouts_itemized.csv';
    case 'paypal_trr':
      return 'trr.csv';
    case 'adyen_accounting':
      return 'balanceplatform_accounting_report.csv';
    default:
      return assertNever(format, 'report format');
  }
}

/** The engine reads the settlement format as is; every other format needs its parser. */
export const needsTranslation = (format: ReportFormat): boolean => format !== 'settlement';

/** A provider's rows from its report's bytes in any chunking; a malformed report throws ReportFormatError. */
export function parseProviderReport(
  format: Exclude<ReportFormat, 'settlement'>,
  chunks: AsyncIterable<Uint8Array>,
): AsyncIterable<ReportRow> {
  switch (format) {
    case 'stripe_payouts_itemized':
      return parseStripeReport(chunks);
    case 'paypal_trr':
      return parsePaypalReport(chunks);
    case 'adyen_accounting':
      // Adyen's parser folds a payout's several lines into one row, so it returns the day at once.
      return fromArray(parseAdyenAccountingReport(chunks));
    default:
      return assertNever(format, 'report format');
  }
}

async function* fromArray(rows: Promise<ReportRow[]>): AsyncIterable<ReportRow> {
  yield* await rows;
}

/**
 * The column the translated report adds after the engine's: the row's line in the provider's raw file.
 * The engine ignores extra columns; the evidence keeps both files, so an export's `report_line` (a
 * line of the translated file) leads to the provider's own line through this one.
 */
export const SOURCE_LINE_COLUMN = 'source_line';
const withoutLineEnd = (line: string): string => line.slice(0, -CSV_LINE_END.length);
export const TRANSLATED_REPORT_HEADER = `${withoutLineEnd(REPORT_HEADER)},${SOURCE_LINE_COLUMN}${CSV_LINE_END}`;

/** One row of the translated report: the settlement format's line with the raw line appended. */
export function translatedReportLine(row: ReportRow): string {
  return `${withoutLineEnd(reportLine(row))},${row.line}${CSV_LINE_END}`;
}
