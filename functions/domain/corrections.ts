import { assertNever } from './assert-never';
import { DomainError } from './domain-error';
import { LEDGER_ACCOUNTS, type LedgerAccount, type Posting } from './ledger';
import type { PayoutEvent, PayoutStatus } from './lifecycle';
import type { CurrencyCode } from './money';

/**
 * Manual corrections by operators (issue 10): one operator proposes, a second approves, and only
 * then is the correction applied, in one transaction, as an `operator` change of the payout. Two
 * kinds:
 * - `status`: the payout's status is set from outside evidence (a provider statement shows it paid
 *   while its webhook never came). Which target is allowed from which status, and what it books,
 *   is STATUS_CORRECTIONS: every status × status cell written out, like the lifecycle table;
 * - `ledger_adjustment`: signed postings on the tenant's accounts (a fee booked twice, a return the
 *   provider netted). Each currency's postings must sum to zero, or the books stop balancing.
 *
 * A provider's later word on a status-corrected payout is compared with the correction
 * (CORRECTION_VERDICTS): agreeing news is recorded as usual (stale, duplicate), contradicting news
 * moves nothing and opens an exception — it never silently overrides what a person decided with
 * evidence in hand, and is never silently dropped.
 */
export const CORRECTION_KINDS = ['status', 'ledger_adjustment'] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

/**
 * `approved` is the moment between approval and application. Both happen in one transaction here
 * (the record goes proposed → applied, and its history keeps the approval), so no record rests in
 * it; it is named so a future approval that must wait (e.g. for a provider call) has its state.
 */
export const CORRECTION_STATES = ['proposed', 'approved', 'rejected', 'applied'] as const;
export type CorrectionState = (typeof CORRECTION_STATES)[number];

/** What an evidence reference points at; the reference itself is an id, a URL or a document number. */
export const EVIDENCE_TYPES = ['provider_statement', 'provider_report', 'document', 'url', 'ticket'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** The statuses a status correction may set: outcomes, never a step on the way to one. */
export const CORRECTION_TARGETS = ['paid', 'failed', 'canceled', 'reversed'] as const;
export type CorrectionTarget = (typeof CORRECTION_TARGETS)[number];

/** Timeline events that are not lifecycle events: they bypass `decide` on purpose (see below). */
export const CORRECTION_TIMELINE_EVENTS = ['status_corrected', 'ledger_adjusted'] as const;
export type CorrectionTimelineEvent = (typeof CORRECTION_TIMELINE_EVENTS)[number];

/** Postings one adjustment may carry: every account of two currencies. */
export const ADJUSTMENT_POSTINGS_MAX = 8;
/** Largest posting, so the sum of ADJUSTMENT_POSTINGS_MAX of them stays a safe integer. */
export const ADJUSTMENT_AMOUNT_MINOR_MAX = Math.floor(Number.MAX_SAFE_INTEGER / ADJUSTMENT_POSTINGS_MAX);

export interface CorrectionEvidence {
  readonly type: EvidenceType;
  readonly reference: string;
}

/** One leg of an adjustment: `amountMinor` is added to the account's balance (negative takes away). */
export interface AdjustmentPosting {
  readonly account: LedgerAccount;
  readonly currency: CurrencyCode;
  readonly amountMinor: number;
}

/** A correction as stored (OPERATIONS_TABLE, adapters/corrections-repository.ts). */
export interface CorrectionRecord {
  correctionId: string;
  payoutId: string;
  tenantId: string;
  kind: CorrectionKind;
  state: CorrectionState;
  targetStatus?: CorrectionTarget;
  postings?: AdjustmentPosting[];
  reason: string;
  evidence: CorrectionEvidence;
  /** The payout as the proposer saw it: an approval applies only to that version (see `approvalRefusal`). */
  fromStatus: PayoutStatus;
  payoutVersion: number;
  proposedBy: string;
  proposedAt: string;
  proposedRequestId: string;
  approval?: { by: string; at: string; requestId: string; note?: string };
  rejection?: { by: string; at: string; requestId: string; reason: string };
  appliedAt?: string;
  /** Optimistic-concurrency counter of the record; every state change is conditional on it. */
  version: number;
}

export type CorrectionRefusalCode =
  'correction_no_change' | 'correction_target_not_allowed' | 'correction_awaiting_approval';

export type StatusCorrectionRule =
  /** Allowed; the money moves `from → to` by the payout's amount (a move always balances). */
  | { readonly kind: 'allowed'; readonly move: { readonly from: LedgerAccount; readonly to: LedgerAccount } }
  | { readonly kind: 'refused'; readonly code: CorrectionRefusalCode };

const allow = (from: LedgerAccount, to: LedgerAccount): StatusCorrectionRule => ({
  kind: 'allowed',
  move: { from, to },
});
const SAME: StatusCorrectionRule = { kind: 'refused', code: 'correction_no_change' };
const NO: StatusCorrectionRule = { kind: 'refused', code: 'correction_target_not_allowed' };
const WAIT: StatusCorrectionRule = { kind: 'refused', code: 'correction_awaiting_approval' };

/** In flight: the amount sits in in_transit (ledger.ts). */
const IN_FLIGHT_ROW: Record<CorrectionTarget, StatusCorrectionRule> = {
  paid: allow('in_transit', 'settled'),
  failed: allow('in_transit', 'available'),
  canceled: allow('in_transit', 'available'),
  // A statement showing it paid and returned is two corrections: paid first, then reversed.
  reversed: NO,
};

/**
 * Every current status × every target status. Rows, in words:
 * - requires_approval: the tenant's approver decides first; an operator cannot skip four-eyes;
 * - submitted / accepted / pending: the outcome the provider never reported (paid, failed, canceled);
 * - paid: reversed (a bank return on the statement), or failed / canceled (the paid was wrong):
 *   the money comes back from settled;
 * - failed / canceled / reversed: paid (the statement shows the money arrived): available → settled;
 * - never to requires_approval, submitted, accepted or pending: a correction records an outcome,
 *   progress comes from the provider.
 */
export const STATUS_CORRECTIONS: Readonly<Record<PayoutStatus, Readonly<Record<PayoutStatus, StatusCorrectionRule>>>> =
  {
    requires_approval: {
      requires_approval: SAME,
      submitted: WAIT,
      accepted: WAIT,
      pending: WAIT,
      paid: WAIT,
      reversed: WAIT,
      failed: WAIT,
      canceled: WAIT,
    },
    submitted: { requires_approval: NO, submitted: SAME, accepted: NO, pending: NO, ...IN_FLIGHT_ROW },
    accepted: { requires_approval: NO, submitted: NO, accepted: SAME, pending: NO, ...IN_FLIGHT_ROW },
    pending: { requires_approval: NO, submitted: NO, accepted: NO, pending: SAME, ...IN_FLIGHT_ROW },
    paid: {
      requires_approval: NO,
      submitted: NO,
      accepted: NO,
      pending: NO,
      paid: SAME,
      reversed: allow('settled', 'available'),
      failed: allow('settled', 'available'),
      canceled: allow('settled', 'available'),
    },
    reversed: {
      requires_approval: NO,
      submitted: NO,
      accepted: NO,
      pending: NO,
      paid: allow('available', 'settled'),
      reversed: SAME,
      failed: NO,
      canceled: NO,
    },
    failed: {
      requires_approval: NO,
      submitted: NO,
      accepted: NO,
      pending: NO,
      paid: allow('available', 'settled'),
      reversed: NO,
      failed: SAME,
      canceled: NO,
    },
    canceled: {
      requires_approval: NO,
      submitted: NO,
      accepted: NO,
      pending: NO,
      paid: allow('available', 'settled'),
      reversed: NO,
      failed: NO,
      canceled: SAME,
    },
  };

export function statusCorrectionRule(from: PayoutStatus, to: PayoutStatus): StatusCorrectionRule {
  return STATUS_CORRECTIONS[from][to];
}

export function isCorrectionTarget(status: PayoutStatus): status is CorrectionTarget {
  return (CORRECTION_TARGETS as readonly string[]).includes(status);
}

/** A ledger adjustment moves money; before the tenant's approval nothing may (ledger.ts). */
export function adjustmentRefusal(status: PayoutStatus): CorrectionRefusalCode | undefined {
  switch (status) {
    case 'requires_approval':
      return 'correction_awaiting_approval';
    case 'submitted':
    case 'accepted':
    case 'pending':
    case 'paid':
    case 'reversed':
    case 'failed':
    case 'canceled':
      return undefined;
    default:
      return assertNever(status, 'payout status');
  }
}

export type AdjustmentCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'posting_account_repeated'; readonly index: number }
  | {
      readonly ok: false;
      readonly code: 'unbalanced_adjustment';
      readonly currency: CurrencyCode;
      readonly sumMinor: number;
    };

/**
 * An adjustment balances when each currency's postings sum to zero. Checked in this order, the
 * first failure answering: an account named twice in one currency (ambiguous: one leg per account),
 * then the balance of each currency in the order it first appears.
 */
export function checkAdjustment(postings: readonly AdjustmentPosting[]): AdjustmentCheck {
  const seen = new Set<string>();
  for (const [index, posting] of postings.entries()) {
    const key = `${posting.currency}:${posting.account}`;
    if (seen.has(key)) return { ok: false, code: 'posting_account_repeated', index };
    seen.add(key);
  }
  const sums = new Map<CurrencyCode, number>();
  for (const posting of postings) sums.set(posting.currency, (sums.get(posting.currency) ?? 0) + posting.amountMinor);
  for (const [currency, sumMinor] of sums)
    if (sumMinor !== 0) return { ok: false, code: 'unbalanced_adjustment', currency, sumMinor };
  return { ok: true };
}

/**
 * A balanced set of legs of one currency as the ledger's moves (from → to, positive amounts), so the
 * journal keeps one shape for every booking. Deterministic: debits and credits in LEDGER_ACCOUNTS
 * order, each debit paying the credits in turn.
 */
export function adjustmentMoves(postings: readonly AdjustmentPosting[]): Posting[] {
  const order = (p: AdjustmentPosting) => LEDGER_ACCOUNTS.indexOf(p.account);
  const debits = postings
    .filter((p) => p.amountMinor < 0)
    .sort((a, b) => order(a) - order(b))
    .map((p) => ({ account: p.account, left: -p.amountMinor }));
  const credits = postings
    .filter((p) => p.amountMinor > 0)
    .sort((a, b) => order(a) - order(b))
    .map((p) => ({ account: p.account, left: p.amountMinor }));
  const moves: Posting[] = [];
  let credit = 0;
  for (const debit of debits) {
    while (debit.left > 0) {
      const target = credits[credit];
      if (target === undefined) throw new Error('adjustmentMoves: postings do not balance');
      const amountMinor = Math.min(debit.left, target.left);
      moves.push({ from: debit.account, to: target.account, amountMinor });
      debit.left -= amountMinor;
      target.left -= amountMinor;
      if (target.left === 0) credit++;
    }
  }
  if (credits.some((c) => c.left !== 0)) throw new Error('adjustmentMoves: postings do not balance');
  return moves;
}

/**
 * What a provider's later event says of a status correction:
 * - `consistent`: agrees with it (the same outcome, an older step on the way, or what may follow it,
 *   like a return after paid): the lifecycle table decides as for any event (stale, or a transition);
 * - `contradicts`: another outcome (corrected paid, the provider says failed): nothing moves, an
 *   exception opens. A provider's "failed" after a corrected "paid" is not read as a return here, as
 *   the lifecycle table would read it after a paid webhook: the operator's paid came from a statement,
 *   not from the provider's own earlier word, so the two accounts disagree and a person must look.
 * Events that are not the provider's word (approved, canceled_by_operator, submission_rejected, and
 * the tenant's approval_rejected, approval_expired, cancel_requested — consistent: they come before
 * any submission, or ask the provider, whose answer is what gets compared) are never compared (`contradictsCorrection` checks only webhook and poller sources); their cells say
 * what they would mean.
 */
export type CorrectionVerdict = 'consistent' | 'contradicts';
const OK: CorrectionVerdict = 'consistent';
const CONTRA: CorrectionVerdict = 'contradicts';

export const CORRECTION_VERDICTS: Readonly<Record<CorrectionTarget, Readonly<Record<PayoutEvent, CorrectionVerdict>>>> =
  {
    paid: {
      approved: OK,
      canceled_by_operator: CONTRA,
      submission_rejected: CONTRA,
      provider_accepted: OK,
      provider_pending: OK,
      provider_paid: OK,
      provider_failed: CONTRA,
      provider_canceled: CONTRA,
      provider_reversed: OK,
      approval_rejected: OK,
      approval_expired: OK,
      cancel_requested: OK,
    },
    failed: {
      approved: OK,
      canceled_by_operator: CONTRA,
      submission_rejected: OK,
      provider_accepted: OK,
      provider_pending: OK,
      provider_paid: CONTRA,
      provider_failed: OK,
      provider_canceled: CONTRA,
      provider_reversed: CONTRA,
      approval_rejected: OK,
      approval_expired: OK,
      cancel_requested: OK,
    },
    canceled: {
      approved: OK,
      canceled_by_operator: OK,
      submission_rejected: CONTRA,
      provider_accepted: OK,
      provider_pending: OK,
      provider_paid: CONTRA,
      provider_failed: CONTRA,
      provider_canceled: OK,
      provider_reversed: CONTRA,
      approval_rejected: OK,
      approval_expired: OK,
      cancel_requested: OK,
    },
    reversed: {
      // A return follows a payment, and the provider's "paid, then failed" is our reversal.
      approved: OK,
      canceled_by_operator: CONTRA,
      submission_rejected: CONTRA,
      provider_accepted: OK,
      provider_pending: OK,
      provider_paid: OK,
      provider_failed: OK,
      provider_canceled: CONTRA,
      provider_reversed: OK,
      approval_rejected: OK,
      approval_expired: OK,
      cancel_requested: OK,
    },
  };

/** What a payout carries of its last applied status correction (payout.ts). */
export interface CorrectedPayout {
  readonly status: PayoutStatus;
  readonly correctedStatus?: CorrectionTarget;
}

/**
 * Whether a provider's event contradicts the payout's status correction. Only while the payout still
 * stands where the correction put it: once the provider has legitimately moved it on (a return after
 * a corrected paid), its later word is judged by the lifecycle table alone.
 */
export function contradictsCorrection(payout: CorrectedPayout, event: PayoutEvent, providerWord: boolean): boolean {
  if (!providerWord || payout.correctedStatus === undefined || payout.status !== payout.correctedStatus) return false;
  return CORRECTION_VERDICTS[payout.correctedStatus][event] === 'contradicts';
}

export type CorrectionAction = 'approve' | 'reject';
export type CorrectionDecision =
  | { readonly kind: 'transition'; readonly to: CorrectionState }
  | { readonly kind: 'refused'; readonly code: 'correction_not_proposed' };

/** Every state × action: only a proposed correction can be decided, and only once. */
export function decideCorrection(state: CorrectionState, action: CorrectionAction): CorrectionDecision {
  switch (state) {
    case 'proposed':
      // Approval applies in the same transaction: the record passes through approved to applied.
      return action === 'approve' ? { kind: 'transition', to: 'applied' } : { kind: 'transition', to: 'rejected' };
    case 'approved':
    case 'rejected':
    case 'applied':
      return { kind: 'refused', code: 'correction_not_proposed' };
    default:
      return assertNever(state, 'correction state');
  }
}

export type ApprovalRefusal = 'self_approval_forbidden' | 'correction_not_proposed' | 'payout_changed';

/**
 * Why `approver` may not approve `correction` of `payout` now, in order of precedence:
 * 1. self_approval_forbidden — four eyes: whoever proposed can never approve, whatever the state;
 * 2. correction_not_proposed — already decided (approved, applied or rejected);
 * 3. payout_changed — the payout moved since the proposal (its version): the approver would apply a
 *    correction to a payout the proposer did not see. Reject it and propose again if still needed.
 */
export function approvalRefusal(
  correction: Pick<CorrectionRecord, 'proposedBy' | 'state' | 'payoutVersion'>,
  payout: { readonly version: number },
  approver: string,
): ApprovalRefusal | undefined {
  if (correction.proposedBy === approver) return 'self_approval_forbidden';
  if (decideCorrection(correction.state, 'approve').kind === 'refused') return 'correction_not_proposed';
  if (payout.version !== correction.payoutVersion) return 'payout_changed';
  return undefined;
}

/** The one error hierarchy of corrections; the HTTP edge maps `code` to a status. */
export class CorrectionError extends DomainError {
  constructor(
    code: CorrectionRefusalCode | ApprovalRefusal,
    category: 'terminal' | 'human_action_required',
    message: string,
  ) {
    super(code, category, message);
    this.name = 'CorrectionError';
  }
}

export function describeRefusal(code: CorrectionRefusalCode, from: PayoutStatus, to?: PayoutStatus): string {
  switch (code) {
    case 'correction_no_change':
      return `the payout is already ${from}`;
    case 'correction_target_not_allowed':
      return `a correction cannot move a payout from ${from} to ${to ?? '(none)'}; see docs/ops-api.md for the table`;
    case 'correction_awaiting_approval':
      return "the payout awaits its tenant's approval; corrections wait until it has been decided";
    default:
      return assertNever(code, 'correction refusal');
  }
}
