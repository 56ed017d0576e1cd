import { releasePayoutHold } from '../../functions/app/compliance/release-hold';
import { screeningMatchHold } from '../../functions/domain/compliance/gates';
import type { Payout } from '../../functions/domain/payout';
import type { Operation } from './operation';
import { sender } from './memory/queues';
import type { World } from './world';

/**
 * The operation table's rows for holds (issue 15): a screening hit lands on a payout before
 * submission (at any moment, so also between the submitter's read and its provider call), and
 * compliance releases an open hold through the real use case (app/compliance/release-hold.ts),
 * whose last release hands the payout back to the submission queue. The invariant
 * `no-provider-call-with-open-hold` watches every provider call.
 */
const holdable = (world: World): Payout[] =>
  [...world.payouts.payouts.values()].filter(
    (p) => (p.status === 'submitted' || p.status === 'requires_approval') && p.submissionClaimedAt === undefined,
  );

const withOpenHold = (world: World): Payout[] =>
  [...world.payouts.payouts.values()].filter((p) => (p.openHoldCount ?? 0) > 0);

const COMPLIANCE = {
  kind: 'operator',
  id: 'sim-compliance',
  role: 'compliance',
  scopes: ['compliance:review'],
} as const;

function startRelease(world: World, payout: Payout, holdId: string): void {
  world.spawn(`release ${holdId} of ${payout.payoutId}`, async (gate) => {
    const enqueue = async (message: { payoutId: string }) =>
      sender(world.submissionQueue, gate, world.now)(JSON.stringify({ payoutId: message.payoutId }));
    await releasePayoutHold(
      { store: world.payoutsFor(gate), enqueue },
      {
        payoutId: payout.payoutId,
        holdId,
        tenantId: undefined,
        scopes: COMPLIANCE.scopes,
        actor: { ...COMPLIANCE, scopes: [...COMPLIANCE.scopes] },
        requestId: `sim-release-${holdId}`,
        at: new Date(world.clockMs).toISOString(),
      },
    );
  });
}

/** The quiet phase: compliance decides every open hold (as approvers decide every approval), so every payout can settle. */
export async function releaseOpenHolds(world: World): Promise<void> {
  for (const payout of withOpenHold(world))
    for (const hold of Object.values(payout.holds ?? {}).filter((h) => h.releasedAt === undefined))
      startRelease(world, payout, hold.holdId);
  await world.runTasks();
}

export const HOLD_OPERATIONS: readonly Operation[] = [
  {
    name: 'screening-hit',
    weight: (world) => (holdable(world).length > 0 ? 0.6 : 0),
    start: (world) => {
      const payout = world.choices.pick(holdable(world));
      const caseId = `scr_${world.clockMs}`;
      world.spawn(`screening hit on ${payout.payoutId}`, async (gate) => {
        const hold = screeningMatchHold({ case_id: caseId, score: 0.9 }, new Date(world.clockMs).toISOString());
        const at = new Date(world.clockMs).toISOString();
        const actor = { kind: 'system', id: 'screening' } as const;
        await world.payoutsFor(gate).placeHold({ payout, hold, source: 'operator', sourceRef: caseId, actor, at });
      });
      return `screening hit ${caseId} on ${payout.payoutId} (${payout.status})`;
    },
  },
  {
    name: 'hold-release',
    weight: (world) => (withOpenHold(world).length > 0 ? 1 : 0),
    start: (world) => {
      const payout = world.choices.pick(withOpenHold(world));
      const hold = world.choices.pick(Object.values(payout.holds ?? {}).filter((h) => h.releasedAt === undefined));
      startRelease(world, payout, hold.holdId);
      return `compliance releases ${hold.holdId} of ${payout.payoutId}`;
    },
  },
];
