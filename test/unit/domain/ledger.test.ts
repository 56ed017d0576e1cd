import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEDGER_ACCOUNTS, balanceDeltas, postingsFor, summarizeBalances } from '../../../functions/domain/ledger';
import {
  PAYOUT_EVENTS,
  PAYOUT_STATUSES,
  decide,
  isAwaitingProvider,
  type PayoutStatus,
} from '../../../functions/domain/lifecycle';

describe('ledger postings', () => {
  it.each([
    ['new', 'submitted', [['available', 'in_transit']]],
    ['requires_approval', 'submitted', [['available', 'in_transit']]],
    ['submitted', 'accepted', []],
    ['accepted', 'pending', []],
    ['pending', 'paid', [['in_transit', 'settled']]],
    ['submitted', 'failed', [['in_transit', 'available']]],
    ['accepted', 'canceled', [['in_transit', 'available']]],
    ['requires_approval', 'canceled', []],
    ['paid', 'reversed', [['settled', 'available']]],
  ] as const)('%s → %s books %j', (from, to, expected) => {
    expect(postingsFor({ from, to, amountMinor: 100 }).map((p) => [p.from, p.to])).toEqual(expected);
  });

  it('books a known fee on paid from available to fees', () => {
    expect(postingsFor({ from: 'accepted', to: 'paid', amountMinor: 100, feeMinor: 3 })).toEqual([
      { from: 'in_transit', to: 'settled', amountMinor: 100 },
      { from: 'available', to: 'fees', amountMinor: 3 },
    ]);
  });

  it('refuses unbalanced or non-positive postings as programmer errors', () => {
    expect(() => balanceDeltas([{ from: 'available', to: 'available', amountMinor: 1 }])).toThrow();
    expect(() => balanceDeltas([{ from: 'available', to: 'fees', amountMinor: 0 }])).toThrow();
    expect(() => balanceDeltas([{ from: 'available', to: 'fees', amountMinor: 1.5 }])).toThrow();
  });

  it('property: any walk of events through the lifecycle keeps every balance summing to zero and in_transit empty at rest', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            amount: fc.integer({ min: 1, max: 1e12 }),
            fee: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }),
            events: fc.array(fc.constantFrom(...PAYOUT_EVENTS), { maxLength: 12 }),
          }),
          { maxLength: 20 },
        ),
        (payouts) => {
          const balances = Object.fromEntries(LEDGER_ACCOUNTS.map((a) => [a, 0])) as Record<
            (typeof LEDGER_ACCOUNTS)[number],
            number
          >;
          let inFlightAmount = 0;
          for (const payout of payouts) {
            let status: PayoutStatus | 'new' = 'new';
            const apply = (to: PayoutStatus) => {
              for (const [account, delta] of balanceDeltas(
                postingsFor({
                  from: status,
                  to,
                  amountMinor: payout.amount,
                  ...(payout.fee === undefined ? {} : { feeMinor: payout.fee }),
                }),
              ))
                balances[account] += delta;
              status = to;
            };
            apply('submitted');
            for (const event of payout.events) {
              const decision = decide(status as PayoutStatus, event);
              if (decision.kind === 'transition') apply(decision.to);
            }
            if (isAwaitingProvider(status as PayoutStatus)) inFlightAmount += payout.amount;
          }
          const { sumMinor } = summarizeBalances(
            LEDGER_ACCOUNTS.map((account) => ({
              tenantId: 't',
              account,
              currency: 'USD',
              balanceMinor: balances[account],
            })),
          );
          expect(sumMinor).toBe(0);
          expect(balances.in_transit).toBe(inFlightAmount);
          expect(balances.settled).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every status has a defined posting rule for every reachable transition', () => {
    for (const from of PAYOUT_STATUSES)
      for (const event of PAYOUT_EVENTS) {
        const decision = decide(from, event);
        if (decision.kind === 'transition')
          expect(() => postingsFor({ from, to: decision.to, amountMinor: 1 })).not.toThrow();
      }
  });
});
