import { assertNever } from './assert-never';

/**
 * The payout lifecycle (DESIGN §3). Provider states are mapped into these events by provider
 * adapters; everything that moves a payout goes through `decide`, and `decide` reads one table.
 *
 *   requires_approval → submitted → accepted → pending → paid → reversed
 *                         failed and canceled are terminal exits
 */
export const PAYOUT_STATUSES = [
  'requires_approval',
  'submitted',
  'accepted',
  'pending',
  'paid',
  'reversed',
  'failed',
  'canceled',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/**
 * What can happen to a payout. `provider_*` events come from a webhook, the status poller or the
 * provider's answer to our own call (a cancel); `approved`, `approval_rejected` and
 * `cancel_requested` from the tenant's API (issue 10); `approval_expired` from the sweeper.
 */
export const PAYOUT_EVENTS = [
  'approved',
  'canceled_by_operator',
  'submission_rejected',
  'provider_accepted',
  'provider_pending',
  'provider_paid',
  'provider_failed',
  'provider_canceled',
  'provider_reversed',
  'approval_rejected',
  'approval_expired',
  'cancel_requested',
] as const;
export type PayoutEvent = (typeof PAYOUT_EVENTS)[number];

/** Where a transition came from; recorded on every timeline entry. */
export const TRANSITION_SOURCES = ['api', 'provider_webhook', 'poller', 'operator', 'submitter', 'sweeper'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

/**
 * The outcome of an event in a status:
 * - `to`: the payout moves to that status;
 * - `stale`: the payout already moved past what the event reports (late or duplicate delivery):
 *   record it, acknowledge it, change nothing;
 * - `forbidden`: the event contradicts what we know (e.g. `paid` after `failed`): refuse it, log it,
 *   open an exception and re-ask the provider.
 */
export type Decision =
  | { readonly kind: 'transition'; readonly to: PayoutStatus }
  | { readonly kind: 'stale' }
  | { readonly kind: 'forbidden' };

const T = (to: PayoutStatus): Decision => ({ kind: 'transition', to });
const STALE: Decision = { kind: 'stale' };
const FORBIDDEN: Decision = { kind: 'forbidden' };

/**
 * The one transition table: every status × every event. Writing every cell out (instead of
 * listing allowed moves and defaulting the rest) means a new status or event fails the type check
 * until someone decides each cell on purpose.
 */
export const TRANSITION_TABLE: Readonly<Record<PayoutStatus, Readonly<Record<PayoutEvent, Decision>>>> = {
  requires_approval: {
    approved: T('submitted'),
    canceled_by_operator: T('canceled'),
    submission_rejected: FORBIDDEN,
    provider_accepted: FORBIDDEN,
    provider_pending: FORBIDDEN,
    provider_paid: FORBIDDEN,
    provider_failed: FORBIDDEN,
    provider_canceled: FORBIDDEN,
    provider_reversed: FORBIDDEN,
    // An approver said no, or nobody said yes in time: nothing was posted, nothing is released.
    approval_rejected: T('canceled'),
    approval_expired: T('canceled'),
    cancel_requested: T('canceled'),
  },
  submitted: {
    approved: STALE,
    canceled_by_operator: T('canceled'),
    submission_rejected: T('failed'),
    provider_accepted: T('accepted'),
    provider_pending: T('pending'),
    provider_paid: T('paid'),
    provider_failed: T('failed'),
    provider_canceled: T('canceled'),
    provider_reversed: FORBIDDEN,
    // Decided already: the payout was approved (or never needed it) before this arrived.
    approval_rejected: STALE,
    approval_expired: STALE,
    // No provider has accepted it yet: the tenant may still withdraw it (in_transit is released).
    cancel_requested: T('canceled'),
  },
  accepted: {
    approved: STALE,
    // Once the provider holds the money, only the provider can cancel it.
    canceled_by_operator: FORBIDDEN,
    submission_rejected: FORBIDDEN,
    provider_accepted: STALE,
    provider_pending: T('pending'),
    provider_paid: T('paid'),
    provider_failed: T('failed'),
    provider_canceled: T('canceled'),
    provider_reversed: FORBIDDEN,
    approval_rejected: STALE,
    approval_expired: STALE,
    // The provider holds it: only the provider can cancel it (the cancel route asks it).
    cancel_requested: FORBIDDEN,
  },
  pending: {
    approved: STALE,
    canceled_by_operator: FORBIDDEN,
    submission_rejected: FORBIDDEN,
    provider_accepted: STALE,
    provider_pending: STALE,
    provider_paid: T('paid'),
    provider_failed: T('failed'),
    provider_canceled: T('canceled'),
    provider_reversed: FORBIDDEN,
    approval_rejected: STALE,
    approval_expired: STALE,
    cancel_requested: FORBIDDEN,
  },
  paid: {
    approved: STALE,
    canceled_by_operator: FORBIDDEN,
    submission_rejected: FORBIDDEN,
    provider_accepted: STALE,
    provider_pending: STALE,
    provider_paid: STALE,
    // A provider's "paid, then failed" (Stripe, bank returns) is our reversal (DESIGN §3).
    provider_failed: T('reversed'),
    provider_canceled: FORBIDDEN,
    provider_reversed: T('reversed'),
    approval_rejected: STALE,
    approval_expired: STALE,
    // Too late to cancel: the money arrived; a reversal is the way back.
    cancel_requested: FORBIDDEN,
  },
  reversed: {
    approved: STALE,
    canceled_by_operator: FORBIDDEN,
    submission_rejected: FORBIDDEN,
    provider_accepted: STALE,
    provider_pending: STALE,
    provider_paid: STALE,
    provider_failed: STALE,
    provider_canceled: FORBIDDEN,
    provider_reversed: STALE,
    approval_rejected: STALE,
    approval_expired: STALE,
    cancel_requested: FORBIDDEN,
  },
  failed: {
    approved: STALE,
    canceled_by_operator: FORBIDDEN,
    submission_rejected: STALE,
    provider_accepted: STALE,
    provider_pending: STALE,
    // Money we recorded as returned cannot arrive: someone must look.
    provider_paid: FORBIDDEN,
    provider_failed: STALE,
    provider_canceled: FORBIDDEN,
    provider_reversed: FORBIDDEN,
    approval_rejected: STALE,
    approval_expired: STALE,
    cancel_requested: FORBIDDEN,
  },
  canceled: {
    approved: STALE,
    canceled_by_operator: STALE,
    submission_rejected: STALE,
    provider_accepted: STALE,
    provider_pending: STALE,
    provider_paid: FORBIDDEN,
    provider_failed: FORBIDDEN,
    provider_canceled: STALE,
    provider_reversed: FORBIDDEN,
    approval_rejected: STALE,
    approval_expired: STALE,
    cancel_requested: STALE,
  },
};

export function decide(current: PayoutStatus, event: PayoutEvent): Decision {
  return TRANSITION_TABLE[current][event];
}

/** Every (from, to) pair some event allows, derived from the table so the two can never disagree. */
export function allowedTransitions(): ReadonlyArray<{ from: PayoutStatus; to: PayoutStatus; events: PayoutEvent[] }> {
  const pairs = new Map<string, { from: PayoutStatus; to: PayoutStatus; events: PayoutEvent[] }>();
  for (const from of PAYOUT_STATUSES) {
    for (const event of PAYOUT_EVENTS) {
      const decision = decide(from, event);
      if (decision.kind !== 'transition') continue;
      const key = `${from}>${decision.to}`;
      const pair = pairs.get(key) ?? { from, to: decision.to, events: [] };
      pair.events.push(event);
      pairs.set(key, pair);
    }
  }
  return [...pairs.values()];
}

export function isTransitionAllowed(from: PayoutStatus, to: PayoutStatus): boolean {
  return PAYOUT_EVENTS.some((event) => {
    const decision = decide(from, event);
    return decision.kind === 'transition' && decision.to === to;
  });
}

/** Terminal: no event can move the payout any more. */
export function isTerminal(status: PayoutStatus): boolean {
  switch (status) {
    case 'reversed':
    case 'failed':
    case 'canceled':
      return true;
    case 'requires_approval':
    case 'submitted':
    case 'accepted':
    case 'pending':
    case 'paid':
      return false;
    default:
      return assertNever(status, 'payout status');
  }
}

/** Awaiting an answer from the provider: the statuses the sweeper re-asks about. */
export function isAwaitingProvider(status: PayoutStatus): boolean {
  switch (status) {
    case 'submitted':
    case 'accepted':
    case 'pending':
      return true;
    case 'requires_approval':
    case 'paid':
    case 'reversed':
    case 'failed':
    case 'canceled':
      return false;
    default:
      return assertNever(status, 'payout status');
  }
}

/** How an event reaches us; published by GET /lifecycle so integrators know what to wait for. */
export type EventChannel = 'api' | 'operator' | 'submission_response' | 'webhook' | 'polling' | 'schedule';

export function channelsOf(event: PayoutEvent): readonly EventChannel[] {
  switch (event) {
    case 'approved':
    case 'approval_rejected':
    case 'cancel_requested':
      return ['api'];
    case 'approval_expired':
      return ['schedule'];
    case 'canceled_by_operator':
      return ['operator'];
    case 'submission_rejected':
      return ['submission_response'];
    case 'provider_accepted':
      return ['submission_response', 'polling'];
    case 'provider_pending':
    case 'provider_paid':
    case 'provider_failed':
    case 'provider_canceled':
    case 'provider_reversed':
      return ['webhook', 'polling'];
    default:
      return assertNever(event, 'payout event');
  }
}
