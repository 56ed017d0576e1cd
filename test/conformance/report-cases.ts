import { classifyOrphan, classifyPayout } from '../../functions/domain/reconciliation/classify';
import type { ReconciliationCategory } from '../../functions/domain/reconciliation/categories';
import type { MatchedBy, ReconPayout, ReconRow } from '../../functions/domain/reconciliation/matching-types';
import type { ReportRow } from '../../functions/domain/reconciliation/report';

/**
 * Check 7's fixture: one day of our payouts and the provider rows that, classified by the engine's own
 * functions (classifyPayout / classifyOrphan, the ones functions/adapters/reconciliation/engine.ts runs),
 * produce every reconciliation category. A provider's report format passes when these rows survive its
 * render → parse round trip unchanged and still produce every category.
 *
 * Only fields every provider's report can carry are set: reference, our payout id (metadata), status,
 * currency, gross, fee, net, created and settled times to the second. No batch columns: PayPal has
 * batches, Stripe and Adyen do not.
 */

const DAY = '2026-11-30';
const CREATED_AT = `${DAY}T10:00:00Z`;
const SETTLED_AT = `${DAY}T12:00:00Z`;
const AMOUNT_MINOR = 10_000;
const FEE_MINOR = 25;

export type ReportCaseRow = Omit<ReportRow, 'line'>;

export interface ReportCase {
  /** The category the engine must give this case's payout (or orphan row). */
  readonly category: ReconciliationCategory;
  readonly payout?: ReconPayout;
  readonly rows: readonly ReportCaseRow[];
}

function ours(n: number, overrides: Partial<ReconPayout> = {}): ReconPayout {
  return {
    payoutId: `po_conf_${n}`,
    idempotencyKey: `po_conf_${n}`,
    provider: 'conformance',
    providerReference: `ref_conf_${n}`,
    status: 'paid',
    amountMinor: AMOUNT_MINOR,
    feeMinor: FEE_MINOR,
    currency: 'USD',
    createdAt: CREATED_AT,
    lastEventAt: SETTLED_AT,
    ...overrides,
  };
}

function theirs(payout: ReconPayout, overrides: Partial<ReportCaseRow> = {}): ReportCaseRow {
  const status = overrides.status ?? (payout.status === 'paid' ? 'paid' : 'failed');
  const feeMinor = overrides.feeMinor ?? (status === 'failed' ? 0 : FEE_MINOR);
  const grossMinor = overrides.grossMinor ?? payout.amountMinor;
  return {
    providerReference: payout.providerReference ?? `ref_for_${payout.payoutId}`,
    payoutId: payout.payoutId,
    currency: payout.currency,
    createdAt: CREATED_AT,
    settledAt: SETTLED_AT,
    ...overrides,
    status,
    grossMinor,
    feeMinor,
    netMinor: grossMinor - feeMinor,
  };
}

function reportCase(category: ReconciliationCategory, payout: ReconPayout | undefined, ...rows: ReportCaseRow[]) {
  return { category, ...(payout === undefined ? {} : { payout }), rows };
}

const orphan = ours(5, { payoutId: 'po_conf_unknown', providerReference: 'ref_conf_unknown' });
const unreferenced = ours(3, { providerReference: undefined });

/** Every category, each produced by exactly one case. */
export const REPORT_CASES: readonly ReportCase[] = [
  reportCase('matched', ours(1), theirs(ours(1))),
  reportCase('failed', ours(2, { status: 'failed' }), theirs(ours(2, { status: 'failed' }))),
  // Matched by our payout id in the report's metadata: we never stored the provider's reference.
  reportCase('missing_provider_reference', unreferenced, { ...theirs(unreferenced), providerReference: 'ref_conf_3' }),
  reportCase('missing_at_provider', ours(4)),
  reportCase('missing_internally', undefined, theirs(orphan)),
  reportCase('amount_mismatch', ours(6), theirs(ours(6), { grossMinor: AMOUNT_MINOR + 100 })),
  reportCase('currency_mismatch', ours(7), theirs(ours(7), { currency: 'EUR' })),
  reportCase('fee_mismatch', ours(8), theirs(ours(8), { feeMinor: FEE_MINOR + 10 })),
  reportCase('status_mismatch', ours(9), theirs(ours(9), { status: 'failed' })),
  reportCase('duplicate_at_provider', ours(10), theirs(ours(10)), theirs(ours(10))),
  reportCase('reversed_after_paid', ours(11), theirs(ours(11), { status: 'reversed' })),
];

/**
 * Categories no case here produces: they need the report's batch columns, which these rows leave out.
 * batch_item_status_mismatch (issue 13) is the provider's batch status contradicting its item's; its
 * own table test is test/unit/domain/reconciliation/batch-item-status.test.ts.
 */
export const BATCH_COLUMN_CATEGORIES: readonly ReconciliationCategory[] = ['batch_item_status_mismatch'];

export const REPORT_CASE_ROWS: readonly ReportCaseRow[] = REPORT_CASES.flatMap((c) => c.rows);

/**
 * The engine's matching, in memory: a row is claimed by the payout with its provider reference, else
 * by the payout with its payout id (engine.ts's order); a row nobody claims is an orphan.
 */
export function classifyDay(payouts: readonly ReconPayout[], rows: readonly ReportRow[]): ReconRow[] {
  const claimed = new Set<ReportRow>();
  const result: ReconRow[] = payouts.map((payout) => {
    const byReference = rows.filter(
      (row) => payout.providerReference !== undefined && row.providerReference === payout.providerReference,
    );
    const claims = byReference.length > 0 ? byReference : rows.filter((row) => row.payoutId === payout.payoutId);
    claims.forEach((row) => claimed.add(row));
    const matchedBy: MatchedBy =
      claims.length === 0 ? 'none' : byReference.length > 0 ? 'provider_reference' : 'payout_id';
    return classifyPayout(
      payout,
      [...claims].sort((a, b) => a.line - b.line),
      matchedBy,
    );
  });
  return [...result, ...rows.filter((row) => !claimed.has(row)).map(classifyOrphan)];
}
