import { describe, expect, it } from 'vitest';
import { cancelPathOf } from '../../../functions/domain/cancellation';
import { PAYOUT_STATUSES, decide } from '../../../functions/domain/lifecycle';
import {
  REVERSAL_EVENTS,
  REVERSAL_STATUSES,
  REVERSAL_TABLE,
  decideReversal,
  isReversalInFlight,
  isReversalOpen,
  reversalDecisionRefusal,
  reversalRequestRefusal,
  reversalViewStatus,
  type PayoutReversal,
} from '../../../functions/domain/reversal';

// Every reversal status × event, written out independently of the table. `>x` to x, `s` stale, `-` refused.
const EXPECTED: Record<string, string> = {
  //          approve      reject       provider_accepted provider_refused
  requested: '>approved >rejected - -',
  approved: '- - >sent >refused',
  sent: '- - s -',
  rejected: '- - - -',
  refused: '- - - -',
};
const render = (status: (typeof REVERSAL_STATUSES)[number], event: (typeof REVERSAL_EVENTS)[number]) => {
  const d = decideReversal(status, event);
  return d.kind === 'transition' ? `>${d.to}` : d.kind === 'stale' ? 's' : '-';
};

const requester = { clientId: 'backend', subject: 'backend' };
const approver = { clientId: 'approver', subject: 'approver' };
const reversal = (status: PayoutReversal['status']): PayoutReversal => ({
  reversalId: 'rev_1',
  status,
  reason: 'duplicate',
  requestedBy: requester,
  requestedAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
});

describe('reversal table', () => {
  const cases = REVERSAL_STATUSES.flatMap((status) =>
    REVERSAL_EVENTS.map((event, i) => ({ status, event, expected: EXPECTED[status]!.split(' ')[i]! })),
  );
  it.each(cases)('$status × $event → $expected', ({ status, event, expected }) =>
    expect(render(status, event)).toBe(expected),
  );

  it('covers every status and event, and only open requests block a new one', () => {
    expect(Object.keys(REVERSAL_TABLE).sort()).toEqual([...REVERSAL_STATUSES].sort());
    expect(REVERSAL_STATUSES.filter(isReversalOpen)).toEqual(['requested', 'approved', 'sent']);
  });
});

describe('reversal refusals, in order of precedence', () => {
  it.each([
    ['pending', undefined, 'payout_not_paid'],
    ['paid', reversal('requested'), 'reversal_already_open'],
    ['paid', reversal('sent'), 'reversal_already_open'],
    ['paid', reversal('rejected'), undefined],
    ['paid', undefined, undefined],
  ] as const)('request on %s with %j → %s', (status, current, expected) => {
    expect(reversalRequestRefusal({ status, ...(current === undefined ? {} : { reversal: current }) })).toBe(expected);
  });

  it.each([
    ['no reversal', { status: 'paid' }, 'rev_1', approver, 'reversal_not_found'],
    [
      'another reversal id',
      { status: 'paid', reversal: reversal('requested') },
      'rev_2',
      approver,
      'reversal_not_found',
    ],
    ['already approved', { status: 'paid', reversal: reversal('approved') }, 'rev_1', approver, 'invalid_transition'],
    [
      'already decided beats self',
      { status: 'paid', reversal: reversal('rejected') },
      'rev_1',
      requester,
      'invalid_transition',
    ],
    [
      'by its requester',
      { status: 'paid', reversal: reversal('requested') },
      'rev_1',
      requester,
      'self_approval_forbidden',
    ],
    [
      'payout no longer paid',
      { status: 'reversed', reversal: reversal('requested') },
      'rev_1',
      approver,
      'payout_not_paid',
    ],
    ['a second principal', { status: 'paid', reversal: reversal('requested') }, 'rev_1', approver, undefined],
  ] as const)('%s → %s', (_name, payout, id, decider, expected) => {
    expect(reversalDecisionRefusal(payout as never, id, 'approve', decider)).toBe(expected);
  });

  it('completed is derived from the payout, and only approved or sent reversals of a paid payout are in flight', () => {
    expect(reversalViewStatus('reversed', reversal('sent'))).toBe('completed');
    expect(reversalViewStatus('paid', reversal('sent'))).toBe('sent');
    expect(isReversalInFlight('paid', reversal('approved'))).toBe(true);
    expect(isReversalInFlight('paid', reversal('requested'))).toBe(false);
    expect(isReversalInFlight('reversed', reversal('sent'))).toBe(false);
  });
});

describe('cancel path agrees with the lifecycle table', () => {
  it.each(PAYOUT_STATUSES)('%s', (status) => {
    const decision = decide(status, 'cancel_requested');
    const local = decision.kind === 'transition' && decision.to === 'canceled';
    expect(cancelPathOf(status) === 'local').toBe(local);
    if (cancelPathOf(status) === 'final') expect(decision.kind).not.toBe('transition');
  });
});
