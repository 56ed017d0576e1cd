import { assertNever } from './assert-never';
import type { ExceptionCategory } from './exceptions';
import type { PayoutStatus } from './lifecycle';
import { PAYPAL_FAILURE_SOURCE_BY_CODE } from './paypal-status';

/**
 * Who a failed or stalled payout is waiting on (DESIGN §3, failure source), so support can tell a
 * provider incident from bad recipient details at a glance:
 * - `provider`: the provider is down, slow, refused for its own reasons or contradicts itself;
 * - `recipient`: the recipient's details are wrong or their account cannot take the money;
 * - `compliance`: a control held or stopped it (screening, policy, an approval nobody gave);
 * - `platform`: our own side (configuration, balance at the provider, a message we could not process).
 */
export const FAILURE_SOURCES = ['provider', 'recipient', 'compliance', 'platform'] as const;
export type FailureSource = (typeof FAILURE_SOURCES)[number];

/**
 * Failure codes as providers report them (the sandbox's, Stripe's Payout.failure_code, and the
 * rejection codes our adapters pass on). A code not listed is attributed to the provider: it
 * refused for a reason we have not classified, and asking the provider is support's first step.
 */
export const FAILURE_SOURCE_BY_CODE: Readonly<Record<string, FailureSource>> = {
  account_closed: 'recipient',
  account_frozen: 'recipient',
  bank_account_restricted: 'recipient',
  bank_ownership_changed: 'recipient',
  debit_not_authorized: 'recipient',
  incorrect_account_holder_name: 'recipient',
  incorrect_account_holder_address: 'recipient',
  incorrect_account_holder_tax_id: 'recipient',
  invalid_account_number: 'recipient',
  no_account: 'recipient',
  unsupported_card: 'recipient',
  // Stripe's refusals of a payout's destination (docs.stripe.com/error-codes), and a recipient with no
  // connected account to pay out from (the Stripe adapter's own check).
  bank_account_unusable: 'recipient',
  bank_account_declined: 'recipient',
  stripe_account_missing: 'recipient',
  could_not_process: 'provider',
  declined: 'provider',
  canceled_by_provider: 'provider',
  service_unavailable: 'provider',
  provider_unavailable: 'provider',
  provider_timeout: 'provider',
  // Our balance at the provider, our currency set-up, our idempotency keys: all ours to fix.
  insufficient_funds: 'platform',
  balance_insufficient: 'platform',
  invalid_currency: 'platform',
  idempotency_key_reused: 'platform',
  provider_authentication_failed: 'platform',
  resource_missing: 'platform',
  compliance_review_failed: 'compliance',
  sanctions_screening_match: 'compliance',
  corridor_policy_gated: 'compliance',
  // PayPal's upper-case error names, kept beside its state mapping.
  ...PAYPAL_FAILURE_SOURCE_BY_CODE,
};

/** `statusReason` is a bare code (webhooks, polls) or `<code>: <message>` (a submission refusal). */
export function failureCodeOf(statusReason: string): string {
  const colon = statusReason.indexOf(':');
  return (colon === -1 ? statusReason : statusReason.slice(0, colon)).trim();
}

export function failureSourceOfCode(code: string): FailureSource {
  return Object.hasOwn(FAILURE_SOURCE_BY_CODE, code) ? (FAILURE_SOURCE_BY_CODE[code] as FailureSource) : 'provider';
}

export interface AttributablePayout {
  readonly status: PayoutStatus;
  readonly statusReason?: string | undefined;
  /** Set while an exception is open on the payout (exceptions-repository keeps it in step). */
  readonly exceptionOwner?: string | undefined;
}

/**
 * A failed or reversed payout: from its failure code. A payout still waiting on the provider with an
 * open exception is stalled: the provider has not answered (long_pending) or contradicted itself.
 * Anything else is neither failed nor stalled: `null`.
 */
export function failureSourceOfPayout(payout: AttributablePayout): FailureSource | null {
  switch (payout.status) {
    case 'failed':
    case 'reversed':
      // A failure without a code: the provider said failed and gave no reason.
      return payout.statusReason === undefined ? 'provider' : failureSourceOfCode(failureCodeOf(payout.statusReason));
    case 'submitted':
    case 'accepted':
    case 'pending':
      return payout.exceptionOwner === undefined ? null : 'provider';
    case 'requires_approval':
    case 'paid':
    case 'canceled':
      return null;
    default:
      return assertNever(payout.status, 'payout status');
  }
}

/** What an exception's category says about the cause; every category decided on purpose. */
export function failureSourceOfException(category: ExceptionCategory): FailureSource {
  switch (category) {
    // The provider sent what the lifecycle forbids, an event about another payout, or words
    // that contradict an operator's checked correction.
    case 'forbidden_transition':
    case 'event_ownership_mismatch':
    case 'correction_contradicted':
    // The provider holds what we canceled: it is the provider's side that may move the money.
    case 'canceled_but_live_at_provider':
    // Submissions dead-letter after every retry of a provider outage or timeout (a refusal
    // fails the payout instead): the provider did not take it.
    case 'submission_dead_lettered':
    case 'long_pending':
    // The provider answered a state it never documented to us.
    case 'provider_state_unknown':
    // The provider's report disagrees with our books, or is unreadable.
    case 'missing_at_provider':
    case 'amount_mismatch':
    case 'currency_mismatch':
    case 'fee_mismatch':
    case 'status_mismatch':
    case 'duplicate_at_provider':
    case 'batch_item_status_mismatch':
    case 'report_malformed':
      return 'provider';
    // The bank sent it back after it was paid: the recipient's account could not keep it.
    case 'reversed_after_paid':
      return 'recipient';
    // A control held it: the tenant's own approvers did not decide in time.
    case 'approval_expired':
      return 'compliance';
    // A batch group names its source (domain/batches/batch-exceptions.ts).
    case 'batch_items_failed_provider':
      return 'provider';
    case 'batch_items_failed_recipient':
      return 'recipient';
    case 'batch_items_failed_compliance':
    // A sanctions screening hit: a control holds the recipient's payouts.
    case 'screening_potential_match':
    // A hold past its SLA: the control (compliance), the recipient's form (tenant), our corridor set-up (ops).
    case 'hold_past_sla_compliance':
      return 'compliance';
    case 'hold_past_sla_tenant':
      return 'recipient';
    case 'hold_past_sla_ops':
      return 'platform';
    case 'batch_items_failed_platform':
      return 'platform';
    // Ours: a message we could not process, a run that did not finish, records we lack.
    case 'webhook_dead_lettered':
    case 'reconciliation_dead_lettered':
    case 'batch_dead_lettered':
    case 'missing_provider_reference':
    case 'missing_internally':
      return 'platform';
    default:
      return assertNever(category, 'exception category');
  }
}
