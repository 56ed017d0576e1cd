import type { Hold } from '../compliance/contract';
import { formatDecimal } from '../money';
import type { Payout } from '../payout';
import { csvRecord } from './csv-writer';

/**
 * held-payouts.csv (issue 15, docs/finance.md "held-payouts.csv"): every payout held before funds
 * move, one row per open hold, as the holds queue finds them when the run reads it. Pure: the run
 * reads the queue (adapters/hold-queue.ts) and passes the entries in.
 *
 * Byte-identical re-runs: the file holds no wall-clock time. Its snapshot instant, `as_of`, is the
 * end of the run's day D (the next UTC midnight, where the day's payouts window ends), not the time
 * the run read the queue: a hold opened after it belongs to the next day's file and is left out,
 * and a hold's age is counted up to it. So re-running D against the same open holds gives the same
 * bytes; what changes them is a hold placed before D's end or released since, which is a change of
 * the input, as a payout reconciled since is for reconciliation.csv.
 */

/** Columns are only ever added at the end, as in reconciliation.csv (finance's loaders read by header). */
export const HELD_PAYOUTS_CSV_COLUMNS = [
  'tenant_id',
  'payout_id',
  'currency',
  // Minor units and the decimal with the currency's exponent, as reconciliation.csv writes them.
  'amount_minor',
  'amount',
  'recipient_id',
  'hold_id',
  'hold_kind',
  'hold_owner',
  'hold_opened_at',
  // What releases it, machine-readable (`tax_form:W-8BEN`, `screening_case:{caseId}`, `approval`, …).
  'hold_requirement',
  // Whole seconds from hold_opened_at to as_of.
  'hold_open_seconds',
  'as_of',
] as const;

export const HELD_PAYOUTS_CSV_HEADER = csvRecord(HELD_PAYOUTS_CSV_COLUMNS);

// Ours and numeric: never formula-escaped (as reconciliation.csv's amounts).
const NUMERIC_COLUMNS = new Set(
  (['amount_minor', 'amount', 'hold_open_seconds'] as const).map((c) => HELD_PAYOUTS_CSV_COLUMNS.indexOf(c)),
);

/** What the run reads of one open hold: the hold and the payout it holds (re-read consistently). */
export interface HeldPayoutEntry {
  readonly hold: Hold;
  readonly payout: Pick<Payout, 'tenantId' | 'payoutId' | 'amountMinor' | 'currency' | 'recipientId'>;
}

export interface HeldPayoutRow {
  readonly tenantId: string;
  readonly payoutId: string;
  readonly currency: Payout['currency'];
  readonly amountMinor: number;
  readonly recipientId: string | undefined;
  readonly holdId: string;
  readonly kind: Hold['kind'];
  readonly owner: Hold['owner'];
  readonly openedAt: string;
  readonly requirement: string;
  readonly openSeconds: number;
}

/** The snapshot instant of day D's file: the end of D in UTC (the day window's end). */
export function heldPayoutsAsOf(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The rows of the file: open holds opened before `asOfIso`, one per (payout, hold) even when a
 * page boundary or two owners' queues gave it twice, sorted by tenant, payout, opened_at, hold id
 * (the queue's order is per owner and shard; the file's must not depend on how it was read).
 */
export function heldPayoutRows(entries: Iterable<HeldPayoutEntry>, asOfIso: string): HeldPayoutRow[] {
  const asOfMs = Date.parse(asOfIso);
  const rows = new Map<string, HeldPayoutRow>();
  for (const { hold, payout } of entries) {
    if (hold.releasedAt !== undefined || !(hold.openedAt < asOfIso)) continue;
    rows.set(`${payout.payoutId}#${hold.holdId}`, {
      tenantId: payout.tenantId,
      payoutId: payout.payoutId,
      currency: payout.currency,
      amountMinor: payout.amountMinor,
      recipientId: payout.recipientId,
      holdId: hold.holdId,
      kind: hold.kind,
      owner: hold.owner,
      openedAt: hold.openedAt,
      requirement: hold.requirement,
      openSeconds: Math.floor((asOfMs - Date.parse(hold.openedAt)) / 1_000),
    });
  }
  return [...rows.values()].sort(
    (a, b) =>
      compare(a.tenantId, b.tenantId) ||
      compare(a.payoutId, b.payoutId) ||
      compare(a.openedAt, b.openedAt) ||
      compare(a.holdId, b.holdId),
  );
}

export function heldPayoutCsvLine(row: HeldPayoutRow, asOfIso: string): string {
  return csvRecord(
    [
      row.tenantId,
      row.payoutId,
      row.currency,
      row.amountMinor,
      formatDecimal(row.amountMinor, row.currency),
      row.recipientId,
      row.holdId,
      row.kind,
      row.owner,
      row.openedAt,
      row.requirement,
      row.openSeconds,
      asOfIso,
    ],
    NUMERIC_COLUMNS,
  );
}

/** The whole file: the header, then one line per row (a day with no hold is the header alone). */
export function heldPayoutsCsv(rows: readonly HeldPayoutRow[], asOfIso: string): string {
  return HELD_PAYOUTS_CSV_HEADER + rows.map((row) => heldPayoutCsvLine(row, asOfIso)).join('');
}
