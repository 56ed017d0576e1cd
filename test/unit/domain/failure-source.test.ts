import { describe, expect, it } from 'vitest';
import { EXCEPTION_CATEGORIES, type ExceptionCategory } from '../../../functions/domain/exceptions';
import {
  FAILURE_SOURCES,
  failureCodeOf,
  failureSourceOfCode,
  failureSourceOfException,
  failureSourceOfPayout,
  type FailureSource,
} from '../../../functions/domain/failure-source';
import { PAYOUT_STATUSES } from '../../../functions/domain/lifecycle';

const BY_CATEGORY: Readonly<Record<ExceptionCategory, FailureSource>> = {
  forbidden_transition: 'provider',
  event_ownership_mismatch: 'provider',
  correction_contradicted: 'provider',
  canceled_but_live_at_provider: 'provider',
  webhook_dead_lettered: 'platform',
  submission_dead_lettered: 'provider',
  long_pending: 'provider',
  provider_state_unknown: 'provider',
  reconciliation_dead_lettered: 'platform',
  batch_dead_lettered: 'platform',
  missing_provider_reference: 'platform',
  missing_at_provider: 'provider',
  missing_internally: 'platform',
  amount_mismatch: 'provider',
  currency_mismatch: 'provider',
  fee_mismatch: 'provider',
  status_mismatch: 'provider',
  duplicate_at_provider: 'provider',
  reversed_after_paid: 'recipient',
  batch_item_status_mismatch: 'provider',
  report_malformed: 'provider',
  approval_expired: 'compliance',
  batch_items_failed_provider: 'provider',
  batch_items_failed_recipient: 'recipient',
  batch_items_failed_compliance: 'compliance',
  screening_potential_match: 'compliance',
  hold_past_sla_compliance: 'compliance',
  hold_past_sla_ops: 'platform',
  hold_past_sla_tenant: 'recipient',
  batch_items_failed_platform: 'platform',
};

describe('failure source', () => {
  it.each(EXCEPTION_CATEGORIES)('exception %s', (category) => {
    expect(failureSourceOfException(category)).toBe(BY_CATEGORY[category]);
  });

  it.each([
    ['account_closed', 'account_closed', 'recipient'],
    ['invalid_account_number: The account number is not valid.', 'invalid_account_number', 'recipient'],
    ['insufficient_funds', 'insufficient_funds', 'platform'],
    ['could_not_process', 'could_not_process', 'provider'],
    ['sanctions_screening_match: held', 'sanctions_screening_match', 'compliance'],
    // Unknown codes: the provider refused for its own reason.
    ['brand_new_code', 'brand_new_code', 'provider'],
    // Not a key of the table, even though every object has it.
    ['constructor', 'constructor', 'provider'],
  ] as const)('status reason %j → code %s → %s', (reason, code, source) => {
    expect(failureCodeOf(reason)).toBe(code);
    expect(failureSourceOfCode(failureCodeOf(reason))).toBe(source);
  });

  /** Every status × (with/without a failure code) × (with/without an open exception). */
  const PAYOUT_CASES: ReadonlyArray<
    readonly [(typeof PAYOUT_STATUSES)[number], string | undefined, string | undefined, FailureSource | null]
  > = PAYOUT_STATUSES.flatMap((status) =>
    [undefined, 'account_closed'].flatMap((reason) =>
      [undefined, 'ops'].map((owner) => [status, reason, owner, expectedFor(status, reason, owner)] as const),
    ),
  );

  function expectedFor(status: string, reason: string | undefined, owner: string | undefined): FailureSource | null {
    if (status === 'failed' || status === 'reversed') return reason === undefined ? 'provider' : 'recipient';
    if (['submitted', 'accepted', 'pending'].includes(status)) return owner === undefined ? null : 'provider';
    return null;
  }

  it.each(PAYOUT_CASES)('payout %s, reason %s, exception owner %s → %s', (status, reason, owner, source) => {
    expect(failureSourceOfPayout({ status, statusReason: reason, exceptionOwner: owner })).toBe(source);
  });

  it('uses every source', () => {
    const used = new Set(Object.values(BY_CATEGORY));
    for (const code of ['insufficient_funds', 'corridor_policy_gated']) used.add(failureSourceOfCode(code));
    expect([...used].sort()).toEqual([...FAILURE_SOURCES].sort());
  });
});
