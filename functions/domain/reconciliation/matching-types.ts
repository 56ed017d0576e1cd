import type { CurrencyCode } from '../money';
import type { PayoutStatus } from '../lifecycle';
import type { ReportRow } from './report';
import type { MismatchCategory, ReconciliationCategory } from './categories';

/** What reconciliation needs of one of our payouts, with its ledger postings folded in. */
export interface ReconPayout {
  readonly payoutId: string;
  readonly idempotencyKey: string;
  /**
   * The settlement batch the client's metadata names (`metadata.batch_id`): the export's `batch_id`
   * column, ahead of the provider's own. Not our batch: that is `payoutBatchId`.
   */
  readonly batchId?: string;
  /** Our batch (POST /batches) the payout is an item of: `payout_batch_id` in the export; absent otherwise. */
  readonly payoutBatchId?: string;
  /** The client's `sender_batch_id` of that batch, beside it. */
  readonly senderBatchId?: string;
  readonly provider: string;
  readonly providerReference?: string;
  /**
   * The provider's transaction id beside the reference (PayPal's item `transaction_id`), as a webhook,
   * the poll or the submission learned it. Never read by the engine: asReportedIn (provider-report.ts)
   * puts it in `providerReference` for a report that prints it, and drops it for every other.
   */
  readonly providerTransactionId?: string;
  readonly status: PayoutStatus;
  /** The provider's failure code on a failed or reversed payout (its failure source, in the export). */
  readonly statusReason?: string;
  readonly amountMinor: number;
  readonly feeMinor?: number;
  readonly currency: CurrencyCode;
  readonly createdAt: string;
  readonly lastEventAt: string;
  /** The amount the ledger moved to in-transit for this payout, when postings were read. */
  readonly ledgerAmountMinor?: number;
  /** The fee the ledger booked for this payout, when postings were read. */
  readonly ledgerFeeMinor?: number;
}

/** How a report row found its payout: by provider reference first, by our payout id second. */
export type MatchedBy = 'provider_reference' | 'payout_id' | 'none';

export type MatchStatus = 'matched' | 'unmatched' | 'not_submitted';

/** One line of reconciliation.csv: a payout, or a provider row no payout claims. */
export interface ReconRow {
  readonly payout?: ReconPayout;
  /** Whose report a row no payout claims comes from (a payout's row names its own provider). */
  readonly provider?: string;
  /** The provider row the payout was matched with (the first one, in report order). */
  readonly report?: ReportRow;
  /** How many provider rows claimed this payout (more than one is a duplicate at the provider). */
  readonly reportRowCount: number;
  readonly matchedBy: MatchedBy;
  readonly matchStatus: MatchStatus;
  /**
   * The dominant mismatch (the first of `mismatches`), else `matched` or `failed`. Null only for a
   * payout that never reached the provider (awaiting approval, canceled before submission).
   */
  readonly category: ReconciliationCategory | null;
  /** Every way the row disagrees, each once, in the order of precedence (precedence.ts); empty when none. */
  readonly mismatches: readonly MismatchCategory[];
  /** Short, deterministic sentences saying what disagrees, in the order of `mismatches`. */
  readonly detail: string;
}

/** What one journal entry says about a payout: money it sent to the provider's side, fees it booked. */
export interface LedgerFact {
  readonly payoutId: string;
  readonly sentMinor: number;
  readonly feeMinor: number;
}

/** Folds one journal entry's postings (domain/ledger Posting shape) into a LedgerFact. */
export function ledgerFactOf(
  payoutId: string,
  postings: ReadonlyArray<{ from: string; to: string; amountMinor: number }>,
): LedgerFact {
  let sentMinor = 0;
  let feeMinor = 0;
  for (const posting of postings) {
    if (posting.from === 'available' && posting.to === 'in_transit') sentMinor += posting.amountMinor;
    if (posting.to === 'fees') feeMinor += posting.amountMinor;
    if (posting.from === 'fees') feeMinor -= posting.amountMinor;
  }
  return { payoutId, sentMinor, feeMinor };
}

/** Attaches the ledger's view to a payout; a payout with no journal entries keeps none. */
export function withLedger(payout: ReconPayout, facts: readonly LedgerFact[] | undefined): ReconPayout {
  if (facts === undefined || facts.length === 0) return payout;
  const sent = facts.reduce((sum, f) => sum + f.sentMinor, 0);
  const fee = facts.reduce((sum, f) => sum + f.feeMinor, 0);
  return {
    ...payout,
    ...(sent === 0 ? {} : { ledgerAmountMinor: sent }),
    ...(fee === 0 ? {} : { ledgerFeeMinor: fee }),
  };
}
