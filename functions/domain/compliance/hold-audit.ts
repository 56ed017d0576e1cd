import type { AuditEntry } from '../audit';
import { auditActorOf, payoutSubject, requestIdOf } from '../audit-entries';
import type { TransitionSource } from '../lifecycle';
import type { Actor, Payout } from '../payout';
import type { Hold } from './contract';

/** The audit record of a hold placed on or released from a payout (adapters/payout-holds.ts). */
export function payoutHoldEntry(input: {
  payout: Payout;
  record: 'hold_placed' | 'hold_released';
  hold: Hold;
  source: TransitionSource;
  sourceRef: string;
  actor: Actor;
  at: string;
  reason?: string;
}): AuditEntry {
  const { payout, hold } = input;
  return {
    at: input.at,
    actor: auditActorOf(input.actor, payout.tenantId),
    action: `payout.${input.record}`,
    subject: payoutSubject(payout.payoutId),
    tenant_id: payout.tenantId,
    request_id: requestIdOf(input.source, input.sourceRef),
    outcome: 'applied',
    details: {
      source: input.source,
      source_ref: input.sourceRef,
      status: payout.status,
      version: payout.version,
      hold_id: hold.holdId,
      hold_kind: hold.kind,
      hold_owner: hold.owner,
      requirement: hold.requirement,
      evidence: hold.evidence,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
    },
  };
}
