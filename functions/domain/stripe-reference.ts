/**
 * Our provider reference for a Stripe payout. A payout made on a connected account (the `Stripe-Account`
 * header) is only readable with that account named, so the reference carries it: `acct_…/po_…`. A payout
 * on the platform's own account is the bare `po_…`. One spelling for the adapter, the webhook mapping and
 * the report parser: a connected-account webhook whose `account` does not own the payout names another
 * reference, so the event-ownership check refuses it instead of applying it to our payout.
 */
const SEPARATOR = '/';
const ACCOUNT_PATTERN = /^acct_[A-Za-z0-9]{1,64}$/;
const OBJECT_ID_PATTERN = /^[a-z]{1,8}_[A-Za-z0-9]{1,64}$/;

export interface StripeReferenceParts {
  /** The connected account, when the payout is not on the platform's own account. */
  readonly account?: string;
  readonly payoutId: string;
}

export function stripeReference(account: string | undefined, stripePayoutId: string): string {
  return account === undefined ? stripePayoutId : `${account}${SEPARATOR}${stripePayoutId}`;
}

/** The parts of a reference we wrote, or undefined for text that is not one (never guessed). */
export function parseStripeReference(reference: string): StripeReferenceParts | undefined {
  const separator = reference.indexOf(SEPARATOR);
  if (separator === -1) return OBJECT_ID_PATTERN.test(reference) ? { payoutId: reference } : undefined;
  const account = reference.slice(0, separator);
  const payoutId = reference.slice(separator + 1);
  return ACCOUNT_PATTERN.test(account) && OBJECT_ID_PATTERN.test(payoutId) ? { account, payoutId } : undefined;
}

export function isStripeAccountId(value: string): boolean {
  return ACCOUNT_PATTERN.test(value);
}
