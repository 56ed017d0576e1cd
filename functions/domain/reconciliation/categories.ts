import { assertNever } from '../assert-never';
import {
  SLA_SECONDS_BY_CATEGORY,
  defaultOwnerOf,
  type ExceptionOwner,
  type ExceptionSubject,
  type RowMismatchCategory,
} from '../exceptions';

export type { ExceptionOwner };

/**
 * The reconciliation categories, one per way our records and the provider's report can relate
 * (docs/finance.md lists them with their owners). `matched` and `failed` (failed
 * payouts, agreed by both sides, reported as their own slice) open no exception; every other
 * category is a mismatch with an owner and an SLA.
 */
export const RECONCILIATION_CATEGORIES = [
  'matched',
  'failed',
  'missing_provider_reference',
  'missing_at_provider',
  'missing_internally',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'status_mismatch',
  'duplicate_at_provider',
  'reversed_after_paid',
  'batch_item_status_mismatch',
] as const;
export type ReconciliationCategory = (typeof RECONCILIATION_CATEGORIES)[number];
export type MismatchCategory = Exclude<ReconciliationCategory, 'matched' | 'failed'>;

export function isMismatch(category: ReconciliationCategory): category is MismatchCategory {
  switch (category) {
    case 'matched':
    case 'failed':
      return false;
    case 'missing_provider_reference':
    case 'missing_at_provider':
    case 'missing_internally':
    case 'amount_mismatch':
    case 'currency_mismatch':
    case 'fee_mismatch':
    case 'status_mismatch':
    case 'duplicate_at_provider':
    case 'reversed_after_paid':
    case 'batch_item_status_mismatch':
      return true;
    default:
      return assertNever(category, 'reconciliation category');
  }
}

/**
 * Owner and SLA come from the exceptions module's one table (functions/domain/exceptions.ts), so a
 * reconciliation exception and the same category raised anywhere else can never disagree: finance
 * for amounts, fees and reversals, ops for status and missing records, provider support for duplicates.
 */
export function ownerOf(category: MismatchCategory): ExceptionOwner {
  return defaultOwnerOf(category);
}

export function slaSecondsOf(category: MismatchCategory): number {
  return SLA_SECONDS_BY_CATEGORY[category];
}

/** What a mismatch row's exception is about: its dedup key, owner and SLA follow (exceptions.ts). */
export type MismatchSubject = Extract<ExceptionSubject, { category: RowMismatchCategory }>;

export function mismatchSubjectOf(
  category: MismatchCategory,
  row: { payoutId?: string; providerReference?: string },
): MismatchSubject {
  return {
    category,
    ...(row.payoutId === undefined ? {} : { payoutId: row.payoutId }),
    ...(row.providerReference === undefined ? {} : { providerReference: row.providerReference }),
  };
}

/** The exceptions module and this one name the same mismatch categories: a name added to one only fails to compile. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const MISMATCH_CATEGORIES_AGREE: Same<MismatchCategory, RowMismatchCategory> = true;
void MISMATCH_CATEGORIES_AGREE;
