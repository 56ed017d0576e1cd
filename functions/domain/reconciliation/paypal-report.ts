import { assertNever } from '../assert-never';
import { isCurrencyCode, type CurrencyCode } from '../money';
import { CsvReader, type CsvRecord } from './csv-reader';
import type { ProviderStatus, ReportRow } from './report';
import { IDENTIFIER_LENGTH_MAX } from './report';
import { ReportFormatError } from './report-errors';

/**
 * PayPal's Transaction Detail Report (TRR), the Payouts-relevant one (PayPal developer docs,
 * "Transaction Detail Report Specification" and "Settlement and transaction detail reports" for
 * Payouts, read 2026-12-01): CSV records, each led by a row type: RH report header, FH file header,
 * SH section header, CH column header, SB section body (one per transaction), SF/SC section footer and
 * count, RF/RC report footer and count, FF file footer. Amounts are unsigned minor units ("$100.00
 * and ¥10000 are both 10000") with a DR/CR column each; dates are `yyyy/MM/dd HH:mm:ss +hhmm`.
 *
 * Payouts rows by T-code: T0001 mass payment (a payout), T1114 mass payment reversal, T1115 mass
 * payment refund (an unclaimed or canceled item given back). With the Transactional Status column
 * (S success, P pending, D denied, V reversed) they map to the engine's statuses (STATUS_BY_CODE).
 *
 * The row's reference is "PayPal Reference ID": PayPal's Payouts docs say "you can track transactions
 * with the Transaction ID in the PayPal Reference ID column", i.e. the item's `transaction_id`, which
 * reconciliation matches a PayPal payout on (asReportedIn, provider-report.ts). "Transaction ID" is the
 * line's own id, kept as `reportTransactionId` when it differs. Assumed, to be confirmed on a live
 * report (docs/providers/paypal.md): our payout id (the item's sender_item_id) arrives in "Custom Field".
 */
export const TRR_COLUMNS = [
  'Transaction ID',
  'Invoice ID',
  'PayPal Reference ID',
  'PayPal Reference ID Type',
  'Transaction Event Code',
  'Transaction Initiation Date',
  'Transaction Completion Date',
  'Transaction Debit or Credit',
  'Gross Transaction Amount',
  'Gross Transaction Currency',
  'Fee Debit or Credit',
  'Fee Amount',
  'Fee Currency',
  'Transactional Status',
  'Custom Field',
] as const;
export type TrrColumn = (typeof TRR_COLUMNS)[number];

export const PAYPAL_TCODES = { massPayment: 'T0001', reversal: 'T1114', refund: 'T1115' } as const;
type PayoutTcode = (typeof PAYPAL_TCODES)[keyof typeof PAYPAL_TCODES];
type TrrStatus = 'S' | 'P' | 'D' | 'V';

/** (T-code, status) ↔ the engine's status. `in_transit` has no TRR form: PayPal shows it as pending. */
export function trrCodesOf(status: ProviderStatus): { tcode: PayoutTcode; trrStatus: TrrStatus } | undefined {
  switch (status) {
    case 'paid':
      return { tcode: 'T0001', trrStatus: 'S' };
    case 'pending':
      return { tcode: 'T0001', trrStatus: 'P' };
    case 'failed':
      return { tcode: 'T0001', trrStatus: 'D' };
    case 'reversed':
      return { tcode: 'T1114', trrStatus: 'S' };
    case 'canceled':
      return { tcode: 'T1115', trrStatus: 'S' };
    case 'in_transit':
      return undefined;
    default:
      return assertNever(status, 'provider status');
  }
}

const STATUS_BY_CODE: Readonly<Record<string, ProviderStatus>> = {
  'T0001:S': 'paid',
  'T0001:P': 'pending',
  'T0001:D': 'failed',
  'T0001:V': 'reversed',
  'T1114:S': 'reversed',
  'T1115:S': 'canceled',
};
/** Money leaves our balance on a payout and comes back on a reversal or refund. */
export const DIRECTION_BY_TCODE: Readonly<Record<PayoutTcode, 'DR' | 'CR'>> = {
  T0001: 'DR',
  T1114: 'CR',
  T1115: 'CR',
};
const TRR_TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MINOR_PATTERN = /^\d{1,16}$/;

/** `2026/11/30 10:00:00 +0000` → ISO 8601 UTC, or undefined. */
export function trrTimeToIso(text: string): string | undefined {
  const m = TRR_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMs;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function isoToTrrTime(iso: string): string {
  const t = new Date(iso).toISOString();
  return `${t.slice(0, 4)}/${t.slice(5, 7)}/${t.slice(8, 10)} ${t.slice(11, 19)} +0000`;
}

/**
 * Reads TRR records one at a time (from the repo's streaming CsvReader): strict on the row order a
 * complete file has (RH first, CH before SB, FF last with the body count), so a file that lost its
 * head or its tail is refused rather than half read.
 */
export class PaypalReportReader {
  private columns: Map<TrrColumn, number> | null = null;
  private started = false;
  private bodyRows = 0;
  private ended = false;

  read(record: CsvRecord): ReportRow | undefined {
    const [rowType] = record.fields;
    if (this.ended)
      throw new ReportFormatError('report_duplicate_header', record.line, 'a record after the file footer');
    if (!this.started) {
      if (rowType !== 'RH') throw new ReportFormatError('report_truncated', record.line, 'the report has no RH header');
      this.started = true;
      return undefined;
    }
    switch (rowType) {
      case 'CH':
        if (this.columns !== null) throw new ReportFormatError('report_duplicate_header', record.line, 'a second CH');
        this.columns = this.readColumns(record);
        return undefined;
      case 'SB':
        this.bodyRows += 1;
        return this.toRow(record);
      case 'FF':
        if (!record.terminated || record.fields[1] !== String(this.bodyRows))
          throw new ReportFormatError('report_truncated', record.line, `FF does not count ${this.bodyRows} rows`);
        this.ended = true;
        return undefined;
      default:
        return undefined;
    }
  }

  finish(lastLine: number): void {
    if (!this.ended)
      throw new ReportFormatError('report_truncated', Math.max(lastLine, 1), 'the report has no FF footer');
  }

  private readColumns(record: CsvRecord): Map<TrrColumn, number> {
    const names = record.fields.slice(1);
    const missing = TRR_COLUMNS.filter((column) => !names.includes(column));
    if (missing.length > 0)
      throw new ReportFormatError('report_missing_columns', record.line, `CH lacks ${missing.join(', ')}`);
    return new Map(TRR_COLUMNS.map((column) => [column, names.indexOf(column) + 1]));
  }

  private toRow(record: CsvRecord): ReportRow {
    const columns = this.columns;
    if (columns === null) throw new ReportFormatError('report_missing_columns', record.line, 'SB before CH');
    if (record.fields.length !== columns.size + 1 && record.fields.length < Math.max(...columns.values()) + 1)
      throw new ReportFormatError('report_missing_columns', record.line, `SB has ${record.fields.length} fields`);
    const get = (column: TrrColumn): string => record.fields[columns.get(column)!] ?? '';
    const bad = (column: TrrColumn, why: string): never => {
      const amount = column === 'Gross Transaction Amount' || column === 'Fee Amount';
      throw new ReportFormatError(amount ? 'report_bad_amount' : 'report_bad_value', record.line, `${column} ${why}`, {
        param: column,
      });
    };
    const tcode = get('Transaction Event Code');
    const status = STATUS_BY_CODE[`${tcode}:${get('Transactional Status')}`] ?? bad('Transactional Status', 'unknown');
    if (get('Transaction Debit or Credit') !== DIRECTION_BY_TCODE[tcode as PayoutTcode])
      bad('Transaction Debit or Credit', `is not ${DIRECTION_BY_TCODE[tcode as PayoutTcode]} for ${tcode}`);
    const currencyText = get('Gross Transaction Currency');
    const currency: CurrencyCode = isCurrencyCode(currencyText)
      ? currencyText
      : bad('Gross Transaction Currency', 'unknown');
    const feeCurrency = get('Fee Currency');
    if (feeCurrency !== '' && feeCurrency !== currency) bad('Fee Currency', 'differs from the gross currency');
    const minor = (column: TrrColumn): number => {
      const text = get(column);
      if (text === '' && column === 'Fee Amount') return 0;
      return MINOR_PATTERN.test(text) && Number.isSafeInteger(Number(text))
        ? Number(text)
        : bad(column, 'is not minor units');
    };
    const grossMinor = minor('Gross Transaction Amount');
    const feeMinor = minor('Fee Amount');
    const id = (column: TrrColumn): string | undefined => {
      const value = get(column);
      if (value.length > IDENTIFIER_LENGTH_MAX || /[\u0000-\u001f]/.test(value)) bad(column, 'is not an identifier');
      return value === '' ? undefined : value;
    };
    const providerReference = id('PayPal Reference ID') ?? id('Transaction ID') ?? bad('Transaction ID', 'is empty');
    const createdAt = trrTimeToIso(get('Transaction Initiation Date')) ?? bad('Transaction Initiation Date', 'bad');
    const completed = get('Transaction Completion Date');
    const settledAt =
      completed === '' ? undefined : (trrTimeToIso(completed) ?? bad('Transaction Completion Date', 'bad'));
    const payoutId = id('Custom Field');
    const transactionId = id('Transaction ID');
    return {
      line: record.line,
      providerReference,
      ...(transactionId === undefined || transactionId === providerReference
        ? {}
        : { reportTransactionId: transactionId }),
      ...(payoutId === undefined ? {} : { payoutId }),
      status,
      currency,
      grossMinor,
      feeMinor,
      netMinor: grossMinor - feeMinor,
      createdAt,
      ...(settledAt === undefined ? {} : { settledAt }),
    };
  }
}

/** Streams a TRR: bytes in any chunking → rows, holding one record at a time. */
export async function* parsePaypalReport(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncIterable<ReportRow> {
  const csv = new CsvReader();
  const reader = new PaypalReportReader();
  let lastLine = 0;
  for await (const chunk of chunks) {
    for (const record of csv.push(chunk)) {
      lastLine = record.line;
      const row = reader.read(record);
      if (row !== undefined) yield row;
    }
  }
  for (const record of csv.end()) {
    lastLine = record.line;
    const row = reader.read(record);
    if (row !== undefined) yield row;
  }
  reader.finish(lastLine);
}
