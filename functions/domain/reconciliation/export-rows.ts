import { failureSourceOfException, failureSourceOfPayout } from '../failure-source';
import { formatDecimal, type CurrencyCode } from '../money';
import { csvRecord } from './csv-writer';
import type { ExceptionOwner, MismatchCategory } from './categories';
import type { ReconRow } from './matching-types';

/**
 * The columns finance reads (docs/finance.md). Amounts come twice: integer minor units (exact,
 * for machines) and a decimal string with the currency's exponent (for people), via formatDecimal.
 * Ours and the provider's side by side, so a mismatch is visible on the row itself. Columns are only
 * ever added at the end (finance's loaders read by header, older ones by position).
 */
export const RECONCILIATION_CSV_COLUMNS = [
  'payout_id',
  'idempotency_key',
  'batch_id',
  'provider',
  'provider_reference',
  'our_status',
  'provider_status',
  'currency',
  'amount_minor',
  'amount',
  'fee_minor',
  'fee',
  'net_minor',
  'net',
  'provider_currency',
  'provider_gross_minor',
  'provider_gross',
  'provider_fee_minor',
  'provider_fee',
  'provider_net_minor',
  'provider_net',
  'created_at',
  'last_event_at',
  'settled_at',
  'match_status',
  'matched_by',
  'mismatch_category',
  'detail',
  'exception_id',
  'exception_owner',
  'report_line',
  // Every mismatch of the row, dominant first (= mismatch_category), `;` between them.
  'mismatches',
  // Who a failed or mismatched row waits on: provider, recipient, compliance or platform (failure-source.ts).
  'failure_source',
  // Our batch (POST /batches) and the client's sender_batch_id, when the payout is a batch item;
  // empty otherwise. `batch_id` above is the settlement batch, as it always was.
  'payout_batch_id',
  'sender_batch_id',
] as const;

export const EXCEPTIONS_CSV_COLUMNS = [
  'exception_id',
  'category',
  'owner',
  'sla_seconds',
  'payout_id',
  'provider_reference',
  'detail',
  'report_line',
  'dedup_key',
  // Every mismatch of the row, dominant first (= category): the owner sees all of them.
  'mismatches',
] as const;

export interface ExceptionRef {
  readonly exceptionId: string;
  readonly dedupKey: string;
  readonly category: MismatchCategory;
  readonly owner: ExceptionOwner;
  readonly slaSeconds: number;
}

/** Between the values of the `mismatches` column: not a CSV delimiter, and never in a category name. */
export const MISMATCHES_SEPARATOR = ';';
const mismatchesCell = (row: ReconRow): string => row.mismatches.join(MISMATCHES_SEPARATOR);

/**
 * The dominant mismatch's source when the row disagrees; else the payout's own (a failed or
 * reversed payout, from its failure code); empty for a row that is neither.
 */
function failureSourceCell(row: ReconRow): string {
  const dominant = row.mismatches[0];
  if (dominant !== undefined) return failureSourceOfException(dominant);
  return row.payout === undefined ? '' : (failureSourceOfPayout(row.payout) ?? '');
}

const header = (columns: readonly string[]): string => csvRecord(columns);
export const RECONCILIATION_CSV_HEADER = header(RECONCILIATION_CSV_COLUMNS);
export const EXCEPTIONS_CSV_HEADER = header(EXCEPTIONS_CSV_COLUMNS);

// Numeric columns (minor units and decimals) are ours and never formula-escaped.
const RECON_NUMERIC = new Set(
  RECONCILIATION_CSV_COLUMNS.flatMap((column, index) =>
    /(_minor|^amount|^fee|^net|_gross|_fee|_net|report_line)$/.test(column) ? [index] : [],
  ),
);
const EXCEPTION_NUMERIC = new Set([
  EXCEPTIONS_CSV_COLUMNS.indexOf('sla_seconds'),
  EXCEPTIONS_CSV_COLUMNS.indexOf('report_line'),
]);

const decimal = (minor: number | undefined, currency: CurrencyCode | undefined): string | undefined =>
  minor === undefined || currency === undefined ? undefined : formatDecimal(minor, currency);

export function reconciliationCsvLine(row: ReconRow, exception: ExceptionRef | undefined): string {
  const p = row.payout;
  const r = row.report;
  const fee = p === undefined ? undefined : (p.ledgerFeeMinor ?? p.feeMinor);
  const net = p === undefined || fee === undefined ? undefined : p.amountMinor - fee;
  return csvRecord(
    [
      p?.payoutId ?? r?.payoutId,
      p?.idempotencyKey,
      p?.batchId ?? r?.batchId,
      p?.provider ?? row.provider,
      p?.providerReference ?? r?.providerReference,
      p?.status,
      r?.status,
      p?.currency,
      p?.amountMinor,
      decimal(p?.amountMinor, p?.currency),
      fee,
      decimal(fee, p?.currency),
      net,
      decimal(net, p?.currency),
      r?.currency,
      r?.grossMinor,
      decimal(r?.grossMinor, r?.currency),
      r?.feeMinor,
      decimal(r?.feeMinor, r?.currency),
      r?.netMinor,
      decimal(r?.netMinor, r?.currency),
      p?.createdAt ?? r?.createdAt,
      p?.lastEventAt,
      r?.settledAt,
      row.matchStatus,
      row.matchedBy,
      row.category === 'matched' || row.category === null ? '' : row.category,
      row.detail,
      exception?.exceptionId,
      exception?.owner,
      r?.line,
      mismatchesCell(row),
      failureSourceCell(row),
      p?.payoutBatchId,
      p?.senderBatchId,
    ],
    RECON_NUMERIC,
  );
}

export function exceptionsCsvLine(row: ReconRow, exception: ExceptionRef): string {
  return csvRecord(
    [
      exception.exceptionId,
      exception.category,
      exception.owner,
      exception.slaSeconds,
      row.payout?.payoutId ?? row.report?.payoutId,
      row.payout?.providerReference ?? row.report?.providerReference,
      row.detail,
      row.report?.line,
      exception.dedupKey,
      mismatchesCell(row),
    ],
    EXCEPTION_NUMERIC,
  );
}
