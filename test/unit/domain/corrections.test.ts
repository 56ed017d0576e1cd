import { describe, expect, it } from 'vitest';
import { planApplication } from '../../../functions/domain/correction-application';
import {
  adjustmentMoves,
  adjustmentRefusal,
  approvalRefusal,
  checkAdjustment,
  contradictsCorrection,
  CORRECTION_STATES,
  CORRECTION_TARGETS,
  CORRECTION_VERDICTS,
  CorrectionError,
  decideCorrection,
  statusCorrectionRule,
  type AdjustmentPosting,
  type CorrectionRecord,
  type CorrectionTarget,
} from '../../../functions/domain/corrections';
import {
  balanceDeltas,
  LEDGER_ACCOUNTS,
  postingsFor,
  type LedgerAccount,
  type Posting,
} from '../../../functions/domain/ledger';
import {
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  type PayoutEvent,
  type PayoutStatus,
} from '../../../functions/domain/lifecycle';
import type { Payout } from '../../../functions/domain/payout';

const AMOUNT = 10_000;

/** Every allowed status correction and the one move it books; every other cell is refused. */
const ALLOWED: ReadonlyArray<[from: PayoutStatus, to: CorrectionTarget, move: [LedgerAccount, LedgerAccount]]> = [
  ['submitted', 'paid', ['in_transit', 'settled']],
  ['submitted', 'failed', ['in_transit', 'available']],
  ['submitted', 'canceled', ['in_transit', 'available']],
  ['accepted', 'paid', ['in_transit', 'settled']],
  ['accepted', 'failed', ['in_transit', 'available']],
  ['accepted', 'canceled', ['in_transit', 'available']],
  ['pending', 'paid', ['in_transit', 'settled']],
  ['pending', 'failed', ['in_transit', 'available']],
  ['pending', 'canceled', ['in_transit', 'available']],
  ['paid', 'reversed', ['settled', 'available']],
  ['paid', 'failed', ['settled', 'available']],
  ['paid', 'canceled', ['settled', 'available']],
  ['failed', 'paid', ['available', 'settled']],
  ['canceled', 'paid', ['available', 'settled']],
  ['reversed', 'paid', ['available', 'settled']],
];

function expectedRule(from: PayoutStatus, to: PayoutStatus) {
  const allowed = ALLOWED.find(([f, t]) => f === from && t === to);
  if (allowed !== undefined) return { kind: 'allowed', move: { from: allowed[2][0], to: allowed[2][1] } };
  if (from === to) return { kind: 'refused', code: 'correction_no_change' };
  if (from === 'requires_approval') return { kind: 'refused', code: 'correction_awaiting_approval' };
  return { kind: 'refused', code: 'correction_target_not_allowed' };
}

describe('status corrections: every status × target', () => {
  for (const from of PAYOUT_STATUSES) {
    for (const to of PAYOUT_STATUSES) {
      it(`${from} → ${to}`, () => expect(statusCorrectionRule(from, to)).toEqual(expectedRule(from, to)));
    }
  }

  it('only ever targets an outcome (CORRECTION_TARGETS)', () => {
    for (const from of PAYOUT_STATUSES)
      for (const to of PAYOUT_STATUSES)
        if (statusCorrectionRule(from, to).kind === 'allowed') expect(CORRECTION_TARGETS).toContain(to);
  });

  /** The lifecycle's own bookings from creation to `status` (ledger.ts), as balances. */
  const NATURAL_PATH: Record<PayoutStatus, PayoutStatus[]> = {
    requires_approval: ['requires_approval'],
    submitted: ['submitted'],
    accepted: ['submitted', 'accepted'],
    pending: ['submitted', 'accepted', 'pending'],
    paid: ['submitted', 'paid'],
    reversed: ['submitted', 'paid', 'reversed'],
    failed: ['submitted', 'failed'],
    canceled: ['submitted', 'canceled'],
  };
  const balancesAfter = (path: PayoutStatus[], extra: Posting[] = []) => {
    const postings: Posting[] = [];
    let from: PayoutStatus | 'new' = 'new';
    for (const to of path) {
      postings.push(...postingsFor({ from, to, amountMinor: AMOUNT }));
      from = to;
    }
    const deltas = balanceDeltas([...postings, ...extra]);
    return Object.fromEntries(LEDGER_ACCOUNTS.map((account) => [account, deltas.get(account) ?? 0]));
  };

  it.each(ALLOWED)('%s → %s leaves the books where the provider reporting it would have', (from, to) => {
    const rule = statusCorrectionRule(from, to);
    if (rule.kind !== 'allowed') throw new Error('expected allowed');
    expect(balancesAfter(NATURAL_PATH[from], [{ ...rule.move, amountMinor: AMOUNT }])).toEqual(
      balancesAfter(NATURAL_PATH[to]),
    );
  });

  it.each(PAYOUT_STATUSES.map((s) => [s]))('ledger adjustments on %s', (status) => {
    expect(adjustmentRefusal(status)).toBe(status === 'requires_approval' ? 'correction_awaiting_approval' : undefined);
  });
});

const leg = (account: LedgerAccount, amountMinor: number, currency: 'EUR' | 'USD' = 'EUR'): AdjustmentPosting => ({
  account,
  currency,
  amountMinor,
});

describe('ledger adjustments balance per currency', () => {
  const cases: Array<[string, AdjustmentPosting[], ReturnType<typeof checkAdjustment>]> = [
    ['two legs summing to zero', [leg('fees', -25), leg('available', 25)], { ok: true }],
    ['three legs summing to zero', [leg('in_transit', -100), leg('available', 60), leg('fees', 40)], { ok: true }],
    [
      'two currencies, each balanced',
      [leg('fees', -5), leg('available', 5), leg('fees', -7, 'USD'), leg('available', 7, 'USD')],
      { ok: true },
    ],
    [
      'unbalanced',
      [leg('fees', -25), leg('available', 20)],
      { ok: false, code: 'unbalanced_adjustment', currency: 'EUR', sumMinor: -5 },
    ],
    [
      'balanced in total, not per currency',
      [leg('fees', -25), leg('available', 25, 'USD')],
      { ok: false, code: 'unbalanced_adjustment', currency: 'EUR', sumMinor: -25 },
    ],
    [
      'an account twice in a currency (before the balance)',
      [leg('fees', -5), leg('fees', 5)],
      { ok: false, code: 'posting_account_repeated', index: 1 },
    ],
    [
      'the same account in two currencies is two accounts',
      [leg('fees', -5), leg('available', 5), leg('fees', 3, 'USD'), leg('available', -3, 'USD')],
      { ok: true },
    ],
  ];
  it.each(cases)('%s', (_name, postings, expected) => expect(checkAdjustment(postings)).toEqual(expected));

  it('turns balanced legs into moves with the same deltas, deterministically', () => {
    const legs = [leg('available', 60), leg('in_transit', -100), leg('fees', 40)];
    const moves = adjustmentMoves(legs);
    expect(moves).toEqual([
      { from: 'in_transit', to: 'available', amountMinor: 60 },
      { from: 'in_transit', to: 'fees', amountMinor: 40 },
    ]);
    expect(Object.fromEntries(balanceDeltas(moves))).toEqual({ in_transit: -100, available: 60, fees: 40 });
    expect(adjustmentMoves([...legs].reverse())).toEqual(moves);
  });

  it('refuses to turn unbalanced legs into moves (a programmer error)', () => {
    expect(() => adjustmentMoves([leg('fees', -5), leg('available', 4)])).toThrow(/balance/);
  });
});

describe("a provider's later word on a status correction", () => {
  /** Contradictions: another outcome than the one the operator recorded. */
  const CONTRADICTS: Record<CorrectionTarget, PayoutEvent[]> = {
    paid: ['canceled_by_operator', 'submission_rejected', 'provider_failed', 'provider_canceled'],
    failed: ['canceled_by_operator', 'provider_paid', 'provider_canceled', 'provider_reversed'],
    canceled: ['submission_rejected', 'provider_paid', 'provider_failed', 'provider_reversed'],
    reversed: ['canceled_by_operator', 'submission_rejected', 'provider_canceled'],
  };
  for (const target of CORRECTION_TARGETS) {
    for (const event of PAYOUT_EVENTS) {
      const expected = CONTRADICTS[target].includes(event) ? 'contradicts' : 'consistent';
      it(`${target} + ${event} → ${expected}`, () => expect(CORRECTION_VERDICTS[target][event]).toBe(expected));
    }
  }

  const cases: Array<
    [string, { status: PayoutStatus; correctedStatus?: CorrectionTarget }, PayoutEvent, boolean, boolean]
  > = [
    [
      'corrected paid, provider says failed',
      { status: 'paid', correctedStatus: 'paid' },
      'provider_failed',
      true,
      true,
    ],
    [
      'corrected paid, provider says paid (stale, not a contradiction)',
      { status: 'paid', correctedStatus: 'paid' },
      'provider_paid',
      true,
      false,
    ],
    [
      'corrected paid, provider reverses it later (follows)',
      { status: 'paid', correctedStatus: 'paid' },
      'provider_reversed',
      true,
      false,
    ],
    [
      'not the provider’s word (the submitter)',
      { status: 'paid', correctedStatus: 'paid' },
      'provider_failed',
      false,
      false,
    ],
    ['never corrected', { status: 'paid' }, 'provider_failed', true, false],
    [
      'moved on since (returned after the corrected paid)',
      { status: 'reversed', correctedStatus: 'paid' },
      'provider_failed',
      true,
      false,
    ],
    [
      'corrected failed, provider says paid',
      { status: 'failed', correctedStatus: 'failed' },
      'provider_paid',
      true,
      true,
    ],
  ];
  it.each(cases)('%s', (_name, payout, event, providerWord, expected) => {
    expect(contradictsCorrection(payout, event, providerWord)).toBe(expected);
  });
});

describe('correction state machine and four eyes', () => {
  for (const state of CORRECTION_STATES) {
    for (const action of ['approve', 'reject'] as const) {
      const expected =
        state !== 'proposed'
          ? { kind: 'refused', code: 'correction_not_proposed' }
          : { kind: 'transition', to: action === 'approve' ? 'applied' : 'rejected' };
      it(`${state} + ${action}`, () => expect(decideCorrection(state, action)).toEqual(expected));
    }
  }

  const proposed = { proposedBy: 'alice', state: 'proposed' as const, payoutVersion: 3 };
  const cases: Array<[string, Parameters<typeof approvalRefusal>[0], number, string, string | undefined]> = [
    ['a second operator on the version proposed', proposed, 3, 'carol', undefined],
    ['the proposer', proposed, 3, 'alice', 'self_approval_forbidden'],
    [
      'the proposer, even when decided and moved (four eyes first)',
      { ...proposed, state: 'applied' },
      4,
      'alice',
      'self_approval_forbidden',
    ],
    ['already applied', { ...proposed, state: 'applied' }, 4, 'carol', 'correction_not_proposed'],
    [
      'already rejected, payout moved (state before version)',
      { ...proposed, state: 'rejected' },
      9,
      'carol',
      'correction_not_proposed',
    ],
    ['the payout moved since the proposal', proposed, 4, 'carol', 'payout_changed'],
  ];
  it.each(cases)('%s', (_name, correction, version, approver, expected) => {
    expect(approvalRefusal(correction, { version }, approver)).toBe(expected);
  });
});

describe('planning an application', () => {
  const payout: Payout = {
    payoutId: 'po_1',
    tenantId: 'acme',
    idempotencyKey: 'k',
    status: 'pending',
    version: 3,
    amountMinor: AMOUNT,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'A' },
    createdAt: '2026-11-20T10:00:00.000Z',
    lastEventAt: '2026-11-20T10:00:10.000Z',
    requestIds: ['req-1'],
    exceptionOwner: 'ops',
  };
  const correction = (overrides: Partial<CorrectionRecord>): CorrectionRecord => ({
    correctionId: 'cor_1',
    payoutId: 'po_1',
    tenantId: 'acme',
    kind: 'status',
    state: 'proposed',
    targetStatus: 'paid',
    reason: 'statement',
    evidence: { type: 'provider_statement', reference: 'stmt_1' },
    fromStatus: 'pending',
    payoutVersion: 3,
    proposedBy: 'alice',
    proposedAt: '2026-11-20T11:00:00.000Z',
    proposedRequestId: 'req-p',
    version: 1,
    ...overrides,
  });
  const context = { at: '2026-11-20T12:00:00.000Z', requestId: 'req-a', requestIds: ['req-1', 'req-a'] };

  it('a status correction moves the status, marks the payout and books the table’s move', () => {
    const plan = planApplication(correction({}), payout, context);
    expect(plan.timelineEvent).toBe('status_corrected');
    expect(plan.postings).toEqual([{ from: 'in_transit', to: 'settled', amountMinor: AMOUNT }]);
    expect(plan.next).toMatchObject({
      status: 'paid',
      version: 4,
      lastEventAt: context.at,
      correctionId: 'cor_1',
      correctedAt: context.at,
      correctedStatus: 'paid',
      statusCorrectionId: 'cor_1',
      requestIds: ['req-1', 'req-a'],
      exceptionOwner: 'ops',
    });
  });

  it('an adjustment keeps the status, bumps the version and books the legs as moves', () => {
    const plan = planApplication(
      correction({
        kind: 'ledger_adjustment',
        targetStatus: undefined,
        postings: [leg('fees', 25), leg('available', -25)],
      }),
      payout,
      context,
    );
    expect(plan.timelineEvent).toBe('ledger_adjusted');
    expect(plan.postings).toEqual([{ from: 'available', to: 'fees', amountMinor: 25 }]);
    expect(plan.next).toMatchObject({
      status: 'pending',
      version: 4,
      lastEventAt: payout.lastEventAt,
      correctionId: 'cor_1',
    });
    expect(plan.next.correctedStatus).toBeUndefined();
  });

  it('is refused when the rule no longer holds for the payout as it is', () => {
    expect(() => planApplication(correction({}), { ...payout, status: 'paid' }, context)).toThrow(CorrectionError);
  });
});
