import { assertNever } from '../assert-never';

/**
 * The reconciliation categories, exactly as issue 5 lists them. `matched` and `failed` (failed
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
] as const;
export type ReconciliationCategory = (typeof RECONCILIATION_CATEGORIES)[number];
export type MismatchCategory = Exclude<ReconciliationCategory, 'matched' | 'failed'>;

/** Owners as DESIGN §3 names them. */
export type ExceptionOwner = 'ops' | 'finance' | 'compliance' | 'provider';

const HOUR_SECONDS = 3_600;
/** Money that disagrees is finance's to explain before the next close: one business day. */
export const FINANCE_SLA_SECONDS = 24 * HOUR_SECONDS;
/** A status or a missing record may mean a payout is stuck or lost: ops looks within 4 hours. */
export const OPS_SLA_SECONDS = 4 * HOUR_SECONDS;
/** A provider support ticket (duplicate rows, duplicate pay-outs) gets two days. */
export const PROVIDER_SLA_SECONDS = 48 * HOUR_SECONDS;

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
      return true;
    default:
      return assertNever(category, 'reconciliation category');
  }
}

/** Issue 5: finance for amounts and fees, ops for status and missing records, provider support for duplicates. */
export function ownerOf(category: MismatchCategory): ExceptionOwner {
  switch (category) {
    case 'amount_mismatch':
    case 'currency_mismatch':
    case 'fee_mismatch':
      return 'finance';
    case 'missing_provider_reference':
    case 'missing_at_provider':
    case 'missing_internally':
    case 'status_mismatch':
    // A reversal after payment is a status the ledger has not seen yet; ops re-asks the provider
    // and applies it, which posts the reversal.
    case 'reversed_after_paid':
      return 'ops';
    case 'duplicate_at_provider':
      return 'provider';
    default:
      return assertNever(category, 'mismatch category');
  }
}

export function slaSecondsOf(owner: ExceptionOwner): number {
  switch (owner) {
    case 'finance':
      return FINANCE_SLA_SECONDS;
    case 'ops':
    case 'compliance':
      return OPS_SLA_SECONDS;
    case 'provider':
      return PROVIDER_SLA_SECONDS;
    default:
      return assertNever(owner, 'exception owner');
  }
}

/** The dedup key of a reconciliation exception: one per (category, payout or provider row), across re-runs. */
export function exceptionDedupKey(category: MismatchCategory, subject: { payoutId?: string; providerReference?: string }): string {
  const who = subject.payoutId !== undefined ? `payout:${subject.payoutId}` : `provider_reference:${subject.providerReference ?? ''}`;
  return `reconciliation:${category}:${who}`;
}
