import { describe, expect, it } from 'vitest';
import {
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  TRANSITION_TABLE,
  allowedTransitions,
  channelsOf,
  decide,
  isAwaitingProvider,
  isTerminal,
  isTransitionAllowed,
} from '../../../functions/domain/lifecycle';

// The expected outcome of every status × event pair, written out independently of the table so a
// change to the table must be made twice, on purpose. `>x` = transition to x, `s` stale, `F` forbidden.
const EXPECTED: Record<string, string> = {
  //                     approved        cancel_op      rejected     accepted      pending      paid        failed        canceled      reversed     appr_rejected appr_expired cancel_req
  requires_approval: [
    '>submitted',
    '>canceled',
    'F',
    'F',
    'F',
    'F',
    'F',
    'F',
    'F',
    '>canceled',
    '>canceled',
    '>canceled',
  ].join(' '),
  submitted: [
    's',
    '>canceled',
    '>failed',
    '>accepted',
    '>pending',
    '>paid',
    '>failed',
    '>canceled',
    'F',
    's',
    's',
    '>canceled',
  ].join(' '),
  accepted: ['s', 'F', 'F', 's', '>pending', '>paid', '>failed', '>canceled', 'F', 's', 's', 'F'].join(' '),
  pending: ['s', 'F', 'F', 's', 's', '>paid', '>failed', '>canceled', 'F', 's', 's', 'F'].join(' '),
  paid: ['s', 'F', 'F', 's', 's', 's', '>reversed', 'F', '>reversed', 's', 's', 'F'].join(' '),
  reversed: ['s', 'F', 'F', 's', 's', 's', 's', 'F', 's', 's', 's', 'F'].join(' '),
  failed: ['s', 'F', 's', 's', 's', 'F', 's', 'F', 'F', 's', 's', 'F'].join(' '),
  canceled: ['s', 's', 's', 's', 's', 'F', 'F', 's', 'F', 's', 's', 's'].join(' '),
};

function render(status: (typeof PAYOUT_STATUSES)[number], event: (typeof PAYOUT_EVENTS)[number]): string {
  const d = decide(status, event);
  return d.kind === 'transition' ? `>${d.to}` : d.kind === 'stale' ? 's' : 'F';
}

describe('lifecycle transition table', () => {
  const cases = PAYOUT_STATUSES.flatMap((status) =>
    PAYOUT_EVENTS.map((event, i) => ({ status, event, expected: EXPECTED[status]!.split(' ')[i]! })),
  );

  it.each(cases)('$status × $event → $expected', ({ status, event, expected }) => {
    expect(render(status, event)).toBe(expected);
  });

  it('covers every status and every event', () => {
    expect(Object.keys(TRANSITION_TABLE).sort()).toEqual([...PAYOUT_STATUSES].sort());
    for (const status of PAYOUT_STATUSES)
      expect(Object.keys(TRANSITION_TABLE[status]).sort()).toEqual([...PAYOUT_EVENTS].sort());
  });

  it('never moves a terminal payout', () => {
    for (const status of PAYOUT_STATUSES.filter(isTerminal)) {
      for (const event of PAYOUT_EVENTS) expect(decide(status, event).kind).not.toBe('transition');
    }
  });

  it('never moves a payout backwards along the happy path', () => {
    const order = ['submitted', 'accepted', 'pending', 'paid', 'reversed'];
    for (const { from, to } of allowedTransitions()) {
      if (order.includes(from) && order.includes(to)) expect(order.indexOf(to)).toBeGreaterThan(order.indexOf(from));
    }
  });

  it('derives allowed pairs from the table', () => {
    expect(isTransitionAllowed('paid', 'reversed')).toBe(true);
    expect(isTransitionAllowed('failed', 'paid')).toBe(false);
    expect(isTransitionAllowed('pending', 'accepted')).toBe(false);
  });

  it('names a channel for every event and awaits the provider only before a final answer', () => {
    for (const event of PAYOUT_EVENTS) expect(channelsOf(event).length).toBeGreaterThan(0);
    expect(PAYOUT_STATUSES.filter(isAwaitingProvider)).toEqual(['submitted', 'accepted', 'pending']);
  });
});
