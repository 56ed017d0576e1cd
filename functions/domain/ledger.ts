import { assertNever } from './assert-never';
import { isAwaitingProvider, type PayoutStatus } from './lifecycle';
import type { CurrencyCode } from './money';

/**
 * Double-entry ledger of payouts. Every tenant has four accounts per currency; a posting moves an
 * amount from one account to another, so the balances of a (tenant, currency) always sum to zero.
 *
 *   available  — money the tenant has put at our disposal (goes negative as it is paid out: the
 *                tenant's funding is booked by treasury, not by this module)
 *   in_transit — handed to a provider, outcome not yet known
 *   settled    — the provider reports it paid to the recipient
 *   fees       — provider fees charged to the tenant
 */
export const LEDGER_ACCOUNTS = ['available', 'in_transit', 'settled', 'fees'] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];

export interface Posting {
  readonly from: LedgerAccount;
  readonly to: LedgerAccount;
  readonly amountMinor: number;
}

/** What the ledger must record for a payout entering `to` (from `from`, or at creation). */
export interface PostingInput {
  readonly from: PayoutStatus | 'new';
  readonly to: PayoutStatus;
  readonly amountMinor: number;
  /** Known provider fee in minor units; booked when the payout is paid. */
  readonly feeMinor?: number;
}

const move = (from: LedgerAccount, to: LedgerAccount, amountMinor: number): Posting => ({ from, to, amountMinor });

/** Money is with the provider exactly while the payout awaits the provider's answer; `new` is before any of it. */
function isInFlight(status: PayoutStatus | 'new'): boolean {
  return status !== 'new' && isAwaitingProvider(status);
}

/**
 * The postings a transition writes, in one place so the create path, the submitter and the
 * webhook processor can never book the same move differently.
 */
export function postingsFor(input: PostingInput): Posting[] {
  const { from, to, amountMinor } = input;
  switch (to) {
    case 'requires_approval':
      return [];
    case 'submitted':
      // Creation and approval both hand the amount to the provider's side of the books.
      return from === 'new' || from === 'requires_approval' ? [move('available', 'in_transit', amountMinor)] : [];
    case 'accepted':
    case 'pending':
      // Provider progress, no money movement.
      return [];
    case 'paid': {
      const postings = isInFlight(from) ? [move('in_transit', 'settled', amountMinor)] : [];
      if (input.feeMinor !== undefined && input.feeMinor > 0) postings.push(move('available', 'fees', input.feeMinor));
      return postings;
    }
    case 'failed':
    case 'canceled':
      // Money returns only if it had left; canceling a payout awaiting approval moves nothing.
      return isInFlight(from) ? [move('in_transit', 'available', amountMinor)] : [];
    case 'reversed':
      return from === 'paid' ? [move('settled', 'available', amountMinor)] : [];
    default:
      return assertNever(to, 'payout status');
  }
}

/** Net change per account of a set of postings; sums to zero by construction (asserted). */
export function balanceDeltas(postings: readonly Posting[]): Map<LedgerAccount, number> {
  const deltas = new Map<LedgerAccount, number>();
  for (const posting of postings) {
    if (!Number.isSafeInteger(posting.amountMinor) || posting.amountMinor <= 0) {
      throw new Error(`ledger: posting amount must be a positive safe integer, got ${posting.amountMinor}`);
    }
    if (posting.from === posting.to) throw new Error(`ledger: posting from ${posting.from} to itself`);
    deltas.set(posting.from, (deltas.get(posting.from) ?? 0) - posting.amountMinor);
    deltas.set(posting.to, (deltas.get(posting.to) ?? 0) + posting.amountMinor);
  }
  assertBalanced([...deltas.values()]);
  for (const [account, delta] of deltas) if (delta === 0) deltas.delete(account);
  return deltas;
}

/** A ledger that does not sum to zero is a programmer error: crash rather than write it. */
export function assertBalanced(amountsMinor: readonly number[]): void {
  const sum = amountsMinor.reduce((total, amount) => total + amount, 0);
  if (sum !== 0) throw new Error(`ledger: postings do not balance (sum ${sum})`);
}

export interface AccountBalance {
  readonly tenantId: string;
  readonly account: LedgerAccount;
  readonly currency: CurrencyCode;
  readonly balanceMinor: number;
}

/** Totals per account over tenants, plus the sum that must be zero. */
export function summarizeBalances(balances: readonly AccountBalance[]): {
  totals: Record<LedgerAccount, number>;
  sumMinor: number;
} {
  const totals: Record<LedgerAccount, number> = { available: 0, in_transit: 0, settled: 0, fees: 0 };
  for (const balance of balances) totals[balance.account] += balance.balanceMinor;
  const sumMinor = LEDGER_ACCOUNTS.reduce((sum, account) => sum + totals[account], 0);
  return { totals, sumMinor };
}
