import type { MismatchCategory } from './categories';

/**
 * The one order of precedence of reconciliation mismatches. A row records every way it disagrees
 * (`mismatches`, in this order); the first of them is the row's category, and so its owner, its SLA
 * and its exception. Why this order — the question is "whose move is it first?":
 *
 * 1. missing_internally, missing_at_provider — one side has no record at all: the strongest form of
 *    a status contradiction. Nothing else can be compared, so they never share a row in practice.
 * 2. status_mismatch — we and the provider disagree about what happened to the money (we say paid,
 *    it is in transit). Until ops establishes the real state, every money figure on the row may be
 *    a symptom of it: a payout we call settled that never settled must never reach finance as a
 *    one-cent fee question. This is why status beats every money category.
 * 3. batch_item_status_mismatch — the provider's batch status contradicts its own item's (a batch
 *    paid with a failed item, an item paid in a batch still in transit): the provider's report
 *    disagrees with itself, so every figure on its row is in doubt until the provider says which is
 *    true. Under status_mismatch: when we also disagree with the item, that is ours to settle first,
 *    and the item, not the batch, is what our payout follows.
 * 4. reversed_after_paid — a status contradiction with a known meaning (the money came back):
 *    finance books the reversal before it looks at amounts. Ranked under the batch contradiction,
 *    the only thing it shares a row with (a reversed item while its batch is still pending).
 * 5. duplicate_at_provider — the provider holds two payouts for one of ours (perhaps paid twice);
 *    the amount and fee comparisons were made against one of the two rows only.
 * 6. amount_mismatch > currency_mismatch > fee_mismatch — money, largest consequence first: the
 *    principal, then the denomination (amounts are not compared across currencies, so a currency
 *    mismatch shares a row only with our own ledger disagreeing with the payout), then the fee.
 * 7. missing_provider_reference — bookkeeping: the payout was found by its payout id; our copy of
 *    the provider's reference is ours to fix, and it never hides a disagreement above it.
 */
export const MISMATCH_PRECEDENCE = [
  'missing_internally',
  'missing_at_provider',
  'status_mismatch',
  'batch_item_status_mismatch',
  'reversed_after_paid',
  'duplicate_at_provider',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'missing_provider_reference',
] as const satisfies readonly MismatchCategory[];

// Compile-time check that the order names every mismatch category (a new one must be placed).
type Unranked = Exclude<MismatchCategory, (typeof MISMATCH_PRECEDENCE)[number]>;
const EVERY_CATEGORY_RANKED: [Unranked] extends [never] ? true : Unranked = true;
void EVERY_CATEGORY_RANKED;

const RANK = new Map<MismatchCategory, number>(MISMATCH_PRECEDENCE.map((category, rank) => [category, rank]));

/** Position in the order of precedence: 0 dominates. */
export function precedenceOf(category: MismatchCategory): number {
  return RANK.get(category)!;
}

/** Each category once, dominant first: the `mismatches` of a row. */
export function inPrecedenceOrder(categories: readonly MismatchCategory[]): MismatchCategory[] {
  return [...new Set(categories)].sort((a, b) => precedenceOf(a) - precedenceOf(b));
}

/** The category that names a row, its owner and its exception; undefined when nothing disagrees. */
export function dominantMismatch(categories: readonly MismatchCategory[]): MismatchCategory | undefined {
  return inPrecedenceOrder(categories)[0];
}
