// A held payout as a row of Stripe's itemized payouts report (functions/domain/reconciliation/stripe-report.ts).
import type { StripePayout } from '../../../functions/adapters/providers/stripe-api.js';
import { isCurrencyCode } from '../../../functions/domain/money.js';
import type { ProviderStatus, ReportRow } from '../../../functions/domain/reconciliation/report.js';
import { stripeReference } from '../../../functions/domain/stripe-reference.js';
import { PLATFORM_ACCOUNT } from './books.js';

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

const REPORTED_STATES: ReadonlySet<string> = new Set(['pending', 'in_transit', 'paid', 'failed', 'canceled']);

/**
 * The report's rows of the held payouts (of one UTC day of creation, when given: the nightly run's report);
 * one in a state Stripe's report has no word for is left out.
 */
export function reportRowsOf(held: ReadonlyArray<HeldPayout>, date?: string): Omit<ReportRow, 'line'>[] {
  return held
    .filter(({ payout }) => REPORTED_STATES.has(payout.status))
    .filter(({ payout }) => date === undefined || iso(payout.created).startsWith(`${date}T`))
    .map(reportRowOf);
}

export interface HeldPayout {
  readonly account: string;
  readonly payout: StripePayout;
  /** Paid, then failed: the bank returned it (our `reversed`). */
  readonly paidThenFailed: boolean;
}

function reportRowOf({ account, payout, paidThenFailed }: HeldPayout): Omit<ReportRow, 'line'> {
  const currency = payout.currency.toUpperCase();
  if (!isCurrencyCode(currency)) throw new Error(`stand-in holds a payout in ${payout.currency}`);
  const payoutId = payout.metadata['payout_id'];
  return {
    providerReference: stripeReference(account === PLATFORM_ACCOUNT ? undefined : account, payout.id),
    ...(payoutId === undefined ? {} : { payoutId }),
    status: paidThenFailed && payout.status === 'failed' ? 'reversed' : (payout.status as ProviderStatus),
    currency,
    grossMinor: payout.amount,
    feeMinor: 0,
    netMinor: payout.amount,
    createdAt: iso(payout.created),
  };
}
