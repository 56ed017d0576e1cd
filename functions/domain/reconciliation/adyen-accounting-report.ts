import { isCurrencyCode, type CurrencyCode } from '../money';
import { CsvReader, type CsvRecord } from './csv-reader';
import { IDENTIFIER_LENGTH_MAX, parseDecimalMinor, type ProviderStatus, type ReportRow } from './report';
import { ReportFormatError } from './report-errors';

/**
 * Adyen's Balance Platform Accounting Report (CSV) into the engine's ReportRows.
 *
 * Source: https://docs.adyen.com/marketplaces/reports-and-fees/balance-platform-accounting-report and
 * .../reconciliation-use-cases/reconcile-transfers (read 2026-12-01): one line per balance mutation; a
 * payout to a bank account is Category `bank`, Type `bankTransfer`; lines of one transfer share its
 * Transfer Id; a Transaction Id means money moved (`cancelled` has one too); Status `booked` with a
 * Transaction Id is booked; Reference is the `reference` of POST /transfers (our payout id); Balance (PC) is
 * the amount, in major units, negative for money leaving the balance account; Booking Date is
 * `YYYY-MM-DD HH:MM:SS` in the Booking Date TimeZone column. ASSUMED, not in those pages: a payout's fee is
 * a Type `fee` line carrying the Transfer Id of the payout it charges for, and the time zones are UTC, GMT,
 * CET (+01:00) or CEST (+02:00). Only the columns below are read; any others are allowed.
 *
 * One row per bank payout of the report: its first line dates it (createdAt), its money line settles it.
 * A `booked` payout that the same report shows `failed` or `returned` afterwards is one `reversed` row;
 * a second `booked` line for a transfer already booked is a second row (the engine's duplicate). Lines
 * without money movement (received, authorised) only date the payout. Memory holds one row per payout
 * of the report, not its lines.
 */
export const ADYEN_ACCOUNTING_COLUMNS = [
  'Transfer Id',
  'Transaction Id',
  'Category',
  'Status',
  'Type',
  'Booking Date',
  'Booking Date TimeZone',
  'Balance Currency',
  'Balance (PC)',
  'Reference',
] as const;
type Column = (typeof ADYEN_ACCOUNTING_COLUMNS)[number];

const ZONE_OFFSETS: Readonly<Record<string, string>> = { UTC: 'Z', GMT: 'Z', CET: '+01:00', CEST: '+02:00' };
const BOOKING_DATE_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** A money line's status as a statement about the payout; any other bank status only dates it. */
const MONEY_STATUS: Readonly<Record<string, ProviderStatus>> = {
  booked: 'paid',
  credited: 'paid',
  failed: 'failed',
  refused: 'failed',
  rejected: 'failed',
  error: 'failed',
  returned: 'reversed',
  reversed: 'reversed',
  cancelled: 'canceled',
  expired: 'canceled',
};
const DATING_STATUSES = new Set(['received', 'authorised', 'pending', 'pendingExecution', 'bookingPending']);

interface OpenRow {
  row: ReportRow;
  transferId: string;
}

export class AdyenAccountingReportReader {
  private columns: Map<Column, number> | null = null;
  private width = 0;
  private readonly rows: OpenRow[] = [];
  /** The open row of each transfer (its latest), and the first line's time of a transfer not yet settled. */
  private readonly latest = new Map<string, OpenRow>();
  private readonly firstSeen = new Map<string, string>();

  read(record: CsvRecord): void {
    if (this.columns === null) return this.readHeader(record);
    if (record.fields.length !== this.width) {
      const code =
        !record.terminated && record.fields.length < this.width ? 'report_truncated' : 'report_missing_columns';
      throw new ReportFormatError(code, record.line, `expected ${this.width} fields, found ${record.fields.length}`);
    }
    const get = (column: Column) => record.fields[this.columns!.get(column)!]!;
    if (get('Category') !== 'bank') return;
    const transferId = this.identifier(record, get('Transfer Id'), 'Transfer Id');
    const at = this.time(record, get('Booking Date'), get('Booking Date TimeZone'));
    if (get('Type') === 'fee') return this.fee(record, transferId, get);
    if (get('Type') !== 'bankTransfer') return;
    const status = get('Status');
    if (DATING_STATUSES.has(status)) {
      if (!this.firstSeen.has(transferId)) this.firstSeen.set(transferId, at);
      return;
    }
    const mapped = MONEY_STATUS[status];
    if (mapped === undefined)
      this.bad(record, 'Status', `is not a bank transfer status we know: "${status.slice(0, 64)}"`);
    this.settle(record, transferId, mapped!, at, get);
  }

  /** The rows, in the order their transfers first settled; throws on a report without its header. */
  finish(lastLine: number): ReportRow[] {
    if (this.columns === null) throw new ReportFormatError('report_truncated', Math.max(lastLine, 1), 'no header row');
    return this.rows.map((open) => open.row);
  }

  private settle(
    record: CsvRecord,
    transferId: string,
    status: ProviderStatus,
    at: string,
    get: (c: Column) => string,
  ) {
    const open = this.latest.get(transferId);
    // Booked, then sent back in the same report: the payout was paid and came back.
    if (open !== undefined && open.row.status === 'paid' && (status === 'failed' || status === 'reversed')) {
      open.row = { ...open.row, status: 'reversed', settledAt: at };
      return;
    }
    const currency = this.currency(record, get('Balance Currency'));
    const minor = parseDecimalMinor(get('Balance (PC)'), currency);
    if (minor === undefined) this.bad(record, 'Balance (PC)', `is not a ${currency} amount`);
    const grossMinor = Math.abs(minor!);
    const reference = get('Reference');
    const payoutId = reference === '' ? undefined : this.identifier(record, reference, 'Reference');
    const row: ReportRow = {
      line: record.line,
      providerReference: transferId,
      ...(payoutId === undefined ? {} : { payoutId }),
      status,
      currency,
      grossMinor,
      feeMinor: 0,
      netMinor: grossMinor,
      createdAt: this.firstSeen.get(transferId) ?? at,
      settledAt: at,
    };
    this.firstSeen.delete(transferId);
    const next = { row, transferId };
    this.rows.push(next);
    this.latest.set(transferId, next);
  }

  private fee(record: CsvRecord, transferId: string, get: (c: Column) => string): void {
    const open = this.latest.get(transferId);
    if (open === undefined) this.bad(record, 'Transfer Id', 'is a fee for a payout this report has not settled');
    const minor = parseDecimalMinor(get('Balance (PC)'), open!.row.currency);
    if (minor === undefined) this.bad(record, 'Balance (PC)', `is not a ${open!.row.currency} fee`);
    const feeMinor = open!.row.feeMinor + Math.abs(minor!);
    open!.row = { ...open!.row, feeMinor, netMinor: open!.row.grossMinor - feeMinor };
  }

  private readHeader(record: CsvRecord): void {
    const missing = ADYEN_ACCOUNTING_COLUMNS.filter((column) => !record.fields.includes(column));
    if (missing.length > 0)
      throw new ReportFormatError('report_missing_columns', record.line, `the header lacks ${missing.join(', ')}`);
    if (new Set(record.fields).size !== record.fields.length)
      throw new ReportFormatError('report_duplicate_header', record.line, 'a column appears twice in the header');
    this.columns = new Map(ADYEN_ACCOUNTING_COLUMNS.map((column) => [column, record.fields.indexOf(column)]));
    this.width = record.fields.length;
  }

  private identifier(record: CsvRecord, value: string, column: Column): string {
    if (value === '' || value.length > IDENTIFIER_LENGTH_MAX || /[\u0000-\u001f]/.test(value))
      this.bad(record, column, 'is not an identifier');
    return value;
  }

  private currency(record: CsvRecord, value: string): CurrencyCode {
    const upper = value.toUpperCase();
    return isCurrencyCode(upper) ? upper : this.bad(record, 'Balance Currency', 'is not a supported ISO 4217 code');
  }

  private time(record: CsvRecord, date: string, zone: string): string {
    const offset = ZONE_OFFSETS[zone];
    if (offset === undefined || !BOOKING_DATE_PATTERN.test(date))
      this.bad(record, 'Booking Date', `"${date.slice(0, 32)}" in "${zone.slice(0, 8)}" is not a time we can read`);
    const ms = Date.parse(`${date.replace(' ', 'T')}${offset}`);
    if (Number.isNaN(ms)) this.bad(record, 'Booking Date', 'is not a calendar time');
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }

  private bad(record: CsvRecord, column: Column, why: string): never {
    const code = column === 'Balance (PC)' ? 'report_bad_amount' : 'report_bad_value';
    throw new ReportFormatError(code, record.line, `${column} ${why}`, { param: column });
  }
}

/** Reads the report from its bytes in any chunking (a stream, a file read in parts). */
export async function parseAdyenAccountingReport(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<ReportRow[]> {
  const csv = new CsvReader();
  const reader = new AdyenAccountingReportReader();
  let lastLine = 0;
  for await (const chunk of chunks)
    for (const record of csv.push(chunk)) {
      reader.read(record);
      lastLine = record.line;
    }
  for (const record of csv.end()) {
    reader.read(record);
    lastLine = record.line;
  }
  return reader.finish(lastLine);
}
