import { describe, expect, it } from 'vitest';
import raw from '../../../config/approval-policy.json';
import corridors from '../../../config/corridors.json';
import {
  APPROVAL_EXPIRES_AFTER_SECONDS,
  approvalExpiresAt,
  approvalRefusal,
  approvalRequirement,
  parseApprovalPolicies,
  policyFor,
  samePrincipal,
} from '../../../functions/domain/approval';

const policies = parseApprovalPolicies({ ...raw, tenants: { globex: { thresholds_minor: { EUR: 500 } } } });
const creator = { clientId: 'client-backend', subject: 'client-backend' };
const approver = { clientId: 'client-approver', subject: 'client-approver' };
const NOW = '2026-11-20T10:00:00.000Z';
const pending = {
  status: 'requires_approval',
  createdBy: creator,
  approval: { thresholdMinor: 1_000_000, expiresAt: approvalExpiresAt(NOW) },
};

describe('approval policy', () => {
  it('defaults to 1,000,000 minor units for EUR, USD and GBP', () => {
    expect(policies.default.thresholdsMinor).toEqual({ EUR: 1_000_000, USD: 1_000_000, GBP: 1_000_000 });
  });

  it.each([
    ['acme', 'EUR', 999_999, { required: false }],
    ['acme', 'EUR', 1_000_000, { required: true, thresholdMinor: 1_000_000 }],
    ['acme', 'USD', 5_000_000, { required: true, thresholdMinor: 1_000_000 }],
    ['globex', 'EUR', 500, { required: true, thresholdMinor: 500 }],
    ['globex', 'GBP', 999_999, { required: false }],
    // No threshold for the currency: fail closed.
    ['acme', 'JPY', 1, { required: true, thresholdMinor: null }],
  ] as const)('%s %s %i → %j', (tenant, currency, amount, expected) => {
    expect(approvalRequirement(policyFor(policies, tenant), currency, amount)).toEqual(expected);
  });

  it('names a threshold for every currency of an enabled corridor (the rest fail closed)', () => {
    const live = new Set(corridors.corridors.filter((c) => c.state === 'enabled').map((c) => c.currency));
    for (const currency of live) expect(policies.default.thresholdsMinor, currency).toHaveProperty(currency);
  });

  it('refuses a malformed file', () => {
    expect(() => parseApprovalPolicies({ ...raw, default: { thresholds_minor: { EUR: 0 } } })).toThrow();
    expect(() => parseApprovalPolicies({ ...raw, default: { thresholds_minor: { XXX: 1 } } })).toThrow();
    expect(() => parseApprovalPolicies({ ...raw, extra: true })).toThrow();
  });

  it('expires after 72 hours', () => {
    expect(APPROVAL_EXPIRES_AFTER_SECONDS).toBe(259_200);
    expect(approvalExpiresAt(NOW)).toBe('2026-11-23T10:00:00.000Z');
  });
});

describe('approval refusals, in order of precedence', () => {
  it.each([
    ['not awaiting approval', { ...pending, status: 'submitted' }, approver, NOW, 'invalid_transition'],
    [
      'not awaiting approval beats self-approval',
      { ...pending, status: 'submitted' },
      creator,
      NOW,
      'invalid_transition',
    ],
    ['the creator itself', pending, creator, NOW, 'self_approval_forbidden'],
    [
      'the same client under another subject',
      pending,
      { clientId: creator.clientId, subject: 'other' },
      NOW,
      'self_approval_forbidden',
    ],
    ['an unrecorded creator', { ...pending, createdBy: undefined }, approver, NOW, 'self_approval_forbidden'],
    ['self-approval beats expiry', pending, creator, '2026-12-01T00:00:00.000Z', 'self_approval_forbidden'],
    ['at the expiry instant', pending, approver, '2026-11-23T10:00:00.000Z', 'approval_expired'],
    ['a second principal in time', pending, approver, '2026-11-23T09:59:59.999Z', undefined],
  ] as const)('%s → %s', (_name, payout, decider, now, expected) => {
    expect(approvalRefusal(payout as never, decider, now)).toBe(expected);
  });

  it('same principal: same client or same subject', () => {
    expect(samePrincipal(creator, approver)).toBe(false);
    expect(samePrincipal(creator, { clientId: 'x', subject: creator.subject })).toBe(true);
  });
});
