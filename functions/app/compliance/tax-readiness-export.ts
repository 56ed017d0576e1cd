import type { RecipientItem } from '../../adapters/recipients/recipients-records';
import { complianceOf } from '../../adapters/recipients/compliance-source';
import type { TaxFormState } from '../../domain/compliance/contract';
import {
  INFORMATION_RETURNS,
  readinessCsv,
  readinessRow,
  yearToDateTotals,
  type ReadinessRow,
  type TaxThresholds,
} from '../../domain/compliance/tax-readiness';
import type { CorridorMatrix } from '../../domain/corridors';
import type { PayoutStatus } from '../../domain/lifecycle';
import { TAX_READINESS_EXPORT_PREFIX } from '../../shared/names';

/**
 * The 1099-NEC / 1042-S readiness export (issue 15, docs/compliance.md): for one tenant or every
 * tenant and one tax year, the paid payouts (minus the reversed ones) summed per recipient and
 * currency by the domain (domain/compliance/tax-readiness.ts), each recipient's tax-form state read
 * from RecipientsTable, one CSV written to the exports bucket. The ports are I/O; this file only
 * orders the calls, so the unit test runs it on in-memory ports.
 */

/** What the export reads of a payout (adapters/compliance/paid-payouts.ts reads it from gsi2). */
export interface PaidPayout {
  readonly payoutId: string;
  readonly tenantId: string;
  readonly status: PayoutStatus;
  /** Absent on batch items and payouts created before recipient records (issue 15): counted, not rowed. */
  readonly recipientId?: string;
  /** When the payout was recorded paid: its `lastEventAt` while it is `paid` (paid-payouts.ts says why). */
  readonly paidAt: string;
  readonly currency: string;
  readonly amountMinor: number;
  /** The destination's country: the recipient's country when its record cannot be read. */
  readonly destinationCountry: string;
}

export interface TaxReadinessExportDependencies {
  /** Every tenant id the directory knows (for an export of all tenants). */
  readonly tenantIds: () => Promise<readonly string[]>;
  /** The tenant's payouts that may have been paid in `taxYear`: the adapter bounds the read, the domain decides. */
  readonly paidPayoutsOf: (tenantId: string, taxYear: number) => Promise<readonly PaidPayout[]>;
  /** The tenant's recipient records by id; a missing id is simply absent from the answer. */
  readonly recipientsOf: (tenantId: string, recipientIds: readonly string[]) => Promise<readonly RecipientItem[]>;
  readonly corridors: CorridorMatrix;
  readonly thresholds: TaxThresholds;
  /** Writes the CSV under `key` in the exports bucket. */
  readonly putCsv: (key: string, csv: string) => Promise<void>;
  readonly now: () => Date;
}

export interface TaxReadinessExport {
  readonly taxYear: number;
  readonly tenantId: string | undefined;
  readonly generatedAt: string;
  /** The exports bucket key of the CSV. */
  readonly key: string;
  readonly rows: readonly ReadinessRow[];
  /** Payouts read from the index (paid in any year), and how many had no recipient record to row them under. */
  readonly payoutsRead: number;
  readonly payoutsWithoutRecipient: number;
}

/** One prefix apart from `exports/date=…`, so a reconciliation's publication never deletes a tax file. */
export const taxReadinessKey = (taxYear: number, tenantId: string | undefined, generatedAt: string): string =>
  `${TAX_READINESS_EXPORT_PREFIX}tax_year=${taxYear}/${tenantId === undefined ? 'all-tenants' : `tenant=${tenantId}`}/${generatedAt.replace(/[:.]/g, '-')}.csv`;

/** A tax year the thresholds file covers for both forms; a year it does not is the caller's error. */
export function isConfiguredTaxYear(thresholds: TaxThresholds, taxYear: number): boolean {
  return INFORMATION_RETURNS.every((form) =>
    thresholds.forms[form].some(
      (entry) =>
        entry.from_tax_year <= taxYear && (entry.through_tax_year === undefined || taxYear <= entry.through_tax_year),
    ),
  );
}

export async function exportTaxReadiness(
  deps: TaxReadinessExportDependencies,
  request: { taxYear: number; tenantId?: string },
): Promise<TaxReadinessExport> {
  if (!isConfiguredTaxYear(deps.thresholds, request.taxYear))
    throw new Error(`no threshold configured for tax year ${request.taxYear}: the caller checks first`);
  const generatedAt = deps.now().toISOString();
  const tenantIds = request.tenantId === undefined ? await deps.tenantIds() : [request.tenantId];
  const rows: ReadinessRow[] = [];
  let payoutsRead = 0;
  let payoutsWithoutRecipient = 0;
  // One tenant after another: a tenant's reads are a few paged Queries, and keeping them in order
  // keeps the CSV in the order finance reads it (tenant, then recipient) without a sort over all rows.
  for (const tenantId of [...new Set(tenantIds)].sort()) {
    const tenant = await tenantRows(deps, tenantId, request.taxYear, generatedAt.slice(0, 10));
    rows.push(...tenant.rows);
    payoutsRead += tenant.payoutsRead;
    payoutsWithoutRecipient += tenant.payoutsWithoutRecipient;
  }
  const key = taxReadinessKey(request.taxYear, request.tenantId, generatedAt);
  await deps.putCsv(key, readinessCsv(rows));
  return {
    taxYear: request.taxYear,
    tenantId: request.tenantId,
    generatedAt,
    key,
    rows,
    payoutsRead,
    payoutsWithoutRecipient,
  };
}

/** One tenant's rows, by recipient then currency; its recipients are read only if it paid any in the year. */
async function tenantRows(
  deps: TaxReadinessExportDependencies,
  tenantId: string,
  taxYear: number,
  today: string,
): Promise<{ rows: ReadinessRow[]; payoutsRead: number; payoutsWithoutRecipient: number }> {
  // The adapter reads by the tenant's key; the filter here still holds a port to its tenant.
  const payouts = (await deps.paidPayoutsOf(tenantId, taxYear)).filter((p) => p.tenantId === tenantId);
  const attributed = payouts.filter((p) => p.recipientId !== undefined);
  const payoutsWithoutRecipient = payouts.filter((p) => p.recipientId === undefined && isPaidIn(p, taxYear)).length;
  const totals = yearToDateTotals(
    attributed.map((p) => ({
      recipientId: p.recipientId!,
      paidAt: p.paidAt,
      currency: p.currency,
      amountMinor: p.amountMinor,
      reversed: p.status === 'reversed',
    })),
    taxYear,
  );
  if (totals.size === 0) return { rows: [], payoutsRead: payouts.length, payoutsWithoutRecipient };
  const recipientIds = [...new Set([...totals.values()].map((t) => t.recipientId))];
  const records = new Map((await deps.recipientsOf(tenantId, recipientIds)).map((r) => [r.recipientId, r]));
  const countryOfPayout = new Map(attributed.map((p) => [p.recipientId!, p.destinationCountry]));
  const sorted = [...totals.values()].sort(
    (a, b) => a.recipientId.localeCompare(b.recipientId) || a.currency.localeCompare(b.currency),
  );
  const rows = sorted.map((total) => {
    const facts = recipientFactsOf(
      records.get(total.recipientId),
      deps.corridors,
      today,
      countryOfPayout.get(total.recipientId),
    );
    return readinessRow(
      {
        tenantId,
        recipientId: total.recipientId,
        recipientCountry: facts.country,
        taxYear,
        currency: total.currency,
        paidMinor: total.paidMinor,
        taxForm: facts.taxForm,
      },
      deps.thresholds,
    );
  });
  return { rows, payoutsRead: payouts.length, payoutsWithoutRecipient };
}

const isPaidIn = (payout: PaidPayout, taxYear: number): boolean =>
  payout.status === 'paid' && Number(payout.paidAt.slice(0, 4)) === taxYear;

/**
 * The recipient's country and tax-form state as the holds read them (complianceOf: the form's state
 * at `today`, so a W-8 that has expired shows `expired`). A record that cannot be read (deleted, or
 * an id from before the records existed) is `missing` in the destination's country: finance then
 * sees `collect_form` rather than a payee left out of the file.
 */
function recipientFactsOf(
  record: RecipientItem | undefined,
  corridors: CorridorMatrix,
  today: string,
  destinationCountry: string | undefined,
): { country: string; taxForm: TaxFormState } {
  if (record === undefined) return { country: destinationCountry ?? '', taxForm: 'missing' };
  const compliance = complianceOf(record, corridors, today);
  return { country: compliance.country, taxForm: compliance.taxForm.state };
}
