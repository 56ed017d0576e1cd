import { assertNever } from '../assert-never';
import { formatDecimal } from '../money';
import type { PayoutStatus } from '../lifecycle';
import type { ProviderStatus, ReportRow } from './report';
import type { MismatchCategory } from './categories';
import type { MatchedBy, ReconPayout, ReconRow } from './matching-types';
import { inPrecedenceOrder, precedenceOf } from './precedence';

/** The detail of a payout both sides say failed (recon-sql.ts writes it too). */
export const FAILED_DETAIL = 'failed at the provider, failed here';

/** One way a payout and its provider rows disagree. */
interface Finding {
  readonly category: MismatchCategory;
  readonly detail: string;
}

/**
 * Compares one payout with the provider rows that claimed it and records EVERY disagreement; the
 * row's category and owner are the dominant one's, by the one order of precedence in
 * precedence.ts (a status contradiction beats any amount, currency or fee difference). Nothing
 * disagreeing: `failed` when both sides say failed, else `matched`.
 */
export function classifyPayout(payout: ReconPayout, rows: readonly ReportRow[], matchedBy: MatchedBy): ReconRow {
  const first = rows[0];
  if (first === undefined) return classifyUnreported(payout);
  const base = { payout, report: first, reportRowCount: rows.length, matchedBy };
  const findings = compare(payout, rows, first);
  if (findings.length > 0) return { ...base, matchStatus: 'unmatched', ...summarise(findings) };
  if (payout.status === 'failed')
    return {
      ...base,
      matchStatus: 'matched',
      category: 'failed',
      mismatches: [],
      detail: FAILED_DETAIL,
    };
  return { ...base, matchStatus: 'matched', category: 'matched', mismatches: [], detail: '' };
}

/** Every disagreement between our payout (and its ledger) and the first provider row that claims it. */
function compare(payout: ReconPayout, rows: readonly ReportRow[], first: ReportRow): Finding[] {
  const findings: Finding[] = [];
  const found = (category: MismatchCategory, detail: string): void => void findings.push({ category, detail });
  if (rows.length > 1)
    found(
      'duplicate_at_provider',
      `the provider reports this payout ${rows.length} times (lines ${rows.map((r) => r.line).join(', ')})`,
    );
  const money = (minor: number): string => formatDecimal(minor, payout.currency);
  // Our ledger against our payout: both ours, so comparable whatever the provider's currency.
  if (payout.ledgerAmountMinor !== undefined && payout.ledgerAmountMinor !== payout.amountMinor) {
    found('amount_mismatch', `ledger ${money(payout.ledgerAmountMinor)}, payout ${money(payout.amountMinor)}`);
  }
  if (first.currency !== payout.currency) {
    // Minor units of two currencies are not comparable: the provider's gross and fee are not
    // compared, only reported as the currency mismatch they are.
    found('currency_mismatch', `ours ${payout.currency}, provider ${first.currency}`);
  } else {
    if (first.grossMinor !== payout.amountMinor)
      found('amount_mismatch', `ours ${money(payout.amountMinor)}, provider ${money(first.grossMinor)}`);
    // A fee we have not learned yet is not compared: the report is how we learn it. Nor is the fee
    // of a payout that never moved money (failed or canceled at the provider): none is charged, and
    // providers differ in whether they print the would-be fee.
    const ourFee = payout.ledgerFeeMinor ?? payout.feeMinor;
    const feeCharged = first.status !== 'failed' && first.status !== 'canceled';
    if (feeCharged && ourFee !== undefined && ourFee !== first.feeMinor)
      found('fee_mismatch', `ours ${money(ourFee)}, provider ${money(first.feeMinor)}`);
  }
  if (payout.status === 'paid' && first.status === 'reversed')
    found('reversed_after_paid', 'paid here, reversed at the provider');
  else if (!statusesAgree(payout.status, first.status))
    found('status_mismatch', `ours ${payout.status}, provider ${first.status}`);
  // Apart from status_mismatch: here the provider disagrees with itself, and the batch's word must
  // never stand for the item's (a batch called paid does not pay its failed item).
  if (first.batchStatus !== undefined && batchContradictsItem(first.batchStatus, first.status)) {
    found(
      'batch_item_status_mismatch',
      `provider batch ${first.batchId ?? ''} is ${first.batchStatus} while the item is ${first.status}`,
    );
  }
  if (payout.providerReference !== first.providerReference) {
    const ours = payout.providerReference === undefined ? 'none' : payout.providerReference;
    found(
      'missing_provider_reference',
      `matched by payout id; our provider reference ${ours}, provider ${first.providerReference}`,
    );
  }
  return findings;
}

/**
 * The category (dominant first), the mismatches in precedence order and the detail. One finding
 * keeps its plain sentence; several are each prefixed with their category, dominant first.
 */
function summarise(findings: readonly Finding[]): Pick<ReconRow, 'category' | 'mismatches' | 'detail'> {
  const ordered = [...findings].sort((a, b) => precedenceOf(a.category) - precedenceOf(b.category));
  const mismatches = inPrecedenceOrder(ordered.map((f) => f.category));
  const detail =
    ordered.length === 1 ? ordered[0]!.detail : ordered.map((f) => `${f.category}: ${f.detail}`).join('; ');
  return { category: mismatches[0]!, mismatches, detail };
}

/** A payout no provider row claimed. */
function classifyUnreported(payout: ReconPayout): ReconRow {
  const base = { payout, reportRowCount: 0, matchedBy: 'none' as const };
  if (payout.providerReference === undefined) {
    switch (payout.status) {
      case 'requires_approval':
      case 'canceled':
        return {
          ...base,
          matchStatus: 'not_submitted',
          category: null,
          mismatches: [],
          detail: `${payout.status}; never sent to the provider`,
        };
      case 'failed':
        return {
          ...base,
          matchStatus: 'not_submitted',
          category: 'failed',
          mismatches: [],
          detail: 'refused on submission; never held by the provider',
        };
      case 'submitted':
      case 'accepted':
      case 'pending':
      case 'paid':
      case 'reversed':
        return {
          ...base,
          matchStatus: 'unmatched',
          category: 'missing_provider_reference',
          mismatches: ['missing_provider_reference'],
          detail: `${payout.status} here with no provider reference, and not in the provider report`,
        };
      default:
        return assertNever(payout.status, 'payout status');
    }
  }
  return {
    ...base,
    matchStatus: 'unmatched',
    category: 'missing_at_provider',
    mismatches: ['missing_at_provider'],
    detail: `provider reference ${payout.providerReference} is not in the provider report`,
  };
}

/** A provider row no payout of ours claims (nor could be found by reference or payout id). */
export function classifyOrphan(report: ReportRow): ReconRow {
  const claimed = report.payoutId === undefined ? 'no payout id' : `payout id ${report.payoutId}`;
  return {
    report,
    reportRowCount: 1,
    matchedBy: 'none',
    matchStatus: 'unmatched',
    category: 'missing_internally',
    mismatches: ['missing_internally'],
    detail: `the provider reports ${report.providerReference} (${claimed}); we have no such payout`,
  };
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

/** What a provider status says of the money: not decided yet, moved (reversed: moved, then back), or never moved. */
type MoneyOutcome = 'in_flight' | 'moved' | 'not_moved';

function moneyOutcomeOf(status: ProviderStatus): MoneyOutcome {
  switch (status) {
    case 'pending':
    case 'in_transit':
      return 'in_flight';
    case 'paid':
    case 'reversed':
      return 'moved';
    case 'failed':
    case 'canceled':
      return 'not_moved';
    default:
      return assertNever(status, 'provider status');
  }
}

/**
 * Whether the provider's batch status and its item's cannot both be true
 * (test/unit/domain/reconciliation/batch-item-status.test.ts walks every pair):
 * - a batch in flight has no item paid or reversed yet (an item refused early, failed, is fine);
 * - a settled batch (paid, failed, canceled, reversed) has no item still in flight;
 * - a batch paid or reversed has no failed or canceled item, and a failed or canceled batch no paid or
 *   reversed one: batch-level status must not hide an item-level outcome;
 * - a batch reversed has no item still paid (the batch says the money came back), while an item
 *   reversed in a paid batch is its history (paid with the batch, returned later).
 */
export function batchContradictsItem(batch: ProviderStatus, item: ProviderStatus): boolean {
  const [ofBatch, ofItem] = [moneyOutcomeOf(batch), moneyOutcomeOf(item)];
  switch (ofBatch) {
    case 'in_flight':
      return ofItem === 'moved';
    case 'moved':
      return ofItem !== 'moved' || (batch === 'reversed' && item === 'paid');
    case 'not_moved':
      return ofItem !== 'not_moved';
    default:
      return assertNever(ofBatch, 'money outcome');
  }
}
