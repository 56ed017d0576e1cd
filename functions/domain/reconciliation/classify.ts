import { assertNever } from '../assert-never';
import { formatDecimal } from '../money';
import type { PayoutStatus } from '../lifecycle';
import type { ProviderStatus, ReportRow } from './report';
import type { MatchedBy, ReconPayout, ReconRow } from './matching-types';

/**
 * Decides the category of one payout against the provider rows that claimed it. One row gets one
 * category; when several things disagree, the order below is the order of precedence — the one
 * that decides what a person must do first (a duplicate or a currency error makes every other
 * comparison meaningless; money before status; status before bookkeeping).
 *
 *   duplicate_at_provider > currency_mismatch > amount_mismatch > fee_mismatch >
 *   reversed_after_paid > status_mismatch > missing_provider_reference > failed > matched
 */
export function classifyPayout(payout: ReconPayout, rows: readonly ReportRow[], matchedBy: MatchedBy): ReconRow {
  const base = { payout, reportRowCount: rows.length, matchedBy };
  const first = rows[0];
  if (first === undefined) return classifyUnreported(payout);
  const row = (category: ReconRow['category'], detail: string, matchStatus: ReconRow['matchStatus'] = 'unmatched'): ReconRow => ({ ...base, report: first, category, detail, matchStatus });

  if (rows.length > 1) return row('duplicate_at_provider', `the provider reports this payout ${rows.length} times (lines ${rows.map((r) => r.line).join(', ')})`);
  if (first.currency !== payout.currency) return row('currency_mismatch', `ours ${payout.currency}, provider ${first.currency}`);
  const money = (minor: number): string => formatDecimal(minor, payout.currency);
  if (payout.ledgerAmountMinor !== undefined && payout.ledgerAmountMinor !== payout.amountMinor) {
    return row('amount_mismatch', `ledger ${money(payout.ledgerAmountMinor)}, payout ${money(payout.amountMinor)}`);
  }
  if (first.grossMinor !== payout.amountMinor) return row('amount_mismatch', `ours ${money(payout.amountMinor)}, provider ${money(first.grossMinor)}`);
  // A fee we have not learned yet is not compared: the report is how we learn it. Nor is the fee
  // of a payout that never moved money (failed or canceled at the provider): none is charged, and
  // providers differ in whether they print the would-be fee.
  const ourFee = payout.ledgerFeeMinor ?? payout.feeMinor;
  const feeCharged = first.status !== 'failed' && first.status !== 'canceled';
  if (feeCharged && ourFee !== undefined && ourFee !== first.feeMinor) return row('fee_mismatch', `ours ${money(ourFee)}, provider ${money(first.feeMinor)}`);
  if (payout.status === 'paid' && first.status === 'reversed') return row('reversed_after_paid', 'paid here, reversed at the provider');
  if (!statusesAgree(payout.status, first.status)) return row('status_mismatch', `ours ${payout.status}, provider ${first.status}`);
  if (first.batchStatus !== undefined && batchContradictsItem(first.batchStatus, first.status)) {
    return row('status_mismatch', `provider batch ${first.batchId ?? ''} is ${first.batchStatus} while the item is ${first.status}`);
  }
  if (payout.providerReference !== first.providerReference) {
    const ours = payout.providerReference === undefined ? 'none' : payout.providerReference;
    return row('missing_provider_reference', `matched by payout id; our provider reference ${ours}, provider ${first.providerReference}`);
  }
  if (payout.status === 'failed') return row('failed', 'failed at the provider, failed here', 'matched');
  return row('matched', '', 'matched');
}

/** A payout no provider row claimed. */
function classifyUnreported(payout: ReconPayout): ReconRow {
  const base = { payout, reportRowCount: 0, matchedBy: 'none' as const };
  if (payout.providerReference === undefined) {
    switch (payout.status) {
      case 'requires_approval':
      case 'canceled':
        return { ...base, matchStatus: 'not_submitted', category: null, detail: `${payout.status}; never sent to the provider` };
      case 'failed':
        return { ...base, matchStatus: 'not_submitted', category: 'failed', detail: 'refused on submission; never held by the provider' };
      case 'submitted':
      case 'accepted':
      case 'pending':
      case 'paid':
      case 'reversed':
        return { ...base, matchStatus: 'unmatched', category: 'missing_provider_reference', detail: `${payout.status} here with no provider reference, and not in the provider report` };
      default:
        return assertNever(payout.status, 'payout status');
    }
  }
  return { ...base, matchStatus: 'unmatched', category: 'missing_at_provider', detail: `provider reference ${payout.providerReference} is not in the provider report` };
}

/** A provider row no payout of ours claims (nor could be found by reference or payout id). */
export function classifyOrphan(report: ReportRow): ReconRow {
  const claimed = report.payoutId === undefined ? 'no payout id' : `payout id ${report.payoutId}`;
  return { report, reportRowCount: 1, matchedBy: 'none', matchStatus: 'unmatched', category: 'missing_internally', detail: `the provider reports ${report.providerReference} (${claimed}); we have no such payout` };
}

/** Whether the provider's status says the same thing as ours. */
export function statusesAgree(ours: PayoutStatus, theirs: ProviderStatus): boolean {
  switch (theirs) {
    case 'pending':
    case 'in_transit':
      return ours === 'submitted' || ours === 'accepted' || ours === 'pending';
    case 'paid':
    case 'failed':
    case 'canceled':
    case 'reversed':
      return ours === theirs;
    default:
      return assertNever(theirs, 'provider status');
  }
}

/** A batch reported settled while one of its items is still in flight cannot both be true. */
function batchContradictsItem(batch: ProviderStatus, item: ProviderStatus): boolean {
  switch (batch) {
    case 'paid':
      return item === 'pending' || item === 'in_transit';
    case 'pending':
    case 'in_transit':
      return item === 'paid' || item === 'reversed';
    case 'failed':
    case 'canceled':
      return item === 'paid';
    case 'reversed':
      return false;
    default:
      return assertNever(batch, 'provider status');
  }
}
