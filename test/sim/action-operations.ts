import { bodyOf, newActionRequest, startAction, type SimAction, type SimPrincipal } from './actions';
import type { Operation } from './operation';
import { SIM_TENANTS, type World } from './world';

/**
 * The operation table's rows for the tenant's actions (actions.ts): an approver approves or
 * rejects a payout held for four eyes (sometimes two copies of one request at once, sometimes the
 * creator itself tries), the backend cancels a payout in whatever status it is, and clients retry
 * what got no final answer — with the same Idempotency-Key, so a retry replays, never re-applies.
 */
const awaitingApproval = (world: World) =>
  [...world.payouts.payouts.values()].filter((p) => p.status === 'requires_approval');

const unanswered = (world: World) => world.actionRequests.filter((r) => !r.done);

/** The share of approvals the creator itself attempts: four eyes must refuse every one. */
const SELF_APPROVAL_SHARE = 0.15;
/** The share of cancels sent with another tenant's token: answered 404, like a payout that does not exist. */
const OTHER_TENANT_SHARE = 0.1;

function decide(world: World, action: Exclude<SimAction, 'cancel'>): string {
  const payout = world.choices.pick(awaitingApproval(world));
  const principal: SimPrincipal = world.choices.chance(SELF_APPROVAL_SHARE) ? 'creator-as-approver' : 'approver';
  const request = newActionRequest(world, {
    tenantId: payout.tenantId,
    principal,
    action,
    payoutId: payout.payoutId,
    body: bodyOf(world, action),
  });
  const copies = world.choices.between(1, 2);
  for (let i = 0; i < copies; i += 1) startAction(world, request, `${action} ${payout.payoutId} copy ${i + 1}`);
  return `${principal} ${action}s ${payout.payoutId} (${request.idempotencyKey}${copies > 1 ? ', ×2 at once' : ''})`;
}

export const ACTION_OPERATIONS: readonly Operation[] = [
  {
    name: 'approve',
    weight: (world) => (awaitingApproval(world).length > 0 ? 2.5 : 0),
    start: (w) => decide(w, 'approve'),
  },
  {
    name: 'reject',
    weight: (world) => (awaitingApproval(world).length > 0 ? 0.7 : 0),
    start: (w) => decide(w, 'reject'),
  },
  {
    name: 'cancel',
    weight: (world) => (world.payouts.payouts.size > 0 ? 0.8 : 0),
    start: (world) => {
      const payout = world.choices.pick([...world.payouts.payouts.values()]);
      const foreign = world.choices.chance(OTHER_TENANT_SHARE);
      const tenantId = foreign ? SIM_TENANTS.find((t) => t !== payout.tenantId)! : payout.tenantId;
      const request = newActionRequest(world, {
        tenantId,
        principal: 'backend',
        action: 'cancel',
        payoutId: payout.payoutId,
        body: bodyOf(world, 'cancel'),
      });
      startAction(world, request, `cancel ${payout.payoutId}`);
      return `${tenantId} cancels ${payout.payoutId} (${payout.status}, ${request.idempotencyKey})`;
    },
  },
  {
    name: 'action-retry',
    weight: (world) => (unanswered(world).length > 0 ? 2 : world.actionRequests.length > 0 ? 0.3 : 0),
    start: (world) => {
      const open = unanswered(world);
      const request = world.choices.pick(open.length > 0 ? open : world.actionRequests);
      startAction(world, request, `retry ${request.action} ${request.idempotencyKey}`);
      return `retry ${request.action} ${request.payoutId} (${request.idempotencyKey})${open.length > 0 ? '' : ' after its answer'}`;
    },
  },
];
