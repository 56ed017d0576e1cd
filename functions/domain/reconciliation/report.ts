import { CURRENCY_EXPONENTS, isCurrencyCode, type CurrencyCode } from '../money';
import { assertNever } from '../assert-never';
import type { CsvRecord } from './csv-reader';
import { ReportFormatError } from './report-errors';

/**
 * The provider's settlement report, shaped like a real payout reconciliation report (Stripe's
 * itemized payout reconciliation, PayPal's settlement report): one row per payout the provider
 * handled for the day, amounts as decimal strings in major units, lower-case currency, our payout
 * id carried back in metadata.
 */
export const REPORT_COLUMNS = [
  'provider_reference',
  'metadata[payout_id]',
  'batch_id',
  'batch_status',
  'status',
  'currency',
  'gross',
  'fee',
  'net',
  'created_at',
  'settled_at',
] as const;
export type ReportColumn = (typeof REPORT_COLUMNS)[number];

export const PROVIDER_STATUSES = ['pending', 'in_transit', 'paid', 'failed', 'canceled', 'reversed'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export interface ReportRow {
  /** Physical line in the raw report: the evidence pointer of every row. */
  readonly line: number;
  readonly providerReference: string;
  /**
   * The id the report gives the line itself, where it prints one beside the reference (PayPal's TRR:
   * Transaction ID, the sender's side of the money movement, beside PayPal Reference ID, the item's
   * `transaction_id`, which is the reference); absent when the two are the same. Evidence only: the
   * engine matches on `providerReference`.
   */
  readonly reportTransactionId?: string;
  readonly payoutId?: string;
  readonly batchId?: string;
  readonly batchStatus?: ProviderStatus;
  readonly status: ProviderStatus;
  readonly currency: CurrencyCode;
  readonly grossMinor: number;
  readonly feeMinor: number;
  readonly netMinor: number;
  readonly createdAt: string;
  readonly settledAt?: string;
}

const DECIMAL_PATTERN = /^(-?)(\d{1,16})(?:\.(\d+))?$/;
const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
/** A provider reference or payout id longer than this is not an identifier: refuse it. */
export const IDENTIFIER_LENGTH_MAX = 255;

/** "12.34" in USD → 1234, by string arithmetic: no float ever holds an amount. */
export function parseDecimalMinor(text: string, currency: CurrencyCode): number | undefined {
  const match = DECIMAL_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const exponent = CURRENCY_EXPONENTS[currency];
  if (fraction.length > exponent) return undefined;
  const minor = Number(`${whole}${fraction.padEnd(exponent, '0')}`);
  if (!Number.isSafeInteger(minor)) return undefined;
  return sign === '-' ? -minor : minor === 0 ? 0 : minor;
}

export function isProviderStatus(value: string): value is ProviderStatus {
  return (PROVIDER_STATUSES as readonly string[]).includes(value);
}

/**
 * Reads the header then each record. Strict on what we depend on (every required column once,
 * every value well formed, net = gross − fee); tolerant of extra columns a provider adds later.
 */
export class ReportRowReader {
  private columnIndex: Map<ReportColumn, number> | null = null;
  private headerFields: string[] = [];

  /** Returns the row, or undefined for the header record. */
  read(record: CsvRecord): ReportRow | undefined {
    if (this.columnIndex === null) {
      this.columnIndex = this.readHeader(record);
      this.headerFields = record.fields;
      return undefined;
    }
    if (
      record.fields.length === this.headerFields.length &&
      record.fields.every((field, i) => field === this.headerFields[i])
    ) {
      throw new ReportFormatError(
        'report_duplicate_header',
        record.line,
        'the header row appears again (two reports concatenated?)',
      );
    }
    if (record.fields.length !== this.headerFields.length) {
      if (!record.terminated && record.fields.length < this.headerFields.length) {
        throw new ReportFormatError(
          'report_truncated',
          record.line,
          `the last record has ${record.fields.length} of ${this.headerFields.length} fields and no line break: the file is cut short`,
        );
      }
      throw new ReportFormatError(
        'report_missing_columns',
        record.line,
        `expected ${this.headerFields.length} fields, found ${record.fields.length}`,
      );
    }
    return this.toRow(record);
  }

  /** An empty report (no header) is a truncated file: a real report always has its header. */
  finish(lastLine: number): void {
    if (this.columnIndex === null)
      throw new ReportFormatError('report_truncated', Math.max(lastLine, 1), 'the report has no header row');
  }

  private readHeader(record: CsvRecord): Map<ReportColumn, number> {
    const seen = new Set<string>();
    for (const name of record.fields) {
      if (seen.has(name))
        throw new ReportFormatError(
          'report_duplicate_header',
          record.line,
          `column "${name}" appears twice in the header`,
        );
      seen.add(name);
    }
    const missing = REPORT_COLUMNS.filter((column) => !seen.has(column));
    if (missing.length > 0)
      throw new ReportFormatError('report_missing_columns', record.line, `the header lacks ${missing.join(', ')}`);
    return new Map(REPORT_COLUMNS.map((column) => [column, record.fields.indexOf(column)]));
  }

  private toRow(record: CsvRecord): ReportRow {
    const get = (column: ReportColumn): string => record.fields[this.columnIndex!.get(column)!]!;
    const bad = (column: ReportColumn, why: string): never => {
      throw new ReportFormatError(
        column === 'gross' || column === 'fee' || column === 'net' ? 'report_bad_amount' : 'report_bad_value',
        record.line,
        `${column} ${why}: "${get(column).slice(0, 64)}"`,
        { param: column },
      );
    };
    const identifier = (column: ReportColumn, required: boolean): string | undefined => {
      const value = get(column);
      if (value === '') return required ? bad(column, 'is empty') : undefined;
      if (value.length > IDENTIFIER_LENGTH_MAX || /[\u0000-\u001f]/.test(value)) bad(column, 'is not an identifier');
      return value;
    };
    const status = (column: ReportColumn, required: boolean): ProviderStatus | undefined => {
      const value = get(column);
      if (value === '' && !required) return undefined;
      return isProviderStatus(value) ? value : bad(column, `is not one of ${PROVIDER_STATUSES.join('|')}`);
    };
    const time = (column: ReportColumn, required: boolean): string | undefined => {
      const value = get(column);
      if (value === '' && !required) return undefined;
      return ISO_UTC_PATTERN.test(value) && !Number.isNaN(Date.parse(value))
        ? value
        : bad(column, 'is not an ISO 8601 UTC time');
    };
    const currencyText = get('currency').toUpperCase();
    const currency = isCurrencyCode(currencyText) ? currencyText : bad('currency', 'is not a supported ISO 4217 code');
    const amount = (column: 'gross' | 'fee' | 'net'): number =>
      parseDecimalMinor(get(column), currency) ?? bad(column, `is not a ${currency} amount`);
    const grossMinor = amount('gross');
    const feeMinor = amount('fee');
    const netMinor = amount('net');
    if (grossMinor - feeMinor !== netMinor) bad('net', `is not gross − fee (${get('gross')} − ${get('fee')})`);
    const row: ReportRow = {
      line: record.line,
      providerReference: identifier('provider_reference', true)!,
      status: status('status', true)!,
      currency,
      grossMinor,
      feeMinor,
      netMinor,
      createdAt: time('created_at', true)!,
    };
    const payoutId = identifier('metadata[payout_id]', false);
    const batchId = identifier('batch_id', false);
    const batchStatus = status('batch_status', false);
    const settledAt = time('settled_at', false);
    return {
      ...row,
      ...(payoutId === undefined ? {} : { payoutId }),
      ...(batchId === undefined ? {} : { batchId }),
      ...(batchStatus === undefined ? {} : { batchStatus }),
      ...(settledAt === undefined ? {} : { settledAt }),
    };
  }
}

/** A provider status as a statement about our lifecycle; `in_transit` and `pending` both mean "not final". */
export function isFinalProviderStatus(status: ProviderStatus): boolean {
  switch (status) {
    case 'paid':
    case 'failed':
    case 'canceled':
    case 'reversed':
      return true;
    case 'pending':
    case 'in_transit':
      return false;
    default:
      return assertNever(status, 'provider status');
  }
}
