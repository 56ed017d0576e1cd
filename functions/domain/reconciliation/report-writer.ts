import { formatDecimal } from '../money';
import { csvRecord } from './csv-writer';
import { REPORT_COLUMNS, type ReportRow } from './report';

/**
 * Writes a settlement report in the provider's format (lower-case currency, decimal amounts), the
 * way the sandbox provider publishes it. Used by the sandbox, the tests and the bench, so all three
 * produce exactly what the parser reads.
 */
export const REPORT_HEADER = csvRecord(REPORT_COLUMNS);
/** gross, fee, net: decimals we format ourselves, never formula-escaped (a negative net stays a number). */
const AMOUNT_COLUMNS = new Set(
  ['gross', 'fee', 'net'].map((column) => REPORT_COLUMNS.indexOf(column as (typeof REPORT_COLUMNS)[number])),
);

export function reportLine(row: Omit<ReportRow, 'line'>): string {
  return csvRecord(
    [
      row.providerReference,
      row.payoutId,
      row.batchId,
      row.batchStatus,
      row.status,
      row.currency.toLowerCase(),
      formatDecimal(row.grossMinor, row.currency),
      formatDecimal(row.feeMinor, row.currency),
      formatDecimal(row.netMinor, row.currency),
      row.createdAt,
      row.settledAt,
    ],
    AMOUNT_COLUMNS,
  );
}
