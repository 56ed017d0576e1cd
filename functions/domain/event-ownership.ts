import { assertNever } from './assert-never';
import type { TransitionSource } from './lifecycle';

/**
 * Event ownership (DESIGN §3): a provider's event — a signed webhook, or its answer to our status
 * query — moves a payout only when it is about that payout. A valid signature proves who sent the
 * event, not which payout it is about: a Stripe-signed `payout.paid` that names a payout held at
 * the sandbox, or a sandbox event for P3 that carries P4's reference, is signed and still wrong.
 * Such an event is evidence for an exception, never a state change.
 *
 * The checks, in their documented order (OWNERSHIP_CHECKS):
 *   1. provider            the claimant is the provider the payout was submitted to. First, because
 *                          another provider's event is about another provider's books, and its
 *                          reference lives in another namespace;
 *   2. provider_reference  where both sides have one, the claimed reference is the payout's. Where
 *                          the payout has none yet, the claim may give it one only if no other
 *                          payout already holds it (`facts.referenceHolder`, see below);
 *   3. amount              where the claim carries one, it is the payout's amount in minor units;
 *   4. currency            where the claim carries one, it is the payout's currency.
 * Every check runs and every failure is listed, in that order: the first entry is the most
 * fundamental failure, the rest are still evidence for whoever works the exception.
 *
 * Why the facts are the payout's and not re-derived: provider, amount and currency never change
 * after the payout is created, and a provider reference is set once and never overwritten. So a
 * rejection decided on one consistent read cannot be made wrong by a concurrent writer; only an
 * acceptance needs its write conditioned (on the version read, and on the reference index when it
 * records a new reference — payout-transitions.ts).
 */

export const OWNERSHIP_CHECKS = ['provider', 'provider_reference', 'amount', 'currency'] as const;
export type OwnershipCheck = (typeof OWNERSHIP_CHECKS)[number];

/** What an event or status answer says about whose payout it is. Absent fields are not checked. */
export interface OwnershipClaim {
  /** Who vouched for it: the webhook route whose secret verified the signature, or the port that answered. */
  readonly provider: string;
  readonly providerReference?: string;
  readonly amountMinor?: number;
  /** ISO 4217 in upper case: the mappers normalise (Stripe sends `eur`). */
  readonly currency?: string;
}

/** The parts of a payout ownership is decided on (a `Payout` is one; spelled out so payout.ts can import this file). */
export interface OwnedPayout {
  readonly payoutId: string;
  readonly provider: string;
  readonly providerReference?: string;
  readonly amountMinor: number;
  readonly currency: string;
}

/** What storage knows beyond the payout item. */
export interface OwnershipFacts {
  /**
   * The payout the provider-reference index names for (claim.provider, claim.providerReference),
   * when it was looked up. Only consulted while the payout has no reference of its own.
   */
  readonly referenceHolder?: string;
}

export type OwnershipMismatch =
  | { readonly check: 'provider'; readonly payout: string; readonly claimed: string }
  /** `payout` is null when the payout has no reference yet and `heldBy` already holds the claimed one. */
  | {
      readonly check: 'provider_reference';
      readonly payout: string | null;
      readonly claimed: string;
      readonly heldBy?: string;
    }
  | { readonly check: 'amount'; readonly payout: number; readonly claimed: number }
  | { readonly check: 'currency'; readonly payout: string; readonly claimed: string };

export type OwnershipVerdict =
  /**
   * `newReference`: the claim names a reference the payout does not hold yet. The caller may record
   * it only if no other payout holds it, and must condition that write on the reference index:
   * deciding on a read of the index would race with another payout's transition recording the
   * same reference between our read and our write.
   */
  | { readonly ok: true; readonly newReference?: string }
  | { readonly ok: false; readonly mismatches: readonly OwnershipMismatch[] };

export function checkEventOwnership(
  payout: OwnedPayout,
  claim: OwnershipClaim,
  facts: OwnershipFacts = {},
): OwnershipVerdict {
  const mismatches: OwnershipMismatch[] = [];
  for (const check of OWNERSHIP_CHECKS) {
    const mismatch = mismatchOf(check, payout, claim, facts);
    if (mismatch !== undefined) mismatches.push(mismatch);
  }
  if (mismatches.length > 0) return { ok: false, mismatches };
  if (payout.providerReference === undefined && claim.providerReference !== undefined) {
    return { ok: true, newReference: claim.providerReference };
  }
  return { ok: true };
}

function mismatchOf(
  check: OwnershipCheck,
  payout: OwnedPayout,
  claim: OwnershipClaim,
  facts: OwnershipFacts,
): OwnershipMismatch | undefined {
  switch (check) {
    case 'provider':
      if (claim.provider === payout.provider) return undefined;
      return { check, payout: payout.provider, claimed: claim.provider };
    case 'provider_reference': {
      const claimed = claim.providerReference;
      if (claimed === undefined) return undefined;
      if (payout.providerReference !== undefined) {
        return claimed === payout.providerReference ? undefined : { check, payout: payout.providerReference, claimed };
      }
      const heldBy = facts.referenceHolder;
      return heldBy === undefined || heldBy === payout.payoutId ? undefined : { check, payout: null, claimed, heldBy };
    }
    case 'amount':
      if (claim.amountMinor === undefined || claim.amountMinor === payout.amountMinor) return undefined;
      return { check, payout: payout.amountMinor, claimed: claim.amountMinor };
    case 'currency':
      if (claim.currency === undefined || claim.currency === payout.currency) return undefined;
      return { check, payout: payout.currency, claimed: claim.currency };
    default:
      return assertNever(check, 'ownership check');
  }
}

/**
 * Sources whose transitions are a provider's word about a payout and must carry a claim. The
 * submitter's answer is the provider's reply to our own call for this payout id (its idempotency
 * key), api, operator and sweeper (an approval that expired) are ours: not claims by a third party.
 * (An api command may still carry a claim — a cancel the provider confirmed — and it is checked.)
 */
export function isOwnershipCheckedSource(source: TransitionSource): boolean {
  switch (source) {
    case 'provider_webhook':
    case 'poller':
      return true;
    case 'api':
    case 'operator':
    case 'submitter':
    case 'sweeper':
      return false;
    default:
      return assertNever(source, 'transition source');
  }
}

/** The error code an exception shows for a mismatch: `provider_mismatch`, `amount_mismatch`, … */
export const mismatchCodeOf = (mismatch: OwnershipMismatch): `${OwnershipCheck}_mismatch` =>
  `${mismatch.check}_mismatch`;

/** One line per mismatch, for the exception's message and the logs. */
export function describeMismatch(mismatch: OwnershipMismatch): string {
  switch (mismatch.check) {
    case 'provider':
      return `provider ${mismatch.claimed} is not the payout's provider ${mismatch.payout}`;
    case 'provider_reference':
      return mismatch.payout === null
        ? `provider reference ${mismatch.claimed} already belongs to payout ${mismatch.heldBy ?? '(unknown)'}`
        : `provider reference ${mismatch.claimed} is not the payout's reference ${mismatch.payout}`;
    case 'amount':
      return `amount ${mismatch.claimed} is not the payout's amount ${mismatch.payout} (minor units)`;
    case 'currency':
      return `currency ${mismatch.claimed} is not the payout's currency ${mismatch.payout}`;
    default:
      return assertNever(mismatch, 'ownership mismatch');
  }
}
