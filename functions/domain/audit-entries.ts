import { assertNever } from './assert-never';
import type { AuditActor, AuditEntry, AuditOutcome, AuditSubject } from './audit';
import type { PayoutStatus, TransitionSource } from './lifecycle';
import type { Actor, Payout, PayoutRecord, TransitionCommand } from './payout';
import type { PayoutReversal } from './reversal';

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
    case 'sweeper':
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
 * wrote, or `forbidden` (the lifecycle refused it; nothing moved). A provider's stale or duplicate
 * event moves nothing and is on the timeline only; a principal's own action that turned out stale
 * (a tenant's cancel confirmed after the provider's webhook canceled the payout) is recorded as
 * `stale`, because the principal did act. `said` is what the actor gave with the action (a reason,
 * a note); the facts of the transition are written after it, so it can never overwrite one.
 */
export function payoutTransitionEntry(
  payout: Payout,
  cmd: TransitionCommand,
  outcome: Extract<AuditOutcome, 'applied' | 'forbidden' | 'stale'>,
  next?: { status: PayoutStatus; version: number },
  said?: Record<string, unknown>,
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
      ...said,
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

/**
 * A step of a payout's reversal request (requested, approved, rejected, sent, refused) as the trail
 * records it: on the payout's own chain, with the request as it was and as it became. The payout's
 * status does not move (it stays paid until the provider's return is confirmed as `provider_reversed`,
 * a transition audited by payoutTransitionEntry). `said` as in payoutTransitionEntry.
 */
export function payoutReversalEntry(input: {
  payout: Payout;
  record: PayoutRecord;
  before: PayoutReversal | undefined;
  after: PayoutReversal;
  source: TransitionSource;
  sourceRef: string;
  actor: Actor;
  at: string;
  said?: Record<string, unknown>;
}): AuditEntry {
  const { payout } = input;
  return {
    at: input.at,
    actor: auditActorOf(input.actor, payout.tenantId),
    action: `payout.${input.record}`,
    subject: payoutSubject(payout.payoutId),
    tenant_id: payout.tenantId,
    request_id: requestIdOf(input.source, input.sourceRef),
    outcome: 'applied',
    details: {
      ...input.said,
      source: input.source,
      source_ref: input.sourceRef,
      status: payout.status,
      version: payout.version,
      reversal_id: input.after.reversalId,
      reversal_from: input.before?.status ?? null,
      reversal_to: input.after.status,
      amount_minor: payout.amountMinor,
      currency: payout.currency,
    },
  };
}
