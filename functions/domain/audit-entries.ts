import { assertNever } from './assert-never';
import type { AuditActor, AuditEntry, AuditOutcome, AuditSubject } from './audit';
import type { PayoutStatus, TransitionSource } from './lifecycle';
import type { Actor, Payout, TransitionCommand } from './payout';

/**
 * The audit entries of payout changes, built in one place so every path that moves a payout —
 * create, the submitter, webhooks, the poller, tenant and operator actions — writes the same shape.
 * payout-transitions.ts calls payoutTransitionEntry for every applied or forbidden transition, so a
 * new action that goes through applyTransition is audited without code of its own.
 */

/** The access-matrix row of every job (functions/shared/access-matrix.ts: `jobs`). */
export const JOB_ROLE = 'jobs';
export const PROVIDER_ROLE = 'provider';

export function auditActorOf(actor: Actor, tenantId: string | null): AuditActor {
  switch (actor.kind) {
    case 'client':
      return { type: 'tenant', id: actor.id, role: actor.role, tenant: tenantId };
    case 'operator':
      return { type: 'operator', id: actor.id, role: actor.role, tenant: null };
    case 'system':
      return { type: 'job', id: actor.id, role: JOB_ROLE, tenant: null };
    case 'provider':
      return { type: 'provider', id: actor.id, role: PROVIDER_ROLE, tenant: null };
    default:
      return assertNever(actor, 'actor');
  }
}

export const payoutSubject = (payoutId: string): AuditSubject => ({ type: 'payout', id: payoutId });

/** A Request-Id for API and operator sources; a provider event id or a job's reference is not one. */
export function requestIdOf(source: TransitionSource, sourceRef: string): string | null {
  switch (source) {
    case 'api':
    case 'operator':
      return sourceRef;
    case 'provider_webhook':
    case 'poller':
    case 'submitter':
      return null;
    default:
      return assertNever(source, 'transition source');
  }
}

export function payoutCreatedEntry(payout: Payout, actor: Actor, requestId: string): AuditEntry {
  return {
    at: payout.createdAt,
    actor: auditActorOf(actor, payout.tenantId),
    action: 'payout.created',
    subject: payoutSubject(payout.payoutId),
    tenant_id: payout.tenantId,
    request_id: requestId,
    outcome: 'applied',
    details: {
      source: 'api',
      source_ref: requestId,
      to: payout.status,
      version: payout.version,
      amount_minor: payout.amountMinor,
      currency: payout.currency,
      provider: payout.provider,
      idempotency_key: payout.idempotencyKey,
    },
  };
}

/**
 * A transition as the trail records it: `applied` with the status it reached and the version it
 * wrote, or `forbidden` (the lifecycle refused it; nothing moved). Stale and duplicate events move
 * nothing and are on the timeline only.
 */
export function payoutTransitionEntry(
  payout: Payout,
  cmd: TransitionCommand,
  outcome: Extract<AuditOutcome, 'applied' | 'forbidden'>,
  next?: { status: PayoutStatus; version: number },
): AuditEntry {
  return {
    at: cmd.recordedAt,
    actor: auditActorOf(cmd.actor, payout.tenantId),
    action: `payout.${cmd.event}`,
    subject: payoutSubject(payout.payoutId),
    tenant_id: payout.tenantId,
    request_id: requestIdOf(cmd.source, cmd.sourceRef),
    outcome,
    details: {
      source: cmd.source,
      source_ref: cmd.sourceRef,
      from: payout.status,
      to: next?.status ?? null,
      version: next?.version ?? payout.version,
      occurred_at: cmd.occurredAt,
      status_reason: cmd.statusReason,
      provider_reference: cmd.providerReference,
      fee_minor: cmd.feeMinor,
    },
  };
}
