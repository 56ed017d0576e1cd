import type { ExceptionsStore } from '../../adapters/exceptions-repository';
import { exceptionIdFor, openException, type ExceptionSubject } from '../../domain/exceptions';
import type { Payout, TransitionCommand, TransitionResult } from '../../domain/payout';

/**
 * The sweeper's approval job (issue 10): a payout still `requires_approval` past its
 * `approval.expiresAt` (APPROVAL_EXPIRES_AFTER_SECONDS after creation) is canceled by
 * `approval_expired` — nothing was posted, nothing is released — with a tenant-owned
 * `approval_expired` exception. Found by the APPROVAL partition of gsi3, never a Scan.
 *
 * The exception is opened first (idempotent on its dedup key), then the payout canceled: if the
 * run dies between the two, the payout is still in the index and the next run does both again. If
 * an approver decided in the meantime (the cancel is stale), the exception is resolved at once
 * saying so: it never stays open for a payout that went ahead.
 */
export const SWEEP_APPROVAL_EXPIRIES_MAX = 50;

/** The sweeper as the audit trail names it (a job: its function name), on the exception and the cancel. */
const SWEEP_ACTOR = { kind: 'system', id: 'sweep' } as const;

export interface ApprovalSweepDeps {
  exceptions: ExceptionsStore;
  payouts: {
    applyTransition(cmd: TransitionCommand): Promise<TransitionResult>;
    getPayoutById(payoutId: string): Promise<Payout | undefined>;
  };
  waiting: { approvalsExpiredBy(nowIso: string, limit: number): Promise<string[]> };
}

/** Returns how many payouts it canceled. */
export async function expireApprovals(deps: ApprovalSweepDeps, nowIso: string): Promise<number> {
  let expired = 0;
  for (const payoutId of await deps.waiting.approvalsExpiredBy(nowIso, SWEEP_APPROVAL_EXPIRIES_MAX)) {
    // The index lags the table: decide on a consistent read.
    const payout = await deps.payouts.getPayoutById(payoutId);
    const approval = payout?.approval;
    if (
      payout === undefined ||
      approval === undefined ||
      payout.status !== 'requires_approval' ||
      approval.expiresAt > nowIso
    )
      continue;
    const subject: ExceptionSubject = { category: 'approval_expired', payoutId };
    const evidence = {
      tenant_id: payout.tenantId,
      amount_minor: payout.amountMinor,
      currency: payout.currency,
      threshold_minor: approval.thresholdMinor,
      created_at: payout.createdAt,
      expires_at: approval.expiresAt,
      created_by: payout.createdBy?.clientId ?? null,
    };
    const error = {
      message: `nobody approved payout ${payoutId} by ${approval.expiresAt}; it is canceled. Create it again if it is still wanted`,
      code: 'approval_expired',
    };
    await deps.exceptions.openOrUpdate({
      ...openException(subject, { evidence, error, seenAt: nowIso }),
      actor: SWEEP_ACTOR,
    });
    const result = await deps.payouts.applyTransition({
      payoutId,
      event: 'approval_expired',
      source: 'sweeper',
      sourceRef: `sweep:${nowIso}`,
      occurredAt: approval.expiresAt,
      recordedAt: nowIso,
      actor: SWEEP_ACTOR,
      statusReason: 'approval_expired',
      approvalDecision: { kind: 'expired', at: nowIso },
    });
    if (result.kind === 'applied') {
      expired++;
      continue;
    }
    await deps.exceptions.resolve({
      exceptionId: exceptionIdFor(subject),
      note: `decided before the expiry was applied (payout ${result.kind === 'stale' || result.kind === 'forbidden' ? result.payout.status : result.kind})`,
      actor: SWEEP_ACTOR,
      now: nowIso,
    });
  }
  return expired;
}
