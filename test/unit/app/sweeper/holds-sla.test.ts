// The sweeper's holds SLA job (app/sweeper/holds-sla.ts) in memory: one exception per hold past
// its owner's SLA, category per owner, dedup key per hold; a hold within its SLA, released, or on
// a payout that moved on opens nothing.
import { describe, expect, it } from 'vitest';
import type { ExceptionOpening } from '../../../../functions/domain/exceptions';
import {
  openHoldSlaExceptions,
  resolveSettledHoldSlaExceptions,
  type HoldSlaSweepDeps,
} from '../../../../functions/app/sweeper/holds-sla';
import { exceptionIdFor } from '../../../../functions/domain/exceptions';
import type { Hold } from '../../../../functions/domain/compliance/contract';
import type { Payout } from '../../../../functions/domain/payout';

const NOW_MS = Date.parse('2026-12-10T00:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW_MS - days * 86_400_000).toISOString();

const hold = (holdId: string, owner: Hold['owner'], openedAt: string, extra: Partial<Hold> = {}): Hold => ({
  holdId,
  kind: owner === 'tenant' ? 'tax_form' : owner === 'ops' ? 'corridor_enablement' : 'screening',
  owner,
  openedAt,
  requirement: `${holdId}:req`,
  evidence: {},
  ...extra,
});

function payout(payoutId: string, holds: Hold[], overrides: Partial<Payout> = {}): Payout {
  return {
    payoutId,
    tenantId: 'acme',
    idempotencyKey: payoutId,
    status: 'submitted',
    version: 1,
    amountMinor: 100,
    currency: 'EUR',
    provider: 'sandbox',
    destination: { country: 'DE', method: 'sepa', fields: {} },
    recipient: { name: 'A' },
    createdAt: daysAgo(30),
    lastEventAt: daysAgo(30),
    requestIds: [],
    holds: Object.fromEntries(holds.map((h) => [h.holdId, h])),
    openHoldCount: holds.filter((h) => h.releasedAt === undefined).length,
    ...overrides,
  };
}

function deps(payouts: Payout[], active: Array<{ payoutId: string; holdId: string; owner: Hold['owner'] }> = []) {
  const opened: ExceptionOpening[] = [];
  const resolved: Array<{ exceptionId: string; note: string }> = [];
  const byId = new Map(payouts.map((p) => [p.payoutId, p]));
  const d: HoldSlaSweepDeps = {
    exceptions: {
      openOrUpdate: async (o) => void opened.push(o) as never,
      resolve: async ({ exceptionId, note }) => void resolved.push({ exceptionId, note }) as never,
    },
    // The unresolved exceptions as the state index lists them, by the category of their hold's owner.
    active: {
      holdSlaExceptions: async ({ category, limit }) =>
        active
          .filter((a) => `hold_past_sla_${a.owner}` === category)
          .slice(0, limit)
          .map(({ payoutId, holdId }) => ({
            exceptionId: exceptionIdFor({ category, payoutId, holdId }),
            payoutId,
            holdId,
          })),
    },
    payouts: { getPayoutById: async (id) => byId.get(id) },
    // The queue as the index finds it: every (payout, hold) of the owner opened before the bound.
    queue: {
      holdsOpenedBefore: async ({ owner, openedBeforeIso }) =>
        payouts.flatMap((p) =>
          Object.values(p.holds ?? {})
            .filter((h) => h.owner === owner && h.openedAt < openedBeforeIso)
            .map((h) => ({ payoutId: p.payoutId, holdId: h.holdId })),
        ),
    },
  };
  return { d, opened, resolved };
}

describe('holds past their SLA', () => {
  it.each([
    ['compliance', 2, 'hold_past_sla_compliance'],
    ['ops', 3, 'hold_past_sla_ops'],
    ['tenant', 8, 'hold_past_sla_tenant'],
  ] as const)(
    'a %s hold opened %i days ago opens a %s exception, linked to the payout',
    async (owner, days, category) => {
      const { d, opened } = deps([payout('po_1', [hold('h1', owner, daysAgo(days))])]);
      expect(await openHoldSlaExceptions(d, NOW_MS)).toBe(1);
      expect(opened).toMatchObject([
        { category, owner, payoutId: 'po_1', dedupKey: 'hold_past_sla:po_1:h1', evidence: { hold_id: 'h1' } },
      ]);
    },
  );

  it('within its SLA, released, or on a payout that moved on: nothing opened', async () => {
    const { d, opened } = deps([
      payout('po_within', [hold('h1', 'tenant', daysAgo(6))]),
      payout('po_released', [hold('h1', 'compliance', daysAgo(5), { releasedAt: daysAgo(1), releasedBy: 'x' })]),
      payout('po_canceled', [hold('h1', 'ops', daysAgo(5))], { status: 'canceled' }),
      payout('po_claimed', [hold('h1', 'ops', daysAgo(5))], { submissionClaimedAt: daysAgo(4) }),
    ]);
    expect(await openHoldSlaExceptions(d, NOW_MS)).toBe(0);
    expect(opened).toEqual([]);
  });

  it('two holds of one payout are two exceptions; a second run lands on the same keys', async () => {
    const p = payout('po_2', [hold('a', 'compliance', daysAgo(2)), hold('b', 'ops', daysAgo(3))]);
    const { d, opened } = deps([p]);
    await openHoldSlaExceptions(d, NOW_MS);
    await openHoldSlaExceptions(d, NOW_MS);
    expect(opened.map((o) => o.dedupKey)).toEqual([
      'hold_past_sla:po_2:a',
      'hold_past_sla:po_2:b',
      'hold_past_sla:po_2:a',
      'hold_past_sla:po_2:b',
    ]);
  });
});

describe('hold SLA exceptions once the hold no longer waits', () => {
  const released = { releasedAt: daysAgo(1), releasedBy: 'operator:bob' };
  // Every way a hold can stand when its exception is looked at again, and whether the job resolves it.
  it.each([
    ['still open, payout before submission', [hold('h1', 'tenant', daysAgo(9))], {}, undefined],
    ['released', [hold('h1', 'tenant', daysAgo(9), released)], {}, /hold h1 released at .* by operator:bob/],
    ['still open, payout canceled', [hold('h1', 'ops', daysAgo(9))], { status: 'canceled' }, /is canceled/],
    ['still open, payout expired', [hold('h1', 'ops', daysAgo(9))], { status: 'expired' }, /is expired/],
    [
      'still open, claimed by the submitter',
      [hold('h1', 'compliance', daysAgo(9))],
      { submissionClaimedAt: daysAgo(1) },
      /no longer gates it/,
    ],
    [
      'still open, awaiting approval',
      [hold('h1', 'compliance', daysAgo(9))],
      { status: 'requires_approval' },
      undefined,
    ],
    ['gone from the payout', [hold('other', 'tenant', daysAgo(9))], {}, /has no hold h1/],
  ] as const)('%s', async (_case, holds, overrides, note) => {
    const owner = holds[0]!.owner;
    const p = payout('po_1', [...holds], overrides as Partial<Payout>);
    const { d, resolved } = deps([p], [{ payoutId: 'po_1', holdId: 'h1', owner }]);
    const count = await resolveSettledHoldSlaExceptions(d, NOW_MS);
    if (note === undefined) {
      expect(count).toBe(0);
      expect(resolved).toEqual([]);
    } else {
      expect(count).toBe(1);
      expect(resolved).toEqual([
        {
          exceptionId: exceptionIdFor({
            category: `hold_past_sla_${owner as 'tenant' | 'ops' | 'compliance'}`,
            payoutId: 'po_1',
            holdId: 'h1',
          }),
          note: expect.stringMatching(note),
        },
      ]);
    }
  });

  it('an exception whose payout is not found is resolved', async () => {
    const { d, resolved } = deps([], [{ payoutId: 'po_gone', holdId: 'h1', owner: 'ops' }]);
    expect(await resolveSettledHoldSlaExceptions(d, NOW_MS)).toBe(1);
    expect(resolved[0]?.note).toMatch(/payout not found/);
  });

  it('without the exceptions list it resolves nothing (and opens as before)', async () => {
    const { d, resolved } = deps([payout('po_1', [hold('h1', 'tenant', daysAgo(9), released)])]);
    delete d.active;
    expect(await resolveSettledHoldSlaExceptions(d, NOW_MS)).toBe(0);
    expect(resolved).toEqual([]);
  });
});
