import * as z from 'zod';
import type { TaxFormState } from './contract';

/**
 * The 1099-NEC / 1042-S readiness export for finance: per recipient and tax year, what was paid, the
 * form it will be reported on, whether it crosses the reporting threshold, and whether the recipient's
 * tax form is on file. Thresholds are config (config/tax-thresholds.json), each with its source.
 */
export const INFORMATION_RETURNS = ['1099-NEC', '1042-S'] as const;
export type InformationReturn = (typeof INFORMATION_RETURNS)[number];

const thresholdSchema = z
  .object({
    from_tax_year: z.number().int().min(1900),
    through_tax_year: z.number().int().min(1900).optional(),
    threshold_minor: z.number().int().positive(),
    currency: z.literal('USD'),
    source: z.string().min(20),
  })
  .strict();

export const taxThresholdsSchema = z
  .object({
    version: z.literal(1),
    read_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    forms: z
      .object({ '1099-NEC': z.array(thresholdSchema).min(1), '1042-S': z.array(thresholdSchema).min(1) })
      .strict(),
  })
  .strict();
export type TaxThresholds = z.infer<typeof taxThresholdsSchema>;

/** Parses the thresholds file; a bad file (or two thresholds for one year) is a deployment bug. */
export function parseTaxThresholds(raw: unknown): TaxThresholds {
  const thresholds = taxThresholdsSchema.parse(raw);
  for (const form of INFORMATION_RETURNS) {
    const years = new Set<number>();
    for (const entry of thresholds.forms[form])
      for (let year = entry.from_tax_year; year <= (entry.through_tax_year ?? entry.from_tax_year); year += 1) {
        if (years.has(year)) throw new Error(`config/tax-thresholds.json: two ${form} thresholds for ${year}`);
        years.add(year);
      }
  }
  return thresholds;
}

/** The threshold for a tax year: the entry whose range holds it (an open-ended entry runs on). */
export function thresholdFor(thresholds: TaxThresholds, form: InformationReturn, taxYear: number) {
  const entry = thresholds.forms[form].find(
    (candidate) =>
      candidate.from_tax_year <= taxYear &&
      (candidate.through_tax_year === undefined || taxYear <= candidate.through_tax_year),
  );
  if (entry === undefined) throw new Error(`no ${form} threshold configured for tax year ${taxYear}`);
  return entry;
}

/** A US person is reported on 1099-NEC, a foreign person on 1042-S (the same proxy as tax-forms.ts). */
export const informationReturnFor = (recipientCountry: string): InformationReturn =>
  recipientCountry === 'US' ? '1099-NEC' : '1042-S';

export interface YearToDate {
  tenantId: string;
  recipientId: string;
  recipientCountry: string;
  taxYear: number;
  currency: string;
  /** Paid minus reversed, in minor units of `currency`. */
  paidMinor: number;
  taxForm: TaxFormState;
}

export const READINESS_ACTIONS = ['collect_form', 'ready_to_report', 'below_threshold', 'convert_currency'] as const;
export type ReadinessAction = (typeof READINESS_ACTIONS)[number];

export interface ReadinessRow extends YearToDate {
  form: InformationReturn;
  thresholdMinor: number;
  crossesThreshold: boolean;
  lacksForm: boolean;
  action: ReadinessAction;
}

/**
 * One row per recipient, year and currency. Thresholds are in USD: a total in another currency is
 * not compared (finance converts at its own rate) and says so (`convert_currency`). A recipient that
 * lacks a valid form is `collect_form` whatever the amount: the form must be on file before filing.
 */
export function readinessRow(totals: YearToDate, thresholds: TaxThresholds): ReadinessRow {
  const form = informationReturnFor(totals.recipientCountry);
  const threshold = thresholdFor(thresholds, form, totals.taxYear);
  const isUsd = totals.currency === threshold.currency;
  const crossesThreshold = isUsd && totals.paidMinor >= threshold.threshold_minor;
  const lacksForm = totals.taxForm !== 'valid';
  const action: ReadinessAction = lacksForm
    ? 'collect_form'
    : !isUsd
      ? 'convert_currency'
      : crossesThreshold
        ? 'ready_to_report'
        : 'below_threshold';
  return { ...totals, form, thresholdMinor: threshold.threshold_minor, crossesThreshold, lacksForm, action };
}

/**
 * Year-to-date totals from paid and reversed payouts (the ledger projection: docs/compliance.md says
 * why it is computed at export time rather than counted in the paid transition). The tax year is the
 * calendar year of the payment (`paidAt`, UTC), as the IRS counts it for a cash-basis payer.
 */
export function yearToDateTotals(
  payments: readonly {
    recipientId: string;
    paidAt: string;
    currency: string;
    amountMinor: number;
    reversed: boolean;
  }[],
  taxYear: number,
): Map<string, { recipientId: string; currency: string; paidMinor: number }> {
  const totals = new Map<string, { recipientId: string; currency: string; paidMinor: number }>();
  for (const payment of payments) {
    if (Number(payment.paidAt.slice(0, 4)) !== taxYear || payment.reversed) continue;
    const key = `${payment.recipientId}/${payment.currency}`;
    const total = totals.get(key) ?? { recipientId: payment.recipientId, currency: payment.currency, paidMinor: 0 };
    total.paidMinor += payment.amountMinor;
    totals.set(key, total);
  }
  return totals;
}

export const READINESS_CSV_HEADER = [
  'tenant_id',
  'recipient_id',
  'tax_year',
  'form',
  'currency',
  'paid_minor',
  'threshold_minor',
  'crosses_threshold',
  'tax_form_state',
  'lacks_form',
  'action',
] as const;

/** RFC 4180 CSV; ids and codes hold no comma or quote, so no field needs quoting. */
export function readinessCsv(rows: readonly ReadinessRow[]): string {
  const lines = rows.map((row) =>
    [
      row.tenantId,
      row.recipientId,
      row.taxYear,
      row.form,
      row.currency,
      row.paidMinor,
      row.thresholdMinor,
      row.crossesThreshold,
      row.taxForm,
      row.lacksForm,
      row.action,
    ].join(','),
  );
  return [READINESS_CSV_HEADER.join(','), ...lines].join('\r\n') + '\r\n';
}
