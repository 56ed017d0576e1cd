// The audit entries of the tenant's actions (issue 10): who acted (with the access-matrix role),
// what they said, and the facts of the change, which what they said can never overwrite.
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../../../functions/domain/audit';
import { payoutReversalEntry, payoutTransitionEntry } from '../../../functions/domain/audit-entries';
import { PAYOUT_RECORDS, type Actor, type Payout, type TransitionCommand } from '../../../functions/domain/payout';
import type { PayoutReversal } from '../../../functions/domain/reversal';

const payout = {
  payoutId: 'po_01JAAAAAAAAAAAAAAAAAAAAAAA',
  tenantId: 'acme',
  idempotencyKey: 'k-1',
  status: 'requires_approval',
  version: 1,
  amountMinor: 1_000_000,
  currency: 'EUR',
  provider: 'sandbox',
  destination: { country: 'DE', method: 'sepa', fields: {} },
  recipient: { name: 'Ada' },
  createdAt: '2026-12-01T10:00:00.000Z',
  lastEventAt: '2026-12-01T10:00:00.000Z',
  requestIds: ['req-1'],
} as unknown as Payout;

const approver: Actor = { kind: 'client', id: 'client-acme-approver', role: 'approver' };
const sweep: Actor = { kind: 'system', id: 'sweep' };

const command = (over: Partial<TransitionCommand>): TransitionCommand => ({
  payoutId: payout.payoutId,
  event: 'approved',
  source: 'api',
  sourceRef: 'req-2',
  occurredAt: '2026-12-01T11:00:00.000Z',
  recordedAt: '2026-12-01T11:00:00.000Z',
  actor: approver,
  ...over,
});

describe('payoutTransitionEntry for an action', () => {
  const cases: Array<[string, TransitionCommand, 'applied' | 'stale', Record<string, unknown> | undefined, object]> = [
    [
      'an approval by a tenant principal, with its note',
      command({}),
      'applied',
      { note: 'invoice checked' },
      {
        action: 'payout.approved',
        actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
        request_id: 'req-2',
        details: { note: 'invoice checked', from: 'requires_approval', to: 'submitted', version: 2 },
      },
    ],
    [
      'the expiry by the sweeper: a job, no Request-Id',
      command({ event: 'approval_expired', source: 'sweeper', sourceRef: 'sweep:t', actor: sweep }),
      'applied',
      undefined,
      {
        action: 'payout.approval_expired',
        actor: { type: 'job', id: 'sweep', role: 'jobs', tenant: null },
        request_id: null,
        details: { source: 'sweeper', from: 'requires_approval' },
      },
    ],
    [
      'what the actor said never overwrites a fact of the change',
      command({ event: 'approval_rejected' }),
      'applied',
      { reason: 'no', from: 'paid', to: 'reversed', source: 'forged' },
      { details: { reason: 'no', from: 'requires_approval', to: 'submitted', source: 'api' } },
    ],
    [
      'a tenant’s own call that moved nothing is stale, with no status reached',
      command({ event: 'provider_canceled' }),
      'stale',
      undefined,
      { outcome: 'stale', details: { to: null, version: 1 } },
    ],
  ];
  it.each(cases)('%s', (_name, cmd, outcome, said, expected) => {
    const next = outcome === 'applied' ? { status: 'submitted' as const, version: 2 } : undefined;
    expect(payoutTransitionEntry(payout, cmd, outcome, next, said)).toMatchObject(expected);
  });

  it('stale is an outcome the trail, GET /audit and its schema know', () => {
    expect(AUDIT_OUTCOMES).toContain('stale');
  });
});

describe('payoutReversalEntry', () => {
  const requested: PayoutReversal = {
    reversalId: 'rev_01JAAAAAAAAAAAAAAAAAAAAAAA',
    status: 'requested',
    reason: 'wrong recipient',
    requestedBy: { clientId: 'client-acme-backend', subject: 'client-acme-backend' },
    requestedAt: '2026-12-01T12:00:00.000Z',
    updatedAt: '2026-12-01T12:00:00.000Z',
  };
  const paid = { ...payout, status: 'paid', version: 4 } as Payout;

  it.each(PAYOUT_RECORDS)('payout.%s is an audit action GET /audit accepts', (record) => {
    expect(AUDIT_ACTIONS).toContain(`payout.${record}`);
  });

  it('names the step, the actor with its role, the request before and after, and what was said', () => {
    const approved: PayoutReversal = { ...requested, status: 'approved', note: 'ok' };
    const entry = payoutReversalEntry({
      payout: paid,
      record: 'reversal_approved',
      before: requested,
      after: approved,
      source: 'api',
      sourceRef: 'req-9',
      actor: approver,
      at: '2026-12-01T12:05:00.000Z',
      said: { note: 'ok', reversal_to: 'forged' },
    });
    expect(entry).toEqual({
      at: '2026-12-01T12:05:00.000Z',
      actor: { type: 'tenant', id: 'client-acme-approver', role: 'approver', tenant: 'acme' },
      action: 'payout.reversal_approved',
      subject: { type: 'payout', id: paid.payoutId },
      tenant_id: 'acme',
      request_id: 'req-9',
      outcome: 'applied',
      details: {
        note: 'ok',
        source: 'api',
        source_ref: 'req-9',
        status: 'paid',
        version: 4,
        reversal_id: requested.reversalId,
        reversal_from: 'requested',
        reversal_to: 'approved',
        amount_minor: 1_000_000,
        currency: 'EUR',
      },
    });
  });

  it('a new request has no status before it', () => {
    const entry = payoutReversalEntry({
      payout: paid,
      record: 'reversal_requested',
      before: undefined,
      after: requested,
      source: 'api',
      sourceRef: 'req-8',
      actor: { kind: 'client', id: 'client-acme-backend', role: 'backend' },
      at: requested.requestedAt,
    });
    expect(entry.details).toMatchObject({ reversal_from: null, reversal_to: 'requested' });
    expect(entry.actor.role).toBe('backend');
  });
});
