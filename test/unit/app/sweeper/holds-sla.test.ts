// The sweeper's holds SLA job (app/sweeper/holds-sla.ts) in memory: one exception per hold past
// its owner's SLA, category per owner, dedup key per hold; a hold within its SLA, released, or on
// a payout that moved on opens nothing.
import { describe, expect, it } from 'vitest';
import type { ExceptionOpening } from '../../../../functions/domain/exceptions';
import { openHoldSlaExceptions, type HoldSlaSweepDeps } from '../../../../functions/app/sweeper/holds-sla';
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

function deps(payouts: Payout[]) {
  const opened: ExceptionOpening[] = [];
  const byId = new Map(payouts.map((p) => [p.payoutId, p]));
  const d: HoldSlaSweepDeps = {
    exceptions: { openOrUpdate: async (o) => void opened.push(o) as never },
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
  return { d, opened };
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
