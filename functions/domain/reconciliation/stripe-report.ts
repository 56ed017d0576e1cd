import { assertNever } from '../assert-never';
import { formatDecimal, isCurrencyCode } from '../money';
import { stripeReference } from '../stripe-reference';
import { CsvReader, type CsvRecord } from './csv-reader';
import { csvRecord } from './csv-writer';
import { IDENTIFIER_LENGTH_MAX, parseDecimalMinor, type ProviderStatus, type ReportRow } from './report';
import { ReportFormatError } from './report-errors';

/**
 * Stripe's itemized payouts report (Reporting API report type `payouts.itemized.3`, one row per payout),
 * read into the engine's ReportRow. Columns as Stripe's report-types documentation names them
 * (docs.stripe.com/reports/report-types, as remembered on 2026-12-01: this machine reaches only the npm
 * registry and stripe/openapi carries no report schema, so only `npm run provider-check -- stripe` against
 * a live account proves the column set). Extra columns are ignored; a missing one refuses the report.
 *
 * - Times are UTC as `YYYY-MM-DD HH:MM:SS`; amounts decimal major units; currency lower case.
 * - `payout_status` is Stripe's Payout.status. A paid payout that Stripe later failed (the bank returned
 *   it) is `failed` with `payout_reversed_at_utc` set: our `reversed`. An unknown status refuses the row.
 * - A connected account's payout carries `connected_account_id`: the reference is `acct_…/po_…`, the
 *   adapter's spelling (stripe-reference.ts), so the engine matches it by reference.
 */
export const STRIPE_REPORT_COLUMNS = [
  'payout_id',
  'connected_account_id',
  'created_utc',
  'effective_at_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
  'payout_status',
  'payout_reversed_at_utc',
  'payout_metadata[payout_id]',
] as const;
type StripeReportColumn = (typeof STRIPE_REPORT_COLUMNS)[number];

const STRIPE_PAYOUT_REPORT_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled'] as const;
type StripeReportStatus = (typeof STRIPE_PAYOUT_REPORT_STATUSES)[number];
const STRIPE_TIME_PATTERN = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;
const ISO_SECONDS_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.0+)?Z$/;

function ourStatus(status: StripeReportStatus, reversedAt: string): ProviderStatus {
  switch (status) {
    case 'pending':
      return 'pending';
    case 'in_transit':
      return 'in_transit';
    case 'paid':
      return 'paid';
    // Stripe has no "returned": a payout that arrived and came back is failed with a reversal time.
    case 'failed':
      return reversedAt === '' ? 'failed' : 'reversed';
    case 'canceled':
      return 'canceled';
    default:
      return assertNever(status, 'stripe report payout status');
  }
}

/** Reads Stripe's rows from any chunking of the bytes; memory holds one record at a time. */
export async function* parseStripeReport(source: AsyncIterable<Uint8Array> | string): AsyncGenerator<ReportRow> {
  const csv = new CsvReader();
  const reader = new StripeReportReader();
  const chunks = typeof source === 'string' ? [new TextEncoder().encode(source)] : source;
  let lastLine = 0;
  for await (const chunk of chunks)
    for (const record of csv.push(chunk)) {
      lastLine = record.line;
      const row = reader.read(record);
      if (row !== undefined) yield row;
    }
  for (const record of csv.end()) {
    lastLine = record.line;
    const row = reader.read(record);
    if (row !== undefined) yield row;
  }
  reader.finish(lastLine);
}

class StripeReportReader {
  private index: Map<StripeReportColumn, number> | null = null;
  private width = 0;

  read(record: CsvRecord): ReportRow | undefined {
    if (this.index === null) {
      const missing = STRIPE_REPORT_COLUMNS.filter((column) => !record.fields.includes(column));
      if (missing.length > 0)
        throw new ReportFormatError('report_missing_columns', record.line, `the header lacks ${missing.join(', ')}`);
      if (new Set(record.fields).size !== record.fields.length)
        throw new ReportFormatError('report_duplicate_header', record.line, 'a column appears twice in the header');
      this.index = new Map(STRIPE_REPORT_COLUMNS.map((column) => [column, record.fields.indexOf(column)]));
      this.width = record.fields.length;
      return undefined;
    }
    if (record.fields.length !== this.width)
      throw new ReportFormatError(
        !record.terminated && record.fields.length < this.width ? 'report_truncated' : 'report_missing_columns',
        record.line,
        `expected ${this.width} fields, found ${record.fields.length}`,
      );
    return this.toRow(record);
  }

  finish(lastLine: number): void {
    if (this.index === null)
      throw new ReportFormatError('report_truncated', Math.max(lastLine, 1), 'the report has no header row');
  }

  private toRow(record: CsvRecord): ReportRow {
    const get = (column: StripeReportColumn): string => record.fields[this.index!.get(column)!]!;
    const bad = (column: StripeReportColumn, why: string): never => {
      const code =
        column === 'gross' || column === 'fee' || column === 'net' ? 'report_bad_amount' : 'report_bad_value';
      throw new ReportFormatError(code, record.line, `${column} ${why}: "${get(column).slice(0, 64)}"`, {
        param: column,
      });
    };
    const identifier = (column: StripeReportColumn): string | undefined => {
      const value = get(column);
      if (value === '') return undefined;
      return value.length > IDENTIFIER_LENGTH_MAX || /[\u0000-\u001f/]/.test(value)
        ? bad(column, 'is not an identifier')
        : value;
    };
    const time = (column: StripeReportColumn): string | undefined => {
      const match = STRIPE_TIME_PATTERN.exec(get(column));
      if (get(column) === '') return undefined;
      const iso = match === null ? '' : `${match[1]}T${match[2]}Z`;
      return Number.isNaN(Date.parse(iso)) ? bad(column, 'is not a UTC time YYYY-MM-DD HH:MM:SS') : iso;
    };
    const currencyText = get('currency').toUpperCase();
    const currency = isCurrencyCode(currencyText) ? currencyText : bad('currency', 'is not a supported ISO 4217 code');
    const amount = (column: 'gross' | 'fee' | 'net'): number =>
      parseDecimalMinor(get(column), currency) ?? bad(column, `is not a ${currency} amount`);
    const [grossMinor, feeMinor, netMinor] = [amount('gross'), amount('fee'), amount('net')];
    if (grossMinor - feeMinor !== netMinor) bad('net', `is not gross − fee (${get('gross')} − ${get('fee')})`);
    const statusText = get('payout_status');
    const known = (STRIPE_PAYOUT_REPORT_STATUSES as readonly string[]).includes(statusText);
    if (!known) bad('payout_status', `is not one of ${STRIPE_PAYOUT_REPORT_STATUSES.join('|')}`);
    const stripePayoutId = identifier('payout_id') ?? bad('payout_id', 'is empty');
    const payoutId = identifier('payout_metadata[payout_id]');
    const settledAt = time('effective_at_utc');
    time('payout_reversed_at_utc');
    return {
      line: record.line,
      providerReference: stripeReference(identifier('connected_account_id'), stripePayoutId),
      ...(payoutId === undefined ? {} : { payoutId }),
      status: ourStatus(statusText as StripeReportStatus, get('payout_reversed_at_utc')),
      currency,
      grossMinor,
      feeMinor,
      netMinor,
      createdAt: time('created_utc') ?? bad('created_utc', 'is empty'),
      ...(settledAt === undefined ? {} : { settledAt }),
    };
  }
}

/** Writes rows the way Stripe publishes the report: the stand-in serves it, the suite round-trips it. */
export function renderStripeReport(rows: readonly Omit<ReportRow, 'line'>[]): string {
  const amountColumns = new Set(['gross', 'fee', 'net'].map((c) => STRIPE_REPORT_COLUMNS.indexOf(c as never)));
  const lines = rows.map((row) => {
    const separator = row.providerReference.indexOf('/');
    const account = separator === -1 ? undefined : row.providerReference.slice(0, separator);
    const stripePayoutId = separator === -1 ? row.providerReference : row.providerReference.slice(separator + 1);
    const status = row.status === 'reversed' ? 'failed' : row.status;
    return csvRecord(
      [
        stripePayoutId,
        account,
        stripeTime(row.createdAt),
        row.settledAt === undefined ? undefined : stripeTime(row.settledAt),
        row.currency.toLowerCase(),
        formatDecimal(row.grossMinor, row.currency),
        formatDecimal(row.feeMinor, row.currency),
        formatDecimal(row.netMinor, row.currency),
        'payout',
        status,
        row.status === 'reversed' ? stripeTime(row.settledAt ?? row.createdAt) : undefined,
        row.payoutId,
      ],
      amountColumns,
    );
  });
  return csvRecord(STRIPE_REPORT_COLUMNS) + lines.join('');
}

function stripeTime(iso: string): string {
  const match = ISO_SECONDS_PATTERN.exec(iso);
  if (match === null) throw new Error(`a Stripe report time is whole UTC seconds, got ${iso}`);
  return `${match[1]} ${match[2]}`;
}
